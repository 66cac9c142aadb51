"""Placements after publication: a firm accepts, declines or withdraws, an offer lapses when
its answer-by date passes, and freed places go down the mission's waiting list.

Every change runs in one transaction that starts by locking the round's row, so offers,
answers and withdrawals of one round happen one at a time: a re-solve always sees the
places as they are, and a mission never holds more placements (placed, offered or
accepted) than its capacity, however many requests arrive at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext, mark
from matchmaker.models import (
    Application,
    MatchingRun,
    Mission,
    Placement,
    PlacementStatus,
    Role,
    Round,
    RoundStatus,
    User,
)
from matchmaker.models.common import utcnow
from matchmaker.optimisation import SolveOptions
from matchmaker.optimisation import waiting_list as waiting_rules
from matchmaker.services import (
    audit,
    notifications,
    offer_terms,
    placement_audit,
    read_back,
    reasons,
)
from matchmaker.services import rosters as roster_service
from matchmaker.services import runs as run_service
from matchmaker.services.errors import NotFound
from matchmaker.services.placement_plans import PlacementRefused, Plan
from matchmaker.services.placement_plans import plan_change as _plan
from matchmaker.services.run_execution import SolvedRoster, solve_and_store

HOLDING_STATUSES = roster_service.HOLDING_STATUSES
RESOLVE_TIME_LIMIT_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Change:
    """What one request changed: the placement, and the offers the re-solve made."""

    placement: Placement
    offers: list[Placement]


# --------------------------------------------------------------------------- the waiting list


def holding_counts(*, session: Session, run_id: int) -> dict[int, int]:
    """Placements holding a place (placed, offered, accepted) per mission id."""
    rows = session.exec(
        select(Application.mission_id, Placement.status)
        .join(Application, col(Application.id) == col(Placement.application_id))
        .where(Placement.run_id == run_id)
    ).all()
    counts: dict[int, int] = {}
    for mission_id, status in rows:
        if status in HOLDING_STATUSES:
            counts[mission_id] = counts.get(mission_id, 0) + 1
    return counts


# --------------------------------------------------------------------------- the firm's answers


def accept(*, session: Session, placement_id: int, user: User) -> Change:
    """The SME accepts the place it was offered."""
    return _change(session, placement_id, user, as_firm=True, action="accept")


def decline(*, session: Session, placement_id: int, user: User) -> Change:
    """The SME declines an offered place; it goes to the waiting list."""
    return _change(session, placement_id, user, as_firm=True, action="decline")


def withdraw(*, session: Session, placement_id: int, actor: User) -> Change:
    """The firm (or an organiser on its behalf) withdraws: from an offered or accepted place,
    which then goes to the waiting list, or from the waiting list itself."""
    as_firm = str(actor.role) == Role.sme
    return _change(session, placement_id, actor, as_firm=as_firm, action="withdraw")


def lapse(*, session: Session, placement_id: int, now: datetime) -> Change:
    """The system lets an offer lapse that was not answered by its date: it counts as
    declined, and the place goes down the waiting list. Refused if it is not due (any more)."""
    return _change(session, placement_id, None, as_firm=False, action="lapse", now=now)


def offer(*, session: Session, placement_id: int, actor: User) -> Change:
    """An organiser offers a place to one application of the waiting list, if the round can
    hold it next to every current placement (a re-solve with all of them locked)."""
    return _change(session, placement_id, actor, as_firm=False, action="offer")


_ALLOWED = {
    "accept": (PlacementStatus.offered,),
    "decline": (PlacementStatus.offered,),
    "withdraw": (PlacementStatus.offered, PlacementStatus.accepted, PlacementStatus.unplaced),
    "offer": (PlacementStatus.unplaced,),
    "lapse": (PlacementStatus.offered,),
}
_NEW_STATUS = {
    "accept": PlacementStatus.accepted,
    "decline": PlacementStatus.declined,
    "withdraw": PlacementStatus.withdrawn,
    "offer": PlacementStatus.offered,
    "lapse": PlacementStatus.declined,
}


def _change(
    session: Session,
    placement_id: int,
    actor: User | None,
    *,
    as_firm: bool,
    action: str,
    now: datetime | None = None,
) -> Change:
    now = now or utcnow()
    round_id = _visible_round_of(session, placement_id, actor, as_firm)
    try:
        # Read and check, under the round's lock.
        round_row = run_service.lock_round(session, round_id)
        assert round_row is not None
        placement = session.exec(
            select(Placement)
            .where(Placement.id == placement_id)
            .execution_options(populate_existing=True)
        ).one()
        run = run_service.published_run(session=session, round_row=round_row)
        if run is None or run.id != placement.run_id:
            raise PlacementRefused(gettext("only placements of a published roster can change"))
        if placement.status not in _ALLOWED[action]:
            raise PlacementRefused(
                gettext(
                    "this placement is %(status)s; it cannot be %(done)s now",
                    status=reasons.status_for_firm(placement.status, placement.reason).lower(),
                    done=str(_PAST[action]),
                )
            )
        if action == "lapse" and (placement.answer_by is None or placement.answer_by > now):
            raise PlacementRefused(gettext("this offer's answer-by date has not passed"))
        before = {"status": str(placement.status)}
        plan: Plan | None = None
        if action == "offer":
            _check_room(session, run, placement)
            plan = _plan(session, round_id, run, offered=placement)
        elif placement.status in HOLDING_STATUSES and action in ("decline", "withdraw", "lapse"):
            plan = _plan(session, round_id, run, freed=placement)

        # Decide (a re-solve where a place is offered or freed), then write.
        offers: list[Placement] = []
        after: dict[str, Any] = {"status": _NEW_STATUS[action].value}
        if plan is not None and action == "offer":
            solved = _solve(plan, placement, run)
            after["resolve"] = {
                "snapshot_sha256": run_service.snapshot_digest(plan.document),
                "status": solved.outcome.status,
                "locked": len(plan.locked),
            }
        elif plan is not None:
            offers, moved = _pass_on(session, run, round_row, plan, placement, now)
            after["resolve"] = {
                "snapshot_sha256": run_service.snapshot_digest(plan.document),
                "status": "waiting list",
                "locked": len(plan.locked),
                "moved_up": [m.id for m in moved],
            }
            after["offers"] = [o.id for o in offers]
            notifications.places_offered(session=session, placements=offers)
        if action == "offer":
            offer_terms.make_offer(placement, round_row, now)
            after["answer_by"] = placement.answer_by.isoformat() if placement.answer_by else None
            notifications.places_offered(session=session, placements=[placement])
        elif action == "lapse":
            after["answer_by"] = placement.answer_by.isoformat() if placement.answer_by else None
            placement.reason = "lapsed"
            placement.detail = None
            notifications.offer_lapsed(session=session, placement=placement)
        placement.status = _NEW_STATUS[action]
        placement.updated_at = now
        # One audit row per request: the answer, with the re-solve and the offers it made.
        audit.record(
            session=session,
            actor=actor,
            action=f"placement.{action}",
            object_type="placement",
            object_id=placement_id,
            before=before,
            after=after,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    read_back(session, placement)
    for made in offers:
        read_back(session, made)
    return Change(placement, offers)


_PAST = {
    "accept": mark("accepted"),
    "decline": mark("declined"),
    "withdraw": mark("withdrawn"),
    "offer": mark("offered"),
    "lapse": mark("lapsed"),
}


def _visible_round_of(
    session: Session, placement_id: int, actor: User | None, as_firm: bool
) -> str:
    """The round of a placement the actor may change (the system, actor None, any);
    NotFound for anyone else's."""
    found = session.exec(
        select(Application.round_id, Application.firm_id)
        .join(Placement, col(Placement.application_id) == col(Application.id))
        .where(Placement.id == placement_id)
    ).first()
    if found is None:
        raise NotFound("placement", placement_id)
    round_id, firm_id = found
    if actor is None:
        return round_id
    if as_firm:
        if str(actor.role) != Role.sme or actor.firm_id is None or actor.firm_id != firm_id:
            raise NotFound("placement", placement_id)
        round_row = session.get(Round, round_id)
        if round_row is None or round_row.status != RoundStatus.published:
            raise NotFound("placement", placement_id)
        return round_id
    run_service.check_visible_round(
        session=session, round_id=round_id, user=actor, noun="placement", key=placement_id
    )
    return round_id


