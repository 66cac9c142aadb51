"""Exports over HTTP: mission rosters as CSV and Excel, mission dates as iCalendar."""

from __future__ import annotations

import csv
import io
from datetime import date

import icalendar
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlmodel import Session, select

from matchmaker.models import Application, ApplicationStatus, Firm, PlacementStatus, RunState
from matchmaker.services.exports import safe_cell
from tests.web.clients import Clients
from tests.web.test_organiser_builders import add_run, import_round, mission_id, scenario

HAMBURG_RESULT = {
    "missions": [
        {"id": "M-HAM", "runs": True, "placed": 1, "capacity": 2, "subsidy_eur": 2500},
        {"id": "M-GDA", "runs": False, "placed": 0, "capacity": 3, "subsidy_eur": 0},
    ]
}


def rows_of(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_formula_like_text_gets_an_apostrophe() -> None:
    for risky in ("=1+1", "+31 50 123", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("Aqua Noord") == "Aqua Noord"
    assert safe_cell(-5) == -5
    assert safe_cell(None) is None


def test_before_any_run_the_roster_lists_applications_not_yet_matched(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    response = organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}/roster.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="noord-test-M-HAM-roster.csv"'
    )
    rows = rows_of(response.content.decode("utf-8"))
    # Ordered by status, then score, then name ("=" sorts before "A").
    assert [(r["Firm id"], r["Status"]) for r in rows] == [
        ("F2", "not yet matched"),
        ("F1", "not yet matched"),
    ]
    names = {r["Firm id"]: r["Firm"] for r in rows}
    assert names["F2"] == '\'=HYPERLINK("http://evil.example","click")'
    assert {r["Business case"] for r in rows} == {"BC1", "BC2"}


def test_the_roster_reads_the_latest_succeeded_run(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    add_run(app, round_id, {("F1", "M-HAM"): {"status": PlacementStatus.unplaced}})
    add_run(
        app,
        round_id,
        {
            ("F1", "M-HAM"): {"status": PlacementStatus.placed, "score": 1175, "locked": True},
            ("F2", "M-HAM"): {
                "status": PlacementStatus.unplaced,
                "reason": "business_case_unverified",
                "detail": "-case BC2 is not verified",
            },
        },
        result=HAMBURG_RESULT,
    )
    add_run(
        app,
        round_id,
        {("F1", "M-HAM"): {"status": PlacementStatus.unplaced}},
        state=RunState.failed,
    )

    rows = rows_of(
        organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}/roster.csv").content.decode()
    )
    assert [(r["Firm id"], r["Status"], r["Score"], r["Locked"]) for r in rows] == [
        ("F1", "placed", "1175", "yes"),
        ("F2", "unplaced", "", "no"),
    ]
    assert rows[1]["Reason"] == "business_case_unverified"
    assert rows[1]["Explanation"] == (
        "the business case is not verified; -case BC2 is not verified"
    )

    workbook = load_workbook(
        io.BytesIO(organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}/roster.xlsx").content)
    )
    sheet = workbook["Roster"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0][:3] == ["Firm id", "Firm", "KvK"]
    assert table[1][0] == "F1" and table[1][10] == 1175
    assert table[2][1] == '\'=HYPERLINK("http://evil.example","click")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows()}
    assert about["Places taken"] == 1 and about["Capacity"] == 2

    api = organiser.get(f"/api/organiser/rounds/{round_id}/missions/{pk}/roster").json()
    assert api["run_id"] is not None
    assert [(r["firm"], r["status"], r["score"]) for r in api["rows"]] == [
        ("F1", "placed", 1175),
        ("F2", "unplaced", None),
    ]


def test_a_round_calendar_has_one_event_per_mission(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    add_run(app, round_id, {}, result=HAMBURG_RESULT)
    response = organiser.get(f"/organiser/rounds/{round_id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Water business mission Hamburg", "Promotional mission Gdańsk"}
    hamburg = events["Water business mission Hamburg"]
    assert hamburg.decoded("dtstart") == date(2027, 5, 11)
    assert hamburg.decoded("dtend") == date(2027, 5, 14)  # exclusive: the day after the last
    assert str(hamburg["location"]) == "Germany"
    assert str(hamburg["status"]) == "CONFIRMED"
    assert str(events["Promotional mission Gdańsk"]["status"]) == "CANCELLED"
    assert len({str(e["uid"]) for e in events.values()}) == 2


def test_exports_of_another_organisations_round_answer_404(clients: Clients, app: FastAPI) -> None:
    round_id = import_round(app, clients.organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    other = clients.new("organiser", organisation="Exportclub Drenthe")
    for suffix in (f"missions/{pk}/roster.csv", f"missions/{pk}/roster.xlsx", "calendar.ics"):
        assert other.get(f"/organiser/rounds/{round_id}/{suffix}").status_code == 404, suffix
    assert other.get(f"/api/organiser/rounds/{round_id}/missions/{pk}/roster").status_code == 404


def test_withdrawn_and_later_applications_are_marked_as_such(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-GDA")
    add_run(app, round_id, {("F3", "M-GDA"): {"status": PlacementStatus.placed, "score": 1100}})
    with Session(app.state.engine) as session:
        firm_ids = {
            firm.kvk: firm.id for firm in session.exec(select(Firm).where(Firm.kvk.startswith("1")))
        }
        for application in session.exec(select(Application).where(Application.mission_id == pk)):
            if application.firm_id == firm_ids["10000004"]:
                application.status = ApplicationStatus.withdrawn
                session.add(application)
        session.commit()
    rows = rows_of(
        organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}/roster.csv").content.decode()
    )
    assert [(r["Firm id"], r["Status"]) for r in rows] == [
        ("F3", "placed"),
        ("F1", "not yet matched"),  # no placement in the run: it applied afterwards
        ("F4", "withdrawn"),
    ]
