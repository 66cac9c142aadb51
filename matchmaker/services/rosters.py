"""A run's roster (every application's standing, with the names people read), locking
placements for later runs, and publishing a roster as offers to the firms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    Firm,
    LockedPair,
    MatchingRun,
    Mission,
    Placement,
    PlacementStatus,
    Round,
    RoundStatus,
    User,
)
from matchmaker.models.common import utcnow
from matchmaker.services import (
    audit,
    notifications,
    offer_terms,
    placement_audit,
    read_back,
    track_warnings,
)
from matchmaker.services.errors import NotFound
from matchmaker.services.runs import (
    RunRefused,
    active_run,
    check_visible_round,
    current_run,
    lock_round,
    visible_run,
)
from matchmaker.services.scenario_exports import firm_key, member_keys


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One application's standing in a run, with the names a person reads."""

    placement: Placement
    application: Application
    firm: Firm
    mission: Mission
    firm_key: str
    # Set when the firm's latest readiness scan advises no mission now (track_warnings).
    track_flag: str | None = None

    @property
    def holds_place(self) -> bool:
        return self.placement.status in HOLDING_STATUSES


HOLDING_STATUSES = (PlacementStatus.placed, PlacementStatus.offered, PlacementStatus.accepted)


def roster(*, session: Session, run: MatchingRun) -> list[RosterEntry]:
    """Every placement of the run, by mission (scenario order), holders first, then by score."""
    rows = session.exec(
        select(Placement, Application, Firm, Mission)
        .join(Application, col(Application.id) == col(Placement.application_id))
        .join(Firm, col(Firm.id) == col(Application.firm_id))
        .join(Mission, col(Mission.id) == col(Application.mission_id))
        .where(Placement.run_id == run.id)
    ).all()
    members = member_keys(session=session, round_id=run.round_id)
    flags = track_warnings.flagged_firms(
        session=session, firm_ids=(firm.id for _, _, firm, _ in rows if firm.id is not None)
    )
    entries = [
        RosterEntry(
            placement,
            application,
            firm,
            mission,
            firm_key(firm, members),
            flags.get(firm.id or 0),
        )
        for placement, application, firm, mission in rows
    ]
    entries.sort(
        key=lambda e: (
            e.mission.id or 0,
            not e.holds_place,
            -(e.placement.score or 0),
            e.firm_key,
        )
    )
    return entries


