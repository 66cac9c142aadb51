"""Agendas of a meeting day's participants (page, iCalendar, print), the slot x table grid
and the schedule as CSV (Dutch or English) or Excel."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pycountry
from sqlmodel import Session, col, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Firm,
    MeetingDay,
    MeetingRequest,
    Mission,
    Partner,
    ScheduledMeeting,
)
from matchmaker.services import spreadsheet_csv
from matchmaker.services.exports import new_calendar
from matchmaker.services.meeting_requests import RequestRow
from matchmaker.services.meetings import (
    current_schedule,
    firm_key,
    partner_key,
    partners_of,
    placed_firms,
    plain_reason,
)

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
    calendar = new_calendar(
        "meeting day", f"{agenda_.participant} – {agenda_.mission.title} meetings"
    )
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
DUTCH_SCHEDULE_COLUMNS = (
    "Tijdslot",
    "Begin",
    "Einde",
    "Tafel",
    "Bedrijf",
    "Partner",
    "Organisatie",
    "Land",
    "Prioriteit",
    "Sessie",
    "Vastgezet",
    "Reden niet ingepland",
)


def schedule_table(
    day: MeetingDay, rows: Sequence[RequestRow], language: str = "en"
) -> list[list[Any]]:
    """The current schedule as rows (scheduled by slot and table, then the unscheduled with
    their reason), headed in `language`; text that a spreadsheet would run as a formula is
    neutralised."""
    from matchmaker.services.exports import safe_cell

    def key(row: RequestRow) -> tuple[int, int, str]:
        placed = row.scheduled
        if placed is None or placed.slot is None:
            return (10**6, 0, row.firm.name)
        return (placed.slot, placed.table_no or 0, row.firm.name)

    headers = DUTCH_SCHEDULE_COLUMNS if language == "nl" else SCHEDULE_COLUMNS
    table: list[list[Any]] = [list(headers)]
    for row in sorted(rows, key=key):
        placed = row.scheduled
        slot = placed.slot if placed is not None else None
        start, end = slot_times(day, slot) if slot is not None else (None, None)
        reason = ""
        if slot is None:
            reason = (
                plain_reason(placed.reason) if placed is not None else gettext("not scheduled yet")
            )
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
                spreadsheet_csv.yes_no(row.request.locked_slot is not None, language),
                safe_cell(reason),
            ]
        )
    return table


def schedule_csv(day: MeetingDay, rows: Sequence[RequestRow], language: str = "en") -> str:
    return spreadsheet_csv.csv_text(schedule_table(day, rows, language), language)


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


def day_agendas(*, session: Session, day: MeetingDay) -> list[Agenda]:
    """Every participant's agenda in the day's current schedule: placed firms, then partners."""
    mission = session.get(Mission, day.mission_id)
    assert mission is not None
    firms = placed_firms(session=session, mission=mission)
    partners = partners_of(session=session, day=day)
    return [agenda(session=session, day=day, firm=firm) for firm in firms] + [
        agenda(session=session, day=day, partner=partner) for partner in partners
    ]