# --------------------------------------------------------------------------- re-solving


def _check_room(session: Session, run: MatchingRun, placement: Placement) -> None:
    """Refuse at once an offer on a mission whose places are all held: no re-solve can fit
    it, and a burst of offers for the last place then holds the round's lock only briefly."""
    mission = session.exec(
        select(Mission)
        .join(Application, col(Application.mission_id) == col(Mission.id))
        .where(Application.id == placement.application_id)
    ).one()
    held = holding_counts(session=session, run_id=run.id or 0).get(mission.id or 0, 0)
    if held >= mission.capacity:
        raise PlacementRefused(
            gettext(
                "the round has no room for this application next to the current placements: "
                "all %(capacity)s places of %(mission)s are taken",
                capacity=mission.capacity,
                mission=mission.title,
            )
        )


def _solve(plan: Plan, placement: Placement, run: MatchingRun) -> SolvedRoster:
    """Re-solve the plan's scenario for an offer and take it (refused if the round cannot
    hold it next to every current placement)."""
    options = SolveOptions(time_limit=RESOLVE_TIME_LIMIT_SECONDS, seed=run.seed)
    return solve_and_store(
        plan.document, options, plan.application_ids, store=partial(_take_offer, placement)
    )


def _take_offer(placement: Placement, solved: SolvedRoster) -> SolvedRoster:
    """Refuse an offer the round cannot hold next to every current placement; else give the
    offered placement its score in the re-solved roster."""
    if not solved.found:
        details = "; ".join(c["detail"] for c in solved.result.get("infeasible", []))
        refusal = gettext(
            "the round has no room for this application next to the current placements"
        )
        raise PlacementRefused(refusal + (f": {details}" if details else ""))
    row = solved.row_of(placement.application_id)
    assert row is not None  # the plan keeps the offered application in the round
    placement.score = row["score"]
    placement.reason = None
    placement.detail = None
    return solved