def set_lock(*, session: Session, placement_id: int, actor: User, locked: bool) -> Placement:
    """Lock a placement (every later run must place it) or unlock it.

    Only placements of the round's newest succeeded run can change, and only before the
    round is published; a lock needs a placed application.
    """
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound("placement", placement_id)
    run = session.get(MatchingRun, placement.run_id)
    assert run is not None
    check_visible_round(
        session=session, round_id=run.round_id, user=actor, noun="placement", key=placement_id
    )
    try:
        round_row = lock_round(session, run.round_id)
        assert round_row is not None
        read_back(session, placement)
        newest = current_run(session=session, round_id=run.round_id)
        if round_row.status == RoundStatus.published:
            raise RunRefused("the round is published; its placements can no longer be locked")
        if newest is None or newest.id != run.id:
            raise RunRefused("a newer run of this round exists; lock on its roster instead")
        if locked and placement.status != PlacementStatus.placed:
            raise RunRefused("only a placed application can be locked")
        existing = session.exec(
            select(LockedPair).where(LockedPair.application_id == placement.application_id)
        ).first()
        before = {"locked": placement.locked}
        if locked and existing is None:
            session.add(
                LockedPair(
                    round_id=run.round_id,
                    application_id=placement.application_id,
                    created_by=actor.id,
                )
            )
        if not locked and existing is not None:
            session.delete(existing)
        placement.locked = locked
        placement.updated_at = utcnow()
        audit.record(
            session=session,
            actor=actor,
            action="placement.lock" if locked else "placement.unlock",
            object_type="placement",
            object_id=placement_id,
            before=before,
            after={"locked": locked, "application": placement.application_id},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    read_back(session, placement)
    return placement


def publish_run(*, session: Session, run_id: int, actor: User) -> Round:
    """Publish the run's roster: the round becomes published and every placement an offer.

    The run must be the round's newest succeeded run, the round closed, no run queued or
    running.
    """
    run = visible_run(session=session, run_id=run_id, user=actor)
    try:
        round_row = lock_round(session, run.round_id)
        assert round_row is not None
        if round_row.status == RoundStatus.published:
            raise RunRefused("the round is already published")
        if round_row.status != RoundStatus.closed:
            raise RunRefused(
                f"the round is {round_row.status}; close it for applications before publishing"
            )
        newest = current_run(session=session, round_id=run.round_id)
        if newest is None or newest.id != run.id:
            raise RunRefused("only the round's newest succeeded run can be published")
        running = active_run(session=session, round_id=run.round_id)
        if running is not None:
            raise RunRefused(f"run {running.id} is still {running.state}; wait for it first")
        placements = session.exec(
            select(Placement).where(
                Placement.run_id == run.id, Placement.status == PlacementStatus.placed
            )
        ).all()
        now = utcnow()
        for placement in placements:
            offer_terms.make_offer(placement, round_row, now)
        before = {"status": str(round_row.status)}
        round_row.status = RoundStatus.published
        round_row.published_run_id = run.id
        audit.record(
            session=session,
            actor=actor,
            action="round.publish",
            object_type="round",
            object_id=round_row.id,
            before=before,
            after={
                "status": RoundStatus.published.value,
                "run": run.id,
                "snapshot_sha256": run.snapshot_sha256,
                "offers": len(placements),
            },
        )
        placement_audit.record_published(
            session=session,
            actor=actor,
            placements=session.exec(
                select(Placement).where(Placement.run_id == run.id).order_by(col(Placement.id))
            ).all(),
            run_id=run.id or 0,
        )
        notifications.result_published(session=session, round_row=round_row, run_id=run.id or 0)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    read_back(session, round_row)
    return round_row


def roster_entry(*, session: Session, placement: Placement) -> RosterEntry:
    """The placement's standing in its run, as roster() lists it."""
    run = session.get(MatchingRun, placement.run_id)
    assert run is not None
    return next(e for e in roster(session=session, run=run) if e.placement.id == placement.id)


@dataclass(slots=True)
class MissionRoster:
    """One mission of a run's roster: who holds a place, and everyone else with the reason."""

    mission: Mission
    summary: dict[str, Any]
    holders: list[RosterEntry] = field(default_factory=list)
    others: list[RosterEntry] = field(default_factory=list)


def mission_rosters(*, session: Session, run: MatchingRun) -> list[MissionRoster]:
    """The run's roster mission by mission (every mission of the round, in id order)."""
    summaries = {m["id"]: m for m in (run.result or {}).get("missions", [])}
    missions = session.exec(
        select(Mission).where(Mission.round_id == run.round_id).order_by(col(Mission.id))
    ).all()
    rosters = {
        m.id: MissionRoster(mission=m, summary=summaries.get(m.external_id, {})) for m in missions
    }
    for entry in roster(session=session, run=run):
        found = rosters.get(entry.mission.id)
        if found is None:
            continue
        (found.holders if entry.holds_place else found.others).append(entry)
    return list(rosters.values())


def locked_count(*, session: Session, round_id: str) -> int:
    """How many applications of the round are locked to a mission."""
    return len(session.exec(select(LockedPair).where(LockedPair.round_id == round_id)).all())


def run_of_placement(*, session: Session, placement_id: int) -> int:
    """The id of the run a placement belongs to."""
    placement = session.get(Placement, placement_id)
    if placement is None:
        raise NotFound("placement", placement_id)
    return placement.run_id
