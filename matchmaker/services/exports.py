"""Exports: a mission's roster as CSV (Dutch or English) and Excel, and a round's mission dates
as iCalendar.

The roster comes from the placements of the round's roster run (the published run once the
round is published, before that the newest succeeded run); before any run it lists the
applications as "not yet matched". Text cells that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) get a leading apostrophe, so a firm named
"=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pycountry
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    ApplicationStatus,
    BusinessCase,
    Firm,
    MatchingRun,
    Mission,
    Placement,
    PlacementStatus,
    Round,
    RoundStatus,
)
from matchmaker.services import missions as mission_service
from matchmaker.services import reasons, scenario_exports, spreadsheet_csv
from matchmaker.services import runs as run_service

NOT_YET_MATCHED = "not yet matched"
# Statuses that hold a seat on the mission.
TAKEN = (PlacementStatus.placed, PlacementStatus.offered, PlacementStatus.accepted)
_STATUS_ORDER = {
    PlacementStatus.accepted.value: 0,
    PlacementStatus.placed.value: 1,
    PlacementStatus.offered.value: 2,
    PlacementStatus.unplaced.value: 3,
    NOT_YET_MATCHED: 4,
    PlacementStatus.declined.value: 5,
    PlacementStatus.withdrawn.value: 6,
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_reason(reason: str | None) -> str:
    if reason is None:
        return ""
    return reasons.LABEL.get(reason, reason.replace("_", " "))


def safe_cell(value: Any) -> Any:
    """A value a spreadsheet shows as typed: text that looks like a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def file_name(*parts: str, extension: str) -> str:
    """A download name of safe characters only."""
    stem = "-".join(re.sub(r"[^A-Za-z0-9._-]+", "_", part).strip("._") for part in parts)
    return f"{stem or 'export'}.{extension}"


# --------------------------------------------------------------------------- runs


def missions_not_running(run: MatchingRun | None) -> set[str]:
    """External ids of missions the run cancelled (too few participants)."""
    if run is None or not isinstance(run.result, dict):
        return set()
    return {
        item["id"]
        for item in run.result.get("missions", [])
        if isinstance(item, dict) and item.get("runs") is False and isinstance(item.get("id"), str)
    }


# --------------------------------------------------------------------------- roster


@dataclass(frozen=True, slots=True)
class RosterRow:
    firm: str  # the firm's id in the round (its KvK number if it joined without one)
    firm_name: str
    kvk: str
    region: str
    sector: str
    employees: int
    rank: int
    business_case: str | None
    evidence: str | None
    status: str
    score: int | None
    locked: bool
    reason: str | None
    detail: str | None

    @property
    def takes_a_place(self) -> bool:
        return self.status in {s.value for s in TAKEN}

    @property
    def explanation(self) -> str:
        return "; ".join(part for part in (plain_reason(self.reason), self.detail or "") if part)


@dataclass(frozen=True, slots=True)
class Roster:
    round: Round
    mission: Mission
    run: MatchingRun | None
    rows: list[RosterRow]

    @property
    def taken(self) -> list[RosterRow]:
        return [row for row in self.rows if row.takes_a_place]


@dataclass(frozen=True, slots=True)
class Placed:
    """The firms placed on a mission as its branch organisation sees them: none until the
    round is published."""

    round: Round
    run: MatchingRun | None
    taken: list[RosterRow]

    @property
    def published(self) -> bool:
        return self.round.status == RoundStatus.published


def placed_on(*, session: Session, mission: Mission) -> Placed:
    """The mission's round, and once it is published the run and the rows that took a place."""
    round_row = mission_service.round_of(session=session, mission=mission)
    if round_row.status != RoundStatus.published:
        return Placed(round=round_row, run=None, taken=[])
    roster = mission_roster(session=session, mission=mission)
    return Placed(round=round_row, run=roster.run, taken=roster.taken if roster.run else [])


ROSTER_COLUMNS = (
    ("Firm id", "firm"),
    ("Firm", "firm_name"),
    ("KvK", "kvk"),
    ("Region", "region"),
    ("Sector", "sector"),
    ("Employees", "employees"),
    ("Preference rank", "rank"),
    ("Business case", "business_case"),
    ("Evidence", "evidence"),
    ("Status", "status"),
    ("Score", "score"),
    ("Locked", "locked"),
    ("Reason", "reason"),
    ("Explanation", "explanation"),
)
# The roster's headers and statuses as a Dutch chamber writes them.
DUTCH_HEADERS = {
    "Firm id": "Bedrijf-id",
    "Firm": "Bedrijf",
    "KvK": "KvK-nummer",
    "Region": "Regio",
    "Sector": "Sector",
    "Employees": "Medewerkers",
    "Preference rank": "Voorkeur",
    "Business case": "Business case",
    "Evidence": "Onderbouwing",
    "Status": "Status",
    "Score": "Score",
    "Locked": "Vastgezet",
    "Reason": "Reden",
    "Explanation": "Toelichting",
}
DUTCH_STATUSES = {
    PlacementStatus.accepted.value: "geaccepteerd",
    PlacementStatus.placed.value: "geplaatst",
    PlacementStatus.offered.value: "aangeboden",
    PlacementStatus.unplaced.value: "niet geplaatst",
    NOT_YET_MATCHED: "nog niet ingedeeld",
    PlacementStatus.declined.value: "afgewezen door het bedrijf",
    PlacementStatus.withdrawn.value: "teruggetrokken",
}


