"""The waiting lists of a published roster: per mission, in the order a freed place goes down
it (optimisation/waiting_list.py), with each firm's position and the offer it would give up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from matchmaker.models import MatchingRun, Mission
from matchmaker.optimisation import waiting_list as waiting_rules
from matchmaker.services import placement_plans
from matchmaker.services import rosters as roster_service


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """An application's place in its mission's waiting list: its position (1 is next) and,
    for a firm holding an offer on a choice it ranked lower, the mission it would give up."""

    application_id: int
    position: int
    would_swap: str | None = None  # the mission id (external) of the offer it would give back


def waiting_queues(*, session: Session, run: MatchingRun) -> dict[str, list[QueuePlace]]:
    """Each mission's waiting list (by external mission id), in the order a freed place goes
    down it by the waiting list's rules (optimisation/waiting_list.py): only firms that could
    take the place; a firm holding a choice it ranked at least as high is not listed."""
    plan = placement_plans.plan_change(session, run.round_id, run)
    data = plan.prepared()
    application_of, holding = plan.holding(data)
    queues: dict[str, list[QueuePlace]] = {}
    for mission, queue in waiting_rules.waiting_lists(data, holding).items():
        places = queues.setdefault(mission, [])
        for waiting in queue:
            application = data.applications[waiting.index]
            swap = (
                data.applications[waiting.gives_up].mission
                if waiting.gives_up is not None
                else None
            )
            places.append(
                QueuePlace(
                    application_of[(application.firm, application.mission)],
                    waiting.position,
                    swap,
                )
            )
    return queues


@dataclass(frozen=True, slots=True)
class MissionQueue:
    """A mission's waiting list for the organiser: each entry with its queue place."""

    mission: Mission
    entries: list[tuple[roster_service.RosterEntry, QueuePlace]]


def mission_queues(*, session: Session, run: MatchingRun) -> list[MissionQueue]:
    """The waiting list of every mission that has one, in the round's mission order."""
    queues = waiting_queues(session=session, run=run)
    entry_of = {
        entry.placement.application_id: entry
        for entry in roster_service.roster(session=session, run=run)
    }
    found: dict[int, MissionQueue] = {}
    for places in queues.values():
        for place in places:
            entry = entry_of.get(place.application_id)
            if entry is None:  # applied after the run: not on its roster yet
                continue
            queue = found.setdefault(entry.mission.id or 0, MissionQueue(entry.mission, []))
            queue.entries.append((entry, place))
    return [found[key] for key in sorted(found)]


def waiting_positions(*, session: Session, run: MatchingRun) -> dict[int, QueuePlace]:
    """Each waiting application's place in its mission's queue, by application id."""
    return {
        place.application_id: place
        for queue in waiting_queues(session=session, run=run).values()
        for place in queue
    }
