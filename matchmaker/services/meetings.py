"""A mission's meeting day: set it up (its meeting requests: meeting_requests.py), and
build the matchmaker-meetings/1 document the engine schedules.

Participants of the day are the firms placed on the mission (placements of the round's
current run with status offered or accepted, the round published: a firm that has not yet
answered its offer may already plan meetings; one that declines or withdraws drops out,
and its requests are left out of the next schedule with the reason `not_placed`) and the
day's partners (meeting_partners.py). "Schedule all", locks and publishing live in
meeting_runs.py; agendas, iCalendar and exports in agendas.py. A locked request is pinned
in the document (`fixed_slot`, `fixed_table`), so a re-run keeps it where it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from matchmaker.i18n import Texts, gettext, mark
from matchmaker.models import (
    Application,
    Firm,
    MeetingDay,
    MeetingDayStatus,
    MeetingRequest,
    MeetingScheduleRun,
    Mission,
    Partner,
    Placement,
    PlacementStatus,
    Role,
    Round,
    RoundStatus,
    ScheduledMeeting,
    User,
)
from matchmaker.optimisation.meetings import (
    MEETINGS_FORMAT,
)
from matchmaker.services import read_back, solver_jobs
from matchmaker.services import runs as run_service
from matchmaker.services.errors import Conflict, Invalid, NotFound
from matchmaker.services.row_audit import record_change
from matchmaker.services.row_locks import locked_rows
from matchmaker.services.solver_jobs import ACTIVE_STATES
from matchmaker.services.transactions import committing

PLACED_STATUSES = (PlacementStatus.offered, PlacementStatus.accepted)
MAX_SLOTS = 48
MAX_TABLES = 500
MAX_FAIRNESS = 48
MAX_PRIORITY = 10
MAX_IMPORT_ROWS = 2000
MAX_IMPORT_BYTES = 2_000_000
DEFAULT_TIME_LIMIT_SECONDS = 30.0
MAX_TIME_LIMIT_SECONDS = 600.0
DEFAULT_WORKERS = 2
NOT_PLACED = "not_placed"

# The engine's reason codes (and ours) in plain words, for the organiser's and firms' pages.
REASONS_IN_PLAIN_WORDS = Texts(
    {
        "unavailable": mark("there is no slot both sides can attend in the session asked for"),
        "agenda_full": mark(
            "in every slot both could attend, one of the two already has a meeting"
        ),
        "tables_full": mark("in every slot both could attend, all tables are taken"),
        "precedence": mark("the slots left would break a required order with another meeting"),
        "no_room": mark("every slot both could attend is taken by other meetings or tables"),
        NOT_PLACED: mark("the firm no longer holds a place on the mission"),
    }
)

# Enqueue a meeting schedule run (jobs.enqueuer with MEETINGS_TASK): called inside the
# transaction that creates the run.
Enqueue = Callable[[Session, int], None]
OfDay = TypeVar("OfDay", MeetingScheduleRun, MeetingRequest)


class MeetingRefused(Conflict):
    """Not possible in the day's current state (published, a run in progress...): HTTP 409."""


def plain_reason(reason: str | None) -> str:
    if reason is None:
        return ""
    return REASONS_IN_PLAIN_WORDS.get(reason, reason.replace("_", " "))


# --------------------------------------------------------------------------- access


def visible_mission(*, session: Session, mission_id: int, user: User) -> Mission:
    """The mission if this organiser may manage it (its round is theirs, or nobody's)."""
    mission = session.get(Mission, mission_id)
    if mission is None or str(user.role) != Role.organiser:
        raise NotFound("mission", mission_id)
    run_service.check_visible_round(
        session=session, round_id=mission.round_id, user=user, noun="mission", key=mission_id
    )
    return mission


def day_of(*, session: Session, mission_id: int) -> MeetingDay | None:
    return session.exec(select(MeetingDay).where(MeetingDay.mission_id == mission_id)).first()


def visible_day(*, session: Session, mission_id: int, user: User) -> MeetingDay:
    """The organiser's meeting day of the mission; NotFound when none is set up."""
    visible_mission(session=session, mission_id=mission_id, user=user)
    day = day_of(session=session, mission_id=mission_id)
    if day is None:
        raise NotFound("meeting day of mission", mission_id)
    return day


