"""The audit rows a change writes about the other firms it affects: each firm's result when a
roster is published, and each offer the waiting list makes (or takes back) when a place frees.

The request's own row (round.publish, placement.decline, ...) says what was asked; these
rows say what that meant for every firm concerned, so each firm finds the decision about it
in its own log (services/audit_log.py reads a firm's rows by firm_id).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from matchmaker.models import Placement, PlacementStatus, User
from matchmaker.services import audit, reasons

# The actions of these rows: the security tests allow them next to the request's own row.
FOLLOW_ON_ACTIONS = (
    "placement.publish",
    "placement.offer_from_waiting_list",
    "placement.give_back",
)


def _answer_by(placement: Placement) -> str | None:
    return placement.answer_by.isoformat() if placement.answer_by is not None else None


def _result(placement: Placement) -> dict[str, Any]:
    """Where the published roster leaves the application, as its firm is told."""
    if placement.status == PlacementStatus.offered:
        return {"status": placement.status.value, "answer_by": _answer_by(placement)}
    return {
        "status": PlacementStatus(placement.status).value,
        "waiting_list": reasons.waits(placement.status, placement.reason),
        "reason": placement.reason,
    }


def record_published(
    *, session: Session, actor: User, placements: Iterable[Placement], run_id: int
) -> None:
    """One row per application of the published roster: offered with its answer-by date, or
    not placed with the reason and whether it waits."""
    for placement in placements:
        audit.record(
            session=session,
            actor=actor,
            action="placement.publish",
            object_type="placement",
            object_id=placement.id or 0,
            before={"status": PlacementStatus.placed.value}
            if placement.status == PlacementStatus.offered
            else None,
            after={**_result(placement), "run": run_id},
        )


def record_passed_on(
    *,
    session: Session,
    offers: Iterable[tuple[Placement, str | None]],
    given_back: Iterable[Placement],
    freed_id: int,
) -> None:
    """One row per offer the freed place set going (with the status it had before) and per
    offer given back by a firm that moved up to a better choice. The system decides these."""
    for placement, before in offers:
        audit.record(
            session=session,
            actor=None,
            action="placement.offer_from_waiting_list",
            object_type="placement",
            object_id=placement.id or 0,
            before={"status": before} if before is not None else None,
            after={
                "status": PlacementStatus.offered.value,
                "answer_by": _answer_by(placement),
                "freed": freed_id,
            },
        )
    for placement in given_back:
        audit.record(
            session=session,
            actor=None,
            action="placement.give_back",
            object_type="placement",
            object_id=placement.id or 0,
            before={"status": PlacementStatus.offered.value},
            after={
                "status": PlacementStatus.unplaced.value,
                "waiting_list": False,
                "reason": placement.reason,
            },
        )