def _pass_on(
    session: Session,
    run: MatchingRun,
    round_row: Round,
    plan: Plan,
    freed: Placement,
    now: datetime,
) -> tuple[list[Placement], list[Placement]]:
    """Offer the freed place down the mission's waiting list (optimisation/waiting_list.py):
    the best firm that can take it gets it; a firm that moves up from an open offer on a
    lower choice gives that one back, and it passes on in turn. Returns the new offers and
    the offers given back."""
    data = plan.prepared()
    application_of, holding = plan.holding(data, without=freed)
    mission = plan.pair_of[freed.application_id][1]
    offers: list[Placement] = []
    moved: list[Placement] = []
    before: list[str | None] = []
    for move in waiting_rules.settle(data, holding, mission):
        application = data.applications[move.offered]
        application_id = application_of[(application.firm, application.mission)]
        placement = plan.placements.get(application_id)
        if placement is None:  # applied after the run: joins the roster with its offer
            placement = Placement(run_id=run.id or 0, application_id=application_id)
            session.add(placement)
            plan.placements[application_id] = placement
        before.append(PlacementStatus(placement.status).value if placement.id else None)
        offer_terms.make_offer(placement, round_row, now)
        placement.score = data.scores[move.offered]
        placement.reason = None
        placement.detail = None
        offers.append(placement)
        if move.released is not None:
            given_back = data.applications[move.released]
            old = plan.placements[application_of[(given_back.firm, given_back.mission)]]
            old.status = PlacementStatus.unplaced
            old.reason = "placed_elsewhere"
            old.detail = f"moved up to its better choice {application.mission}"
            old.answer_by = None
            old.updated_at = now
            moved.append(old)
    session.flush()
    placement_audit.record_passed_on(
        session=session,
        offers=zip(offers, before, strict=True),
        given_back=moved,
        freed_id=freed.id or 0,
    )
    return offers, moved