def visible_run(*, session: Session, run_id: int, user: User) -> MeetingScheduleRun:
    return _of_visible_day(session, MeetingScheduleRun, run_id, user, noun="schedule run")


def visible_request(*, session: Session, request_id: int, user: User) -> MeetingRequest:
    return _of_visible_day(session, MeetingRequest, request_id, user, noun="meeting request")


def _of_visible_day(
    session: Session, model: type[OfDay], key: int, user: User, *, noun: str
) -> OfDay:
    """The day's run or request if the organiser may manage the day's mission; NotFound
    under its own noun otherwise."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(noun, key)
    day = session.get(MeetingDay, row.meeting_day_id)
    assert day is not None
    try:
        visible_mission(session=session, mission_id=day.mission_id, user=user)
    except NotFound:
        raise NotFound(noun, key) from None
    return row


def visible_partner(*, session: Session, day: MeetingDay, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None or partner.meeting_day_id != day.id:
        raise NotFound("partner", partner_id)
    return partner


def lock_day(session: Session, day_id: int) -> MeetingDay:
    """The day's row locked for the rest of the transaction (serialises its changes)."""
    day = locked_rows(session, MeetingDay, MeetingDay.id == day_id).first()
    assert day is not None
    return day


# --------------------------------------------------------------------------- participants


def placed_firms(*, session: Session, mission: Mission) -> list[Firm]:
    """Firms holding a published place on the mission (offered or accepted), by name."""
    round_row = session.get(Round, mission.round_id)
    if round_row is None or round_row.status != RoundStatus.published:
        return []
    run = run_service.published_run(session=session, round_row=round_row)
    if run is None:
        return []
    firms = session.exec(
        select(Firm)
        .join(Application, col(Application.firm_id) == col(Firm.id))
        .join(Placement, col(Placement.application_id) == col(Application.id))
        .where(
            Placement.run_id == run.id,
            Application.mission_id == mission.id,
            col(Placement.status).in_(PLACED_STATUSES),
        )
        .order_by(col(Firm.name), col(Firm.id))
    ).all()
    return list(firms)


def partners_of(*, session: Session, day: MeetingDay) -> list[Partner]:
    return list(
        session.exec(
            select(Partner)
            .where(Partner.meeting_day_id == day.id)
            .order_by(col(Partner.organisation), col(Partner.name), col(Partner.id))
        ).all()
    )


# --------------------------------------------------------------------------- the day


@dataclass(slots=True)
class DayInput:
    """The meeting day's settings as entered (checked by `check_day`)."""

    day: date
    start_time: time
    slot_minutes: int
    slots: int
    morning_slots: int
    tables: int
    lunch_minutes: int = 0
    fairness: int | None = None
    venue: str | None = None


def check_day(values: DayInput) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not 5 <= values.slot_minutes <= 240:
        problems["slot_minutes"] = gettext("a slot lasts between 5 and 240 minutes")
    if not 1 <= values.slots <= MAX_SLOTS:
        problems["slots"] = gettext("the day has between 1 and %(most)s slots", most=MAX_SLOTS)
    if not 0 <= values.morning_slots <= max(values.slots, 0):
        problems["morning_slots"] = gettext("the morning has between 0 and all of the day's slots")
    if not 1 <= values.tables <= MAX_TABLES:
        problems["tables"] = gettext("there are between 1 and %(most)s tables", most=MAX_TABLES)
    if not 0 <= values.lunch_minutes <= 240:
        problems["lunch_minutes"] = gettext("lunch lasts between 0 and 240 minutes")
    if values.fairness is not None and not 0 <= values.fairness <= MAX_FAIRNESS:
        problems["fairness"] = gettext(
            "the fairness bound is between 0 and %(most)s (or empty)", most=MAX_FAIRNESS
        )
    if values.venue is not None and len(values.venue) > 300:
        problems["venue"] = gettext("at most %(most)s characters", most=300)
    if not problems:
        start = datetime.combine(values.day, values.start_time)
        lunch = values.lunch_minutes if 0 < values.morning_slots < values.slots else 0
        end = start + timedelta(minutes=values.slots * values.slot_minutes + lunch)
        if end.date() != values.day and end.time() != time(0, 0):
            problems["slots"] = (
                f"{values.slots} slots of {values.slot_minutes} minutes from "
                f"{values.start_time.strftime('%H:%M')} run past midnight"
            )
    return problems


