"""What the organiser's page modules share: the addresses of a round, a run and a placement,
the round and mission lookups (404 for another organisation's)."""

from __future__ import annotations

from urllib.parse import quote

from sqlmodel import Session

from matchmaker.models import MatchingRun, Mission, Placement, Round, User
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service


def round_url(round_id: str, suffix: str = "") -> str:
    """The page of a round (ids from imported files may hold any character)."""
    return f"/organiser/rounds/{quote(round_id, safe='')}{suffix}"


def run_url(run: MatchingRun) -> str:
    return f"/organiser/runs/{run.id}"


def placement_url(placement: Placement) -> str:
    """The placement on its run's page."""
    return f"/organiser/runs/{placement.run_id}#placement-{placement.id}"


def visible_round(session: Session, user: User, round_id: str) -> Round:
    return round_service.get_round(session=session, user=user, round_id=round_id)


def visible_mission(session: Session, user: User, round_id: str, mission_id: int) -> Mission:
    return mission_service.get_for_organiser(
        session=session, user=user, round_id=round_id, mission_id=mission_id
    )