def mission_roster(*, session: Session, mission: Mission) -> Roster:
    """Every application to the mission with where the round's roster run left it (the
    published run once the round is published, before that the newest succeeded run)."""
    round_row = session.get(Round, mission.round_id)
    assert round_row is not None
    run = run_service.roster_run(session=session, round_row=round_row)
    placements: dict[int, Placement] = {}
    if run is not None:
        query = (
            select(Placement)
            .join(Application, col(Application.id) == col(Placement.application_id))
            .where(Placement.run_id == run.id, Application.mission_id == mission.id)
        )
        placements = {p.application_id: p for p in session.exec(query)}
    members = scenario_exports.member_keys(session=session, round_id=mission.round_id)
    query = (
        select(Application, Firm, BusinessCase)
        .join(Firm, col(Firm.id) == col(Application.firm_id))
        .join(
            BusinessCase,
            col(BusinessCase.id) == col(Application.business_case_id),
            isouter=True,
        )
        .where(Application.mission_id == mission.id)
    )
    rows = []
    for application, firm, case in session.exec(query):
        placement = placements.get(application.id)
        if placement is not None:
            status = str(placement.status)
        elif application.status == ApplicationStatus.withdrawn:
            status = PlacementStatus.withdrawn.value
        else:
            status = NOT_YET_MATCHED
        rows.append(
            RosterRow(
                firm=scenario_exports.firm_key(firm, members),
                firm_name=firm.name,
                kvk=firm.kvk,
                region=firm.region,
                sector=firm.sector,
                employees=firm.employees,
                rank=application.rank,
                business_case=case.external_id if case is not None else None,
                evidence=str(case.evidence) if case is not None else None,
                status=status,
                score=placement.score if placement is not None else None,
                locked=placement.locked if placement is not None else False,
                reason=placement.reason if placement is not None else None,
                detail=placement.detail if placement is not None else None,
            )
        )
    rows.sort(key=lambda r: (_STATUS_ORDER.get(r.status, 9), -(r.score or 0), r.firm_name, r.firm))
    return Roster(round=round_row, mission=mission, run=run, rows=rows)


def _table(roster: Roster, language: str = "en") -> Iterable[list[Any]]:
    dutch = language == "nl"
    yield [DUTCH_HEADERS[header] if dutch else header for header, _ in ROSTER_COLUMNS]
    for row in roster.rows:
        values = {attribute: getattr(row, attribute) for _, attribute in ROSTER_COLUMNS}
        if dutch:
            values["status"] = DUTCH_STATUSES.get(row.status, row.status)
        yield [safe_cell(values[attribute]) for _, attribute in ROSTER_COLUMNS]


def roster_csv(roster: Roster, language: str = "en") -> str:
    """The roster as CSV text in `language` (nl: `;`-separated, Dutch headers); a byte-order
    mark first either way, so spreadsheets read it as UTF-8."""
    return spreadsheet_csv.csv_text(_table(roster, language), language)


def roster_xlsx(roster: Roster, language: str = "en") -> bytes:
    """The roster as an Excel workbook: the table (headers and statuses in `language`), and
    a sheet saying what it is."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Roster"
    for values in _table(roster, language):
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, (header, attribute) in enumerate(ROSTER_COLUMNS, start=1):
        longest = max([len(header), *(len(str(getattr(r, attribute) or "")) for r in roster.rows)])
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
            max(10, longest + 2), 60
        )
    about = workbook.create_sheet("About")
    run = roster.run
    for label, value in (
        ("Round", f"{roster.round.id} – {roster.round.name}"),
        ("Mission", f"{roster.mission.external_id} – {roster.mission.title}"),
        ("First day", roster.mission.start_date),
        ("Last day", roster.mission.end_date),
        ("Capacity", roster.mission.capacity),
        ("Places taken", len(roster.taken)),
        ("Matching run", f"run {run.id}" if run is not None else NOT_YET_MATCHED),
        ("Exported at (UTC)", datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)),
    ):
        about.append([label, safe_cell(value)])
        if isinstance(value, datetime):  # real dates in Excel, shown the ISO way
            about.cell(row=about.max_row, column=2).number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            about.cell(row=about.max_row, column=2).number_format = "yyyy-mm-dd"
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- calendar


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", code)


def new_calendar(product: str, name: str) -> icalendar.Calendar:
    """An empty iCalendar (Gregorian, version 2.0) from matchmaker's `product`, shown as `name`."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//matchmaker//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def round_calendar(*, session: Session, round_row: Round) -> bytes:
    """An iCalendar file with one all-day event per mission of the round.

    A mission the round's roster run cancelled is marked CANCELLED; event ids are stable,
    so a calendar that imported an earlier export updates its events instead of doubling them.
    """
    cancelled = missions_not_running(run_service.roster_run(session=session, round_row=round_row))
    calendar = new_calendar("mission dates", f"{round_row.name} – missions")
    stamp = datetime.now(UTC)
    for mission in mission_service.list_missions(session=session, round_id=round_row.id):
        event = icalendar.Event()
        event.add("uid", f"mission-{mission.id}-{round_row.id}@matchmaker")
        event.add("dtstamp", stamp)
        event.add("summary", mission.title)
        event.add("dtstart", mission.start_date)
        # DTEND of an all-day event is exclusive: the day after the last day.
        event.add("dtend", mission.end_date + timedelta(days=1))
        event.add("location", _country_name(mission.country))
        event.add(
            "description",
            f"{mission.kind} {mission.format.replace('_', ' ')} by {mission.organiser}; "
            f"{mission.capacity} places; mission id {mission.external_id} "
            f"in round {round_row.id}.",
        )
        event.add("categories", [str(mission.kind), str(mission.format)])
        event.add("status", "CANCELLED" if mission.external_id in cancelled else "CONFIRMED")
        event.add("sequence", mission.version)
        calendar.add_component(event)
    return calendar.to_ical()