def set_up_day(*, session: Session, mission_id: int, actor: User, values: DayInput) -> MeetingDay:
    """Create or change the mission's meeting day. Refused once published; a change that
    would strand a locked meeting outside the day (its slot or table gone) names it."""
    mission = visible_mission(session=session, mission_id=mission_id, user=actor)
    problems = check_day(values)
    if problems:
        raise Invalid(problems)
    with committing(session):
        day = day_of(session=session, mission_id=mission_id)
        before: dict[str, Any] | None = None
        if day is not None:
            day = lock_day(session, day.id or 0)
            if day.status == MeetingDayStatus.published:
                raise MeetingRefused("the meeting day is published; its agendas are final")
            before = day_snapshot(day)
            stranded = session.exec(
                select(MeetingRequest).where(
                    MeetingRequest.meeting_day_id == day.id,
                    col(MeetingRequest.locked_slot).is_not(None),
                    (col(MeetingRequest.locked_slot) > values.slots)
                    | (col(MeetingRequest.locked_table) > values.tables),
                )
            ).all()
            if stranded:
                raise Invalid(
                    {
                        "slots": gettext(
                            "%(count)s locked meeting(s) sit in a slot or at a "
                            "table the new day does not have; unlock them first",
                            count=len(stranded),
                        )
                    }
                )
            forbidden_beyond = [
                p.name
                for p in partners_of(session=session, day=day)
                if any(s > values.slots for s in p.forbidden_slots)
            ]
            if forbidden_beyond:
                raise Invalid(
                    {
                        "slots": gettext(
                            "partners have unavailable slots beyond the new last slot: "
                            "%(partners)s",
                            partners=", ".join(forbidden_beyond),
                        )
                    }
                )
            day.version += 1
            if day.status == MeetingDayStatus.scheduled:
                day.status = MeetingDayStatus.draft  # the schedule is of the old day
        else:
            day = MeetingDay(
                mission_id=mission.id or 0,
                day=values.day,
                start_time=values.start_time,
                slot_minutes=values.slot_minutes,
                slots=values.slots,
                morning_slots=values.morning_slots,
                tables=values.tables,
            )
        day.day = values.day
        day.start_time = values.start_time.replace(second=0, microsecond=0, tzinfo=None)
        day.slot_minutes = values.slot_minutes
        day.slots = values.slots
        day.morning_slots = values.morning_slots
        day.tables = values.tables
        day.lunch_minutes = values.lunch_minutes
        day.fairness = values.fairness
        day.venue = (values.venue or "").strip() or None
        session.add(day)
        session.flush()
        record_change(
            session=session,
            actor=actor,
            action="meeting_day.update" if before else "meeting_day.create",
            row=day,
            before=before,
            after=day_snapshot(day),
        )
    read_back(session, day)
    return day


def day_snapshot(day: MeetingDay) -> dict[str, Any]:
    return {
        "mission": day.mission_id,
        "date": day.day.isoformat(),
        "start_time": day.start_time.strftime("%H:%M"),
        "slot_minutes": day.slot_minutes,
        "slots": day.slots,
        "morning_slots": day.morning_slots,
        "lunch_minutes": day.lunch_minutes,
        "tables": day.tables,
        "fairness": day.fairness,
        "status": str(day.status),
        "version": day.version,
    }


def editable_day(session: Session, day: MeetingDay) -> MeetingDay:
    day = lock_day(session, day.id or 0)
    if day.status == MeetingDayStatus.published:
        raise MeetingRefused("the meeting day is published; its agendas are final")
    return day


# --------------------------------------------------------------------------- the document


def firm_key(firm_id: int) -> str:
    return f"firm-{firm_id}"


def partner_key(partner_id: int) -> str:
    return f"partner-{partner_id}"


