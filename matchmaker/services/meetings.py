"""A mission's meeting day: set it up, add foreign partners (by hand or from CSV/Excel), record
meeting requests, schedule them all as a background job, lock single meetings, publish.

Participants of the day are the firms placed on the mission (placements of the round's
current run with status offered or accepted, the round published: a firm that has not yet
answered its offer may already plan meetings; one that declines or withdraws drops out,
and its requests are left out of the next schedule with the reason `not_placed`) and the
day's partners.

"Schedule all" runs like a matching run (services/runs.py): the day is snapshotted as a
matchmaker-meetings/1 document with its SHA-256, the OR-Tools version, parameters and
seed; a worker thread (SQLite) or a procrastinate worker (PostgreSQL) solves it outside
any transaction, writes throttled progress, and stores the result document and one
ScheduledMeeting per request in ONE transaction. A locked request is pinned in the
document (`fixed_slot`, `fixed_table`), so a re-run keeps it where it is.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar
import pycountry
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from matchmaker import db
from matchmaker.models import (
    Application,
    Firm,
    MeetingDay,
    MeetingDayStatus,
    MeetingRequest,
    MeetingScheduleRun,
    MeetingSession,
    Mission,
    Partner,
    Placement,
    PlacementStatus,
    RequestedBy,
    Role,
    Round,
    RoundStatus,
    RunState,
    ScheduledMeeting,
    User,
)
from matchmaker.models.common import utcnow
from matchmaker.optimisation.meetings import (
    MEETINGS_FORMAT,
    MeetingProblemError,
    solve_meetings,
    validate,
)
from matchmaker.services import NotFound, ServiceError, audit
from matchmaker.services import runs as run_service
from matchmaker.services.firms import InputError

PLACED_STATUSES = (PlacementStatus.offered, PlacementStatus.accepted)
ACTIVE_STATES = run_service.ACTIVE_STATES
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
REASONS_IN_PLAIN_WORDS = {
    "unavailable": "there is no slot both sides can attend in the session asked for",
    "agenda_full": "in every slot both could attend, one of the two already has a meeting",
    "tables_full": "in every slot both could attend, all tables are taken",
    "precedence": "the slots left would break a required order with another meeting",
    "no_room": "every slot both could attend is taken by other meetings or tables",
    NOT_PLACED: "the firm no longer holds a place on the mission",
}

# Enqueue a meeting schedule run (jobs.JobQueue.defer_meetings): called inside the
# transaction that creates the run.
Enqueue = Callable[[Session, int], None]


class MeetingRefused(ServiceError):
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
    try:
        run_service.visible_round(session=session, round_id=mission.round_id, user=user)
    except NotFound:
        raise NotFound("mission", mission_id) from None
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
    run = session.get(MeetingScheduleRun, run_id)
    if run is None:
        raise NotFound("schedule run", run_id)
    day = session.get(MeetingDay, run.meeting_day_id)
    assert day is not None
    try:
        visible_mission(session=session, mission_id=day.mission_id, user=user)
    except NotFound:
        raise NotFound("schedule run", run_id) from None
    return run


def visible_request(*, session: Session, request_id: int, user: User) -> MeetingRequest:
    request = session.get(MeetingRequest, request_id)
    if request is None:
        raise NotFound("meeting request", request_id)
    day = session.get(MeetingDay, request.meeting_day_id)
    assert day is not None
    try:
        visible_mission(session=session, mission_id=day.mission_id, user=user)
    except NotFound:
        raise NotFound("meeting request", request_id) from None
    return request


def visible_partner(*, session: Session, day: MeetingDay, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None or partner.meeting_day_id != day.id:
        raise NotFound("partner", partner_id)
    return partner


def lock_day(session: Session, day_id: int) -> MeetingDay:
    """The day's row locked for the rest of the transaction (serialises its changes)."""
    day = session.exec(
        select(MeetingDay)
        .where(MeetingDay.id == day_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    assert day is not None
    return day


# --------------------------------------------------------------------------- participants


def placed_firms(*, session: Session, mission: Mission) -> list[Firm]:
    """Firms holding a published place on the mission (offered or accepted), by name."""
    round_row = session.get(Round, mission.round_id)
    if round_row is None or round_row.status != RoundStatus.published:
        return []
    run = run_service.current_run(session=session, round_id=mission.round_id)
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


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A request with its firm and partner, and where the current schedule put it."""

    request: MeetingRequest
    firm: Firm
    partner: Partner
    scheduled: ScheduledMeeting | None

    @property
    def reason_text(self) -> str:
        return plain_reason(self.scheduled.reason if self.scheduled else None)


def requests_of(
    *, session: Session, day: MeetingDay, firm_id: int | None = None
) -> list[RequestRow]:
    """The day's requests (one firm's, if given) with the current schedule's placement."""
    query = (
        select(MeetingRequest, Firm, Partner)
        .join(Firm, col(Firm.id) == col(MeetingRequest.firm_id))
        .join(Partner, col(Partner.id) == col(MeetingRequest.partner_id))
        .where(MeetingRequest.meeting_day_id == day.id)
        .order_by(col(Firm.name), col(Partner.organisation), col(MeetingRequest.id))
    )
    if firm_id is not None:
        query = query.where(MeetingRequest.firm_id == firm_id)
    run = current_schedule(session=session, day=day)
    placed: dict[int, ScheduledMeeting] = {}
    if run is not None:
        placed = {
            s.request_id: s
            for s in session.exec(select(ScheduledMeeting).where(ScheduledMeeting.run_id == run.id))
        }
    return [
        RequestRow(request, firm, partner, placed.get(request.id or 0))
        for request, firm, partner in session.exec(query)
    ]


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
        problems["slot_minutes"] = "a slot lasts between 5 and 240 minutes"
    if not 1 <= values.slots <= MAX_SLOTS:
        problems["slots"] = f"the day has between 1 and {MAX_SLOTS} slots"
    if not 0 <= values.morning_slots <= max(values.slots, 0):
        problems["morning_slots"] = "the morning has between 0 and all of the day's slots"
    if not 1 <= values.tables <= MAX_TABLES:
        problems["tables"] = f"there are between 1 and {MAX_TABLES} tables"
    if not 0 <= values.lunch_minutes <= 240:
        problems["lunch_minutes"] = "lunch lasts between 0 and 240 minutes"
    if values.fairness is not None and not 0 <= values.fairness <= MAX_FAIRNESS:
        problems["fairness"] = f"the fairness bound is between 0 and {MAX_FAIRNESS} (or empty)"
    if values.venue is not None and len(values.venue) > 300:
        problems["venue"] = "at most 300 characters"
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
        raise InputError(problems)
    try:
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
                raise InputError(
                    {
                        "slots": f"{len(stranded)} locked meeting(s) sit in a slot or at a "
                        "table the new day does not have; unlock them first"
                    }
                )
            forbidden_beyond = [
                p.name
                for p in partners_of(session=session, day=day)
                if any(s > values.slots for s in p.forbidden_slots)
            ]
            if forbidden_beyond:
                raise InputError(
                    {
                        "slots": "partners have unavailable slots beyond the new last slot: "
                        + ", ".join(forbidden_beyond)
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
        audit.record(
            session=session,
            actor=actor,
            action="meeting_day.update" if before else "meeting_day.create",
            object_type="meeting_day",
            object_id=day.id or 0,
            before=before,
            after=day_snapshot(day),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(day)
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


def _editable(session: Session, day: MeetingDay) -> MeetingDay:
    day = lock_day(session, day.id or 0)
    if day.status == MeetingDayStatus.published:
        raise MeetingRefused("the meeting day is published; its agendas are final")
    return day


# --------------------------------------------------------------------------- partners


@dataclass(slots=True)
class PartnerInput:
    name: str
    organisation: str
    country: str
    sector: str
    email: str | None = None
    forbidden_slots: str | Sequence[int] = ""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _slot_list(value: str | Sequence[int], slots: int) -> tuple[list[int], str | None]:
    """Slot numbers from "1, 4 7" (or a list); an error message when one is not a slot."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[\s,;]+", value.strip()) if p]
    else:
        parts = [str(p) for p in value]
    numbers: set[int] = set()
    for part in parts:
        if not re.fullmatch(r"\d{1,3}", part):
            return [], f"{part!r} is not a slot number"
        number = int(part)
        if not 1 <= number <= slots:
            return [], f"slot {number} does not exist (the day has slots 1 to {slots})"
        numbers.add(number)
    return sorted(numbers), None


def check_partner(values: PartnerInput, day: MeetingDay) -> tuple[dict[str, Any], dict[str, str]]:
    """The partner's cleaned fields, and a problem per field at fault."""
    problems: dict[str, str] = {}
    name = (values.name or "").strip()
    organisation = (values.organisation or "").strip()
    country = (values.country or "").strip().upper()
    sector = (values.sector or "").strip()
    email = (values.email or "").strip().lower() or None
    if not name:
        problems["name"] = "a name is required"
    elif len(name) > 200:
        problems["name"] = "at most 200 characters"
    if not organisation:
        problems["organisation"] = "an organisation is required"
    elif len(organisation) > 200:
        problems["organisation"] = "at most 200 characters"
    if not re.fullmatch(r"[A-Z]{2}", country) or pycountry.countries.get(alpha_2=country) is None:
        problems["country"] = f"{values.country!r} is not an ISO 3166-1 alpha-2 country code"
    if not sector:
        problems["sector"] = "a sector is required"
    elif len(sector) > 64:
        problems["sector"] = "at most 64 characters"
    if email is not None and (len(email) > 320 or not _EMAIL.match(email)):
        problems["email"] = f"{values.email!r} is not an email address"
    forbidden, error = _slot_list(values.forbidden_slots, day.slots)
    if error:
        problems["forbidden_slots"] = error
    cleaned = {
        "name": name,
        "organisation": organisation,
        "country": country,
        "sector": sector,
        "email": email,
        "forbidden_slots": forbidden,
    }
    return cleaned, problems


def _partner_exists(session: Session, day: MeetingDay, name: str, organisation: str) -> bool:
    return (
        session.exec(
            select(Partner.id).where(
                Partner.meeting_day_id == day.id,
                Partner.name == name,
                Partner.organisation == organisation,
            )
        ).first()
        is not None
    )


def add_partner(*, session: Session, mission_id: int, actor: User, values: PartnerInput) -> Partner:
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    try:
        day = _editable(session, day)
        cleaned, problems = check_partner(values, day)
        if not problems and _partner_exists(session, day, cleaned["name"], cleaned["organisation"]):
            problems["name"] = (
                f"{cleaned['name']} of {cleaned['organisation']} is already a partner"
            )
        if problems:
            raise InputError(problems)
        partner = Partner(meeting_day_id=day.id or 0, **cleaned)
        session.add(partner)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="meeting_partner.create",
            object_type="meeting_partner",
            object_id=partner.id or 0,
            after={"day": day.id, **cleaned},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(partner)
    return partner


PARTNER_COLUMNS = ("name", "organisation", "country", "sector", "email", "forbidden_slots")
_REQUIRED_COLUMNS = ("name", "organisation", "country", "sector")


def read_partner_rows(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, values by column) from a CSV or Excel (.xlsx) file with a header row.

    Raises InputError naming the file's problem (format, header)."""
    if len(content) > MAX_IMPORT_BYTES:
        raise InputError({"file": f"the file is larger than {MAX_IMPORT_BYTES // 1000} kB"})
    if not content.strip():
        raise InputError({"file": "the file is empty"})
    rows: list[list[Any]]
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            raise InputError({"file": "not a readable Excel (.xlsx) workbook"}) from None
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError({"file": "a CSV file must be UTF-8 text"}) from None
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
        rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    if not rows:
        raise InputError({"file": "the file is empty"})
    header = [str(h or "").strip().lower().replace(" ", "_") for h in rows[0]]
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            {
                "file": "the first row must name the columns; missing: "
                + ", ".join(missing)
                + f" (columns: {', '.join(PARTNER_COLUMNS)})"
            }
        )
    unknown = [h for h in header if h and h not in PARTNER_COLUMNS]
    if unknown:
        raise InputError({"file": "unknown column(s): " + ", ".join(unknown)})
    result = []
    for number, row in enumerate(rows[1:], start=2):
        values = {
            header[i]: _cell_text(v) for i, v in enumerate(row) if i < len(header) and header[i]
        }
        if not any(values.values()):
            continue  # a blank line
        result.append((number, values))
    if len(result) > MAX_IMPORT_ROWS:
        raise InputError({"file": f"at most {MAX_IMPORT_ROWS} partners per file"})
    if not result:
        raise InputError({"file": "the file has a header but no partners"})
    return result


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_partners(
    *, session: Session, mission_id: int, actor: User, filename: str, content: bytes
) -> list[Partner]:
    """Add every partner of a CSV or Excel file, or none: each bad row is listed by its row
    number and field ("row 4, country: ...")."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    rows = read_partner_rows(filename, content)
    try:
        day = _editable(session, day)
        problems: dict[str, str] = {}
        seen: dict[tuple[str, str], int] = {}
        partners = []
        for number, values in rows:
            cleaned, row_problems = check_partner(
                PartnerInput(
                    name=values.get("name", ""),
                    organisation=values.get("organisation", ""),
                    country=values.get("country", ""),
                    sector=values.get("sector", ""),
                    email=values.get("email") or None,
                    forbidden_slots=values.get("forbidden_slots", ""),
                ),
                day,
            )
            key = (cleaned["name"], cleaned["organisation"])
            if not row_problems:
                if key in seen:
                    row_problems["name"] = f"the same partner as row {seen[key]}"
                elif _partner_exists(session, day, *key):
                    row_problems["name"] = f"{key[0]} of {key[1]} is already a partner"
            seen.setdefault(key, number)
            for field, message in row_problems.items():
                problems[f"row {number}, {field}"] = message
            partners.append(Partner(meeting_day_id=day.id or 0, **cleaned))
        if problems:
            raise InputError(problems)
        session.add_all(partners)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="meeting_partner.import",
            object_type="meeting_day",
            object_id=day.id or 0,
            after={"file": filename[:200], "partners": [p.id for p in partners]},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    for partner in partners:
        session.refresh(partner)
    return partners


def partners_csv(partners: Sequence[Partner]) -> str:
    """The partners as CSV in the import's columns (formula-like cells neutralised)."""
    from matchmaker.services.exports import safe_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PARTNER_COLUMNS)
    for p in partners:
        writer.writerow(
            [
                safe_cell(p.name),
                safe_cell(p.organisation),
                p.country,
                safe_cell(p.sector),
                safe_cell(p.email or ""),
                " ".join(str(s) for s in p.forbidden_slots),
            ]
        )
    return "\ufeff" + buffer.getvalue()


# --------------------------------------------------------------------------- requests


def _add_request(
    session: Session,
    day: MeetingDay,
    mission: Mission,
    actor: User,
    *,
    firm_id: int,
    partner_id: int,
    priority: int,
    session_part: str,
    requested_by: RequestedBy,
) -> MeetingRequest:
    problems: dict[str, str] = {}
    if not 1 <= priority <= MAX_PRIORITY:
        problems["priority"] = f"between 1 and {MAX_PRIORITY} (higher is more important)"
    if session_part not in {s.value for s in MeetingSession}:
        problems["session"] = "any, morning or afternoon"
    if session_part == MeetingSession.morning and day.morning_slots == 0:
        problems["session"] = "the day has no morning slots"
    if session_part == MeetingSession.afternoon and day.morning_slots >= day.slots:
        problems["session"] = "the day has no afternoon slots"
    if firm_id not in {f.id for f in placed_firms(session=session, mission=mission)}:
        problems["firm_id"] = "not a firm placed on this mission"
    partner = session.get(Partner, partner_id)
    if partner is None or partner.meeting_day_id != day.id:
        problems["partner_id"] = "not a partner of this meeting day"
    if problems:
        raise InputError(problems)
    try:
        day = _editable(session, day)
        duplicate = session.exec(
            select(MeetingRequest.id).where(
                MeetingRequest.meeting_day_id == day.id,
                MeetingRequest.firm_id == firm_id,
                MeetingRequest.partner_id == partner_id,
            )
        ).first()
        if duplicate is not None:
            raise InputError({"partner_id": "this meeting is already requested"})
        if day.status == MeetingDayStatus.scheduled:
            day.status = MeetingDayStatus.draft  # the schedule lacks this request
        request = MeetingRequest(
            meeting_day_id=day.id or 0,
            firm_id=firm_id,
            partner_id=partner_id,
            priority=priority,
            session=MeetingSession(session_part),
            requested_by=requested_by,
            created_by=actor.id,
        )
        session.add(request)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="meeting_request.create",
            object_type="meeting_request",
            object_id=request.id or 0,
            after={
                "day": day.id,
                "firm": firm_id,
                "partner": partner_id,
                "priority": priority,
                "session": session_part,
                "requested_by": requested_by.value,
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(request)
    return request


def add_request(
    *,
    session: Session,
    mission_id: int,
    actor: User,
    firm_id: int,
    partner_id: int,
    priority: int = 1,
    session_part: str = "any",
) -> MeetingRequest:
    """The organiser records a meeting of any firm placed on the mission with a partner."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    mission = session.get(Mission, mission_id)
    assert mission is not None
    return _add_request(
        session,
        day,
        mission,
        actor,
        firm_id=firm_id,
        partner_id=partner_id,
        priority=priority,
        session_part=session_part,
        requested_by=RequestedBy.organiser,
    )


def delete_request(*, session: Session, request_id: int, actor: User) -> MeetingRequest:
    """The organiser removes a request (before publication)."""
    request = visible_request(session=session, request_id=request_id, user=actor)
    return _delete_request(session, request, actor)


def _delete_request(session: Session, request: MeetingRequest, actor: User) -> MeetingRequest:
    day = session.get(MeetingDay, request.meeting_day_id)
    assert day is not None
    try:
        _editable(session, day)
        after = {"firm": request.firm_id, "partner": request.partner_id, "deleted": True}
        for row in session.exec(
            select(ScheduledMeeting).where(ScheduledMeeting.request_id == request.id)
        ):
            session.delete(row)
        session.delete(request)
        audit.record(
            session=session,
            actor=actor,
            action="meeting_request.delete",
            object_type="meeting_request",
            object_id=request.id or 0,
            after=after,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return request


# --------------------------------------------------------------------------- the firm's view


@dataclass(frozen=True, slots=True)
class FirmDay:
    """A placed firm's view of its mission's meeting day."""

    placement: Placement
    mission: Mission
    firm: Firm
    day: MeetingDay | None


def firm_day(*, session: Session, placement_id: int, user: User) -> FirmDay:
    """The SME's own placement (offered or accepted, published) and the mission's meeting
    day; any other placement is NotFound."""
    from matchmaker.services import placements as placement_service

    view = placement_service.firm_placement(session=session, placement_id=placement_id, user=user)
    if view.placement.status not in PLACED_STATUSES:
        raise NotFound("placement", placement_id)
    day = day_of(session=session, mission_id=view.mission.id or 0)
    return FirmDay(view.placement, view.mission, view.firm, day)


def add_own_request(
    *,
    session: Session,
    placement_id: int,
    user: User,
    partner_id: int,
    priority: int = 1,
    session_part: str = "any",
) -> MeetingRequest:
    """A placed firm requests a meeting with a partner of its mission's day."""
    view = firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None:
        raise MeetingRefused("the organiser has not set up a meeting day for this mission yet")
    return _add_request(
        session,
        view.day,
        view.mission,
        user,
        firm_id=view.firm.id or 0,
        partner_id=partner_id,
        priority=priority,
        session_part=session_part,
        requested_by=RequestedBy.sme,
    )


def delete_own_request(
    *, session: Session, placement_id: int, user: User, request_id: int
) -> MeetingRequest:
    view = firm_day(session=session, placement_id=placement_id, user=user)
    request = session.get(MeetingRequest, request_id)
    if (
        view.day is None
        or request is None
        or request.meeting_day_id != view.day.id
        or request.firm_id != view.firm.id
    ):
        raise NotFound("meeting request", request_id)
    return _delete_request(session, request, user)


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
    """The day's schedule: its newest succeeded run."""
    return session.exec(
        select(MeetingScheduleRun)
        .where(
            MeetingScheduleRun.meeting_day_id == day.id,
            MeetingScheduleRun.state == RunState.succeeded,
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


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    time_limit: float = DEFAULT_TIME_LIMIT_SECONDS
    seed: int = 0
    workers: int = DEFAULT_WORKERS

    def __post_init__(self) -> None:
        problems = {}
        if not 0 < self.time_limit <= MAX_TIME_LIMIT_SECONDS:
            problems["time_limit"] = f"between 0 and {MAX_TIME_LIMIT_SECONDS:g} seconds"
        if not 0 <= self.seed <= 2**31 - 1:
            problems["seed"] = "0 or more"
        if not 1 <= self.workers <= run_service.MAX_WORKERS:
            problems["workers"] = f"between 1 and {run_service.MAX_WORKERS}"
        if problems:
            raise InputError(problems)

    def to_dict(self) -> dict[str, Any]:
        return {"time_limit": self.time_limit, "seed": self.seed, "workers": self.workers}


def start_schedule(
    *,
    session: Session,
    mission_id: int,
    actor: User,
    options: ScheduleOptions,
    enqueue: Enqueue,
) -> MeetingScheduleRun:
    """Queue "schedule all" of the day as it is now (locks kept). Refused when published,
    while a run is queued or running, or with no requests to schedule."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    try:
        day = _editable(session, day)
        running = active_run(session=session, day=day)
        if running is not None:
            raise MeetingRefused(f"schedule run {running.id} is still {running.state}")
        document, left_out = build_document(session=session, day=day)
        if not document["requested"]:
            raise MeetingRefused("there are no meeting requests of placed firms to schedule")
        try:
            validate(document)
        except MeetingProblemError as error:  # our own document: a bug if it happens
            message = "the day cannot be scheduled: " + "; ".join(error.problems)
            raise MeetingRefused(message) from None
        run = MeetingScheduleRun(
            meeting_day_id=day.id or 0,
            state=RunState.queued,
            input_snapshot=document,
            snapshot_sha256=run_service.snapshot_digest(document),
            ortools_version=run_service.ortools_version(),
            parameters={**options.to_dict(), "left_out": left_out},
            seed=options.seed,
            day_version=day.version,
            created_by=actor.id,
        )
        session.add(run)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="meeting_schedule.start",
            object_type="meeting_schedule_run",
            object_id=run.id or 0,
            after={
                "day": day.id,
                "state": RunState.queued.value,
                "snapshot_sha256": run.snapshot_sha256,
                "requests": len(document["requested"]),
                "locked": sum(1 for r in document["requested"] if "fixed_slot" in r),
                "parameters": options.to_dict(),
            },
        )
        enqueue(session, run.id or 0)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(run)
    return run


def next_queued_run(*, engine: Engine) -> int | None:
    with Session(engine) as session:
        session.connection(execution_options={db.READ_ONLY: True})
        return session.exec(
            select(MeetingScheduleRun.id)
            .where(MeetingScheduleRun.state == RunState.queued)
            .order_by(col(MeetingScheduleRun.id))
            .limit(1)
        ).first()


def _mark(session: Session, run: MeetingScheduleRun, state: RunState, error: str | None) -> None:
    before = run.state
    run.state = state
    run.error = error
    if state != RunState.running:
        run.finished_at = utcnow()
    after: dict[str, Any] = {"state": state.value}
    if error is not None:
        after["error"] = error
    if run.result is not None:
        after["status"] = run.result.get("status")
        after["scheduled"] = run.result.get("scheduled")
        after["breaks"] = run.result.get("objective")
    audit.record(
        session=session,
        actor=None,
        action=f"meeting_schedule.{state.value}",
        object_type="meeting_schedule_run",
        object_id=run.id or 0,
        before={"state": str(before)},
        after=after,
    )


def _locked_run(session: Session, run_id: int) -> MeetingScheduleRun | None:
    return session.exec(
        select(MeetingScheduleRun).where(MeetingScheduleRun.id == run_id).with_for_update()
    ).first()


class _ProgressWriter(run_service._ProgressWriter):
    """The matching runs' throttled progress writer, writing to a schedule run's row."""

    def _write(self, progress: Any) -> None:
        from sqlalchemy import update

        values: dict[str, Any] = {
            "progress_at": utcnow(),
            "elapsed_seconds": round(clock.monotonic() - self._started, 3),
        }
        if progress is not None:
            values["best_objective"] = progress.objective
            values["best_bound"] = progress.bound
        try:
            with db.session_scope(self._engine) as session:
                session.execute(
                    update(MeetingScheduleRun)
                    .where(
                        col(MeetingScheduleRun.id) == self._run_id,
                        col(MeetingScheduleRun.state) == RunState.running,
                    )
                    .values(**values)
                )
        except Exception:  # progress is best effort; the result is what counts
            return


def execute_schedule(*, engine: Engine, run_id: int) -> RunState | None:
    """Claim a queued schedule run, solve it and store the outcome (None if not queued).

    Runs in the job runner's thread or a worker process, never in a request."""
    with db.session_scope(engine) as session:
        run = _locked_run(session, run_id)
        if run is None or run.state != RunState.queued:
            return None
        run.started_at = run.progress_at = utcnow()
        _mark(session, run, RunState.running, None)
        snapshot, parameters = run.input_snapshot, dict(run.parameters)
    writer = _ProgressWriter(engine, run_id)
    writer.start()
    try:
        problem = validate(snapshot)
        result = solve_meetings(
            problem,
            time_limit=parameters.get("time_limit"),
            seed=int(parameters.get("seed", 0)),
            workers=int(parameters.get("workers", DEFAULT_WORKERS)),
            progress=writer.update,
        )
        document = result.to_document()
    except Exception as error:  # any failure of the solve fails the run, with its message
        writer.stop()
        return _finish_failed(engine, run_id, f"{type(error).__name__}: {error}")
    writer.stop()
    try:
        return _finish(engine, run_id, document, [int(i) for i in parameters.get("left_out", [])])
    except Exception as error:
        return _finish_failed(engine, run_id, f"storing the schedule failed: {error}")


def _finish_failed(engine: Engine, run_id: int, error: str) -> RunState | None:
    with db.session_scope(engine) as session:
        run = _locked_run(session, run_id)
        if run is None or run.state != RunState.running:
            return None
        _mark(session, run, RunState.failed, error)
        return RunState.failed


def _no_schedule_message(document: dict[str, Any]) -> str:
    if document["status"] == "INFEASIBLE":
        details = [c["detail"] for c in document.get("infeasible", [])]
        return "the locked meetings and the day's rules cannot all hold: " + " ".join(details)
    return "no schedule was found within the time limit; schedule again with a longer one"


def _finish(
    engine: Engine, run_id: int, document: dict[str, Any], left_out: list[int]
) -> RunState | None:
    """Store the result and one ScheduledMeeting per request in one transaction."""
    with db.session_scope(engine) as session:
        run = _locked_run(session, run_id)
        if run is None or run.state != RunState.running:
            return None  # interrupted meanwhile
        run.result = document
        run.elapsed_seconds = float(document.get("solve_seconds") or 0.0)
        run.best_objective = document.get("objective")
        run.best_bound = document.get("bound")
        if document["status"] not in ("OPTIMAL", "FEASIBLE"):
            _mark(session, run, RunState.failed, _no_schedule_message(document))
            return RunState.failed
        existing = set(
            session.exec(
                select(MeetingRequest.id).where(MeetingRequest.meeting_day_id == run.meeting_day_id)
            ).all()
        )
        rows = []
        for meeting in document["meetings"]:
            request_id = int(str(meeting["id"]).removeprefix("request-"))
            if request_id not in existing:
                continue  # deleted since the snapshot
            rows.append(
                ScheduledMeeting(
                    run_id=run_id,
                    request_id=request_id,
                    slot=meeting["slot"],
                    table_no=meeting["table"],
                    reason=meeting.get("reason") if meeting["slot"] is None else None,
                    detail=meeting.get("detail") if meeting["slot"] is None else None,
                )
            )
        for request_id in left_out:
            if request_id in existing:
                rows.append(
                    ScheduledMeeting(
                        run_id=run_id,
                        request_id=request_id,
                        reason=NOT_PLACED,
                        detail="its firm declined or withdrew from the mission",
                    )
                )
        session.add_all(rows)
        day = session.exec(
            select(MeetingDay).where(MeetingDay.id == run.meeting_day_id).with_for_update()
        ).first()
        if day is not None and day.status == MeetingDayStatus.draft:
            day.status = MeetingDayStatus.scheduled
        _mark(session, run, RunState.succeeded, None)
        return RunState.succeeded


def recover_interrupted(
    *, engine: Engine, still_alive: Callable[[Session], set[int]] | None = None
) -> list[int]:
    """Mark interrupted every queued or running schedule run whose job is gone."""
    with db.session_scope(engine) as session:
        runs = session.exec(
            select(MeetingScheduleRun)
            .where(col(MeetingScheduleRun.state).in_(ACTIVE_STATES))
            .order_by(col(MeetingScheduleRun.id))
            .with_for_update()
        ).all()
        alive = still_alive(session) if still_alive is not None and runs else set()
        interrupted = []
        for run in runs:
            if run.id in alive:
                continue
            _mark(
                session,
                run,
                RunState.interrupted,
                f"cut off while {run.state} by a crash or restart; schedule again",
            )
            interrupted.append(run.id or 0)
        return interrupted


def progress_of(run: MeetingScheduleRun) -> dict[str, Any]:
    """What the progress bar shows. While running, `percent` is the share of the time limit
    used (the solve has two phases whose objectives differ, so a gap would mislead)."""
    finished = run.state not in ACTIVE_STATES
    limit = (run.parameters or {}).get("time_limit")
    percent: int | None
    if run.state == RunState.succeeded:
        percent = 100
    elif finished:
        percent = 0
    elif run.state == RunState.running and limit:
        percent = min(99, int(100 * (run.elapsed_seconds or 0.0) / float(limit)))
    else:
        percent = None
    result = run.result or {}
    return {
        "run": run.id,
        "state": str(run.state),
        "finished": finished,
        "elapsed_seconds": round(run.elapsed_seconds or 0.0, 1),
        "time_limit": limit,
        "best_objective": run.best_objective,
        "best_bound": run.best_bound,
        "percent": percent,
        "status": result.get("status"),
        "scheduled": result.get("scheduled"),
        "requested": result.get("requested"),
        "error": run.error,
    }


# --------------------------------------------------------------------------- locks, publish


def set_lock(*, session: Session, request_id: int, actor: User, locked: bool) -> MeetingRequest:
    """Lock a scheduled meeting where the current schedule has it (slot and table), or
    unlock it. Later runs keep a locked meeting in its slot at its table."""
    request = visible_request(session=session, request_id=request_id, user=actor)
    day = session.get(MeetingDay, request.meeting_day_id)
    assert day is not None
    try:
        day = _editable(session, day)
        if active_run(session=session, day=day) is not None:
            raise MeetingRefused("a schedule run is in progress; wait for it first")
        before = {"slot": request.locked_slot, "table": request.locked_table}
        if locked:
            run = current_schedule(session=session, day=day)
            placed = (
                session.exec(
                    select(ScheduledMeeting).where(
                        ScheduledMeeting.run_id == run.id,
                        ScheduledMeeting.request_id == request.id,
                    )
                ).first()
                if run is not None
                else None
            )
            if placed is None or placed.slot is None:
                raise MeetingRefused("only a scheduled meeting can be locked")
            if placed.slot > day.slots or (placed.table_no or 0) > day.tables:
                raise MeetingRefused(
                    "the day changed since this schedule and no longer has that slot or "
                    "table; schedule again first"
                )
            request.locked_slot, request.locked_table = placed.slot, placed.table_no
        else:
            request.locked_slot = request.locked_table = None
        session.add(request)
        audit.record(
            session=session,
            actor=actor,
            action="meeting_request.lock" if locked else "meeting_request.unlock",
            object_type="meeting_request",
            object_id=request.id or 0,
            before=before,
            after={"slot": request.locked_slot, "table": request.locked_table},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(request)
    return request


def publish_day(*, session: Session, mission_id: int, actor: User) -> MeetingDay:
    """Publish the current schedule: every firm and partner sees its agenda."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    try:
        day = _editable(session, day)
        if active_run(session=session, day=day) is not None:
            raise MeetingRefused("a schedule run is in progress; wait for it first")
        run = current_schedule(session=session, day=day)
        if run is None or day.status != MeetingDayStatus.scheduled:
            raise MeetingRefused("schedule the day (again, after its last change) first")
        day.status = MeetingDayStatus.published
        day.published_at = utcnow()
        audit.record(
            session=session,
            actor=actor,
            action="meeting_day.publish",
            object_type="meeting_day",
            object_id=day.id or 0,
            before={"status": MeetingDayStatus.scheduled.value},
            after={
                "status": MeetingDayStatus.published.value,
                "run": run.id,
                "snapshot_sha256": run.snapshot_sha256,
                "scheduled": (run.result or {}).get("scheduled"),
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(day)
    return day


# --------------------------------------------------------------------------- agendas


def slot_times(day: MeetingDay, slot: int) -> tuple[datetime, datetime]:
    """Start and end (local, naive: the day's own clock) of a 1-based slot; afternoon slots
    come after the lunch pause."""
    start = datetime.combine(day.day, day.start_time) + timedelta(
        minutes=(slot - 1) * day.slot_minutes
    )
    if 0 < day.morning_slots < slot:
        start += timedelta(minutes=day.lunch_minutes)
    return start, start + timedelta(minutes=day.slot_minutes)


@dataclass(frozen=True, slots=True)
class AgendaItem:
    slot: int
    table: int
    start: datetime
    end: datetime
    with_name: str
    with_detail: str
    request_id: int
    locked: bool


@dataclass(frozen=True, slots=True)
class Agenda:
    """One participant's meetings of the day, in time order."""

    day: MeetingDay
    mission: Mission
    participant: str  # the participant's name as shown
    detail: str
    key: str  # firm-<id> or partner-<id>
    items: list[AgendaItem]


def agenda(
    *, session: Session, day: MeetingDay, firm: Firm | None = None, partner: Partner | None = None
) -> Agenda:
    """A firm's or a partner's agenda in the day's current schedule (empty before one)."""
    mission = session.get(Mission, day.mission_id)
    assert mission is not None
    items: list[AgendaItem] = []
    run = current_schedule(session=session, day=day)
    if run is not None:
        query = (
            select(ScheduledMeeting, MeetingRequest, Firm, Partner)
            .join(MeetingRequest, col(MeetingRequest.id) == col(ScheduledMeeting.request_id))
            .join(Firm, col(Firm.id) == col(MeetingRequest.firm_id))
            .join(Partner, col(Partner.id) == col(MeetingRequest.partner_id))
            .where(ScheduledMeeting.run_id == run.id, col(ScheduledMeeting.slot).is_not(None))
        )
        if firm is not None:
            query = query.where(MeetingRequest.firm_id == firm.id)
        if partner is not None:
            query = query.where(MeetingRequest.partner_id == partner.id)
        for placed, request, their_firm, their_partner in session.exec(query):
            start, end = slot_times(day, placed.slot or 1)
            if firm is not None:
                name = their_partner.name
                detail = f"{their_partner.organisation}, {_country(their_partner.country)}"
            else:
                name, detail = their_firm.name, f"{their_firm.sector}, {their_firm.region}"
            items.append(
                AgendaItem(
                    slot=placed.slot or 0,
                    table=placed.table_no or 0,
                    start=start,
                    end=end,
                    with_name=name,
                    with_detail=detail,
                    request_id=request.id or 0,
                    locked=request.locked_slot is not None,
                )
            )
    items.sort(key=lambda i: i.slot)
    if firm is not None:
        return Agenda(
            day, mission, firm.name, f"{firm.sector}, {firm.region}", firm_key(firm.id or 0), items
        )
    assert partner is not None
    return Agenda(
        day,
        mission,
        partner.name,
        f"{partner.organisation}, {_country(partner.country)}",
        partner_key(partner.id or 0),
        items,
    )


def _country(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", code)


def agenda_calendar(agenda_: Agenda) -> bytes:
    """The agenda as iCalendar: one event per meeting with its time and table number.

    Times are floating (the day's local clock, no time zone), as the day is planned."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//matchmaker//meeting day//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{agenda_.participant} – {agenda_.mission.title} meetings")
    stamp = datetime.now(UTC)
    venue = agenda_.day.venue or agenda_.mission.title
    for item in agenda_.items:
        event = icalendar.Event()
        event.add("uid", f"meeting-{item.request_id}-{agenda_.key}@matchmaker")
        event.add("dtstamp", stamp)
        event.add("summary", f"Meeting with {item.with_name} – table {item.table}")
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("location", f"Table {item.table}, {venue}")
        event.add(
            "description",
            f"One-to-one meeting of {agenda_.participant} with {item.with_name} "
            f"({item.with_detail}), slot {item.slot}, table {item.table}, "
            f"{agenda_.mission.title}.",
        )
        event.add("sequence", agenda_.day.version)
        calendar.add_component(event)
    return calendar.to_ical()


# --------------------------------------------------------------------------- the grid


def schedule_grid(
    day: MeetingDay, rows: Sequence[RequestRow]
) -> list[tuple[int, datetime, list[RequestRow | None]]]:
    """Slot by table: (slot, start, the request at each table or None)."""
    at: dict[tuple[int, int], RequestRow] = {}
    for row in rows:
        placed = row.scheduled
        if placed is not None and placed.slot is not None and placed.table_no is not None:
            at[(placed.slot, placed.table_no)] = row
    return [
        (
            slot,
            slot_times(day, slot)[0],
            [at.get((slot, table)) for table in range(1, day.tables + 1)],
        )
        for slot in range(1, day.slots + 1)
    ]


# --------------------------------------------------------------------------- exports

SCHEDULE_COLUMNS = (
    "Slot",
    "Start",
    "End",
    "Table",
    "Firm",
    "Partner",
    "Organisation",
    "Country",
    "Priority",
    "Session",
    "Locked",
    "Reason unscheduled",
)


def schedule_table(day: MeetingDay, rows: Sequence[RequestRow]) -> list[list[Any]]:
    """The current schedule as rows (scheduled by slot and table, then the unscheduled with
    their reason); text that a spreadsheet would run as a formula is neutralised."""
    from matchmaker.services.exports import safe_cell

    def key(row: RequestRow) -> tuple[int, int, str]:
        placed = row.scheduled
        if placed is None or placed.slot is None:
            return (10**6, 0, row.firm.name)
        return (placed.slot, placed.table_no or 0, row.firm.name)

    table: list[list[Any]] = [list(SCHEDULE_COLUMNS)]
    for row in sorted(rows, key=key):
        placed = row.scheduled
        slot = placed.slot if placed is not None else None
        start, end = slot_times(day, slot) if slot is not None else (None, None)
        reason = ""
        if slot is None:
            reason = plain_reason(placed.reason) if placed is not None else "not scheduled yet"
        table.append(
            [
                slot if slot is not None else "",
                start.strftime("%H:%M") if start else "",
                end.strftime("%H:%M") if end else "",
                placed.table_no if placed is not None and placed.table_no else "",
                safe_cell(row.firm.name),
                safe_cell(row.partner.name),
                safe_cell(row.partner.organisation),
                row.partner.country,
                row.request.priority,
                str(row.request.session),
                "yes" if row.request.locked_slot is not None else "no",
                safe_cell(reason),
            ]
        )
    return table


def schedule_csv(day: MeetingDay, rows: Sequence[RequestRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(schedule_table(day, rows))
    return "\ufeff" + buffer.getvalue()


def schedule_xlsx(day: MeetingDay, rows: Sequence[RequestRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Schedule"
    for values in schedule_table(day, rows):
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