def request_key(request_id: int) -> str:
    return f"request-{request_id}"


def build_document(*, session: Session, day: MeetingDay) -> tuple[dict[str, Any], list[int]]:
    """The day as a matchmaker-meetings/1 document, and the requests left out because
    their firm no longer holds a place. Locked requests carry their slot and table."""
    mission = session.get(Mission, day.mission_id)
    assert mission is not None
    firms = {f.id: f for f in placed_firms(session=session, mission=mission)}
    partners = partners_of(session=session, day=day)
    requests = session.exec(
        select(MeetingRequest)
        .where(MeetingRequest.meeting_day_id == day.id)
        .order_by(col(MeetingRequest.id))
    ).all()
    kept = [r for r in requests if r.firm_id in firms]
    left_out = [r.id or 0 for r in requests if r.firm_id not in firms]
    participants: list[dict[str, Any]] = [
        {"id": firm_key(f.id or 0), "name": f.name}
        for f in firms.values()
        if any(r.firm_id == f.id for r in kept)
    ]
    participants += [
        {
            "id": partner_key(p.id or 0),
            "name": f"{p.name} ({p.organisation})",
            "forbidden": list(p.forbidden_slots),
        }
        for p in partners
    ]
    requested = []
    for r in kept:
        entry: dict[str, Any] = {
            "id": request_key(r.id or 0),
            "participants": [firm_key(r.firm_id), partner_key(r.partner_id)],
            "session": str(r.session),
            "priority": r.priority,
        }
        if r.locked_slot is not None:
            entry["fixed_slot"] = r.locked_slot
            entry["fixed_table"] = r.locked_table
        requested.append(entry)
    document: dict[str, Any] = {
        "format": MEETINGS_FORMAT,
        "name": f"{mission.title} – meeting day {day.day.isoformat()}",
        "slots": day.slots,
        "morning_slots": day.morning_slots,
        "tables": day.tables,
        "fairness": day.fairness,
        "require_all": False,
        "participants": participants,
        "requested": requested,
    }
    return document, left_out


# --------------------------------------------------------------------------- runs


def list_runs(*, session: Session, day: MeetingDay) -> Sequence[MeetingScheduleRun]:
    return session.exec(
        select(MeetingScheduleRun)
        .where(MeetingScheduleRun.meeting_day_id == day.id)
        .order_by(col(MeetingScheduleRun.id).desc())
    ).all()


def latest_run(*, session: Session, day: MeetingDay) -> MeetingScheduleRun | None:
    return session.exec(
        select(MeetingScheduleRun)
        .where(MeetingScheduleRun.meeting_day_id == day.id)
        .order_by(col(MeetingScheduleRun.id).desc())
        .limit(1)
    ).first()


def current_schedule(*, session: Session, day: MeetingDay) -> MeetingScheduleRun | None:
    """The day's schedule: its newest run with one (succeeded, or stopped with the best
    schedule found by then)."""
    return session.exec(
        select(MeetingScheduleRun)
        .where(
            MeetingScheduleRun.meeting_day_id == day.id,
            solver_jobs.kept_answer(MeetingScheduleRun, ScheduledMeeting.run_id),
        )
        .order_by(col(MeetingScheduleRun.id).desc())
        .limit(1)
    ).first()


def active_run(*, session: Session, day: MeetingDay) -> MeetingScheduleRun | None:
    return session.exec(
        select(MeetingScheduleRun)
        .where(
            MeetingScheduleRun.meeting_day_id == day.id,
            col(MeetingScheduleRun.state).in_(ACTIVE_STATES),
        )
        .limit(1)
    ).first()


def day_by_id(*, session: Session, day_id: int) -> MeetingDay:
    """The meeting day of an object found already (a request's, a run's): it exists."""
    day = session.get(MeetingDay, day_id)
    assert day is not None
    return day


def placed_firm(*, session: Session, mission_id: int, firm_id: int) -> Firm | None:
    """The firm with this id if it holds a place on the mission, else None."""
    mission = session.get(Mission, mission_id)
    assert mission is not None
    firms = placed_firms(session=session, mission=mission)
    return next((f for f in firms if f.id == firm_id), None)
