"""The meeting day in the service: set-up, partners (by hand, CSV, Excel), requests by the
organiser and placed firms, "schedule all" as a job, locks kept by a re-run, publishing,
agendas with iCalendar and print layout; validation, tenant isolation and the audit trail."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, col, func, select

from matchmaker import jobs
from matchmaker.models import (
    Application,
    AuditLog,
    Firm,
    MeetingRequest,
    MeetingScheduleRun,
    Mission,
    Partner,
    RoundFirm,
    RunState,
    ScheduledMeeting,
)
from matchmaker.services import meetings as meeting_service
from matchmaker.services import runs as run_service
from tests.web.clients import Clients, post_form
from tests.web.test_runs_support import (
    finish_runs,
    import_round,
    link_firm,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    user_of,
    waiting_round,
)

pytestmark = pytest.mark.usefixtures("runner")

DAY_FORM = {
    "day": "2027-01-12",
    "start_time": "09:00",
    "slot_minutes": "20",
    "slots": "3",
    "morning_slots": "2",
    "lunch_minutes": "60",
    "tables": "1",
    "fairness": "",
    "venue": "Hotel Atlantic, Accra",
}


@dataclass
class Setup:
    app: FastAPI
    organiser: TestClient
    sme: TestClient  # owns F1 (placed)
    other_sme: TestClient  # owns F2 (placed)
    mission_id: int
    run_id: int
    firms: dict[str, int]  # F1.. -> firm id
    placements: dict[str, int]  # F1.. -> placement id

    @property
    def day(self) -> str:
        return f"/organiser/missions/{self.mission_id}/meetings"

    @property
    def api(self) -> str:
        return f"/api/missions/{self.mission_id}/meeting-day"


def published_mission(app: FastAPI, clients: Clients) -> Setup:
    """R1: mission M1 with three places for five firms, run and published (F1-F3 offered,
    F4-F5 on the waiting list); the SME client owns F1, sme-2 owns F2."""
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(capacity=3, applicants=5), organiser)
    run = run_round(app, organiser, round_id)
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    firms = {
        "F1": link_firm(app, clients.sme, round_id, "F1"),
        "F2": link_firm(app, clients.get("sme-2"), round_id, "F2"),
    }
    placements = {}
    for key in ("F1", "F2", "F3", "F4", "F5"):
        placement = placement_of(app, run["id"], key)
        placements[key] = placement.id or 0
    with Session(app.state.engine) as session:
        mission = session.exec(
            select(Mission).where(Mission.round_id == round_id, Mission.external_id == "M1")
        ).one()
        for key in ("F3", "F4", "F5"):
            firms[key] = session.exec(
                select(RoundFirm.firm_id).where(
                    RoundFirm.round_id == round_id, RoundFirm.external_id == key
                )
            ).one()
        assert session.exec(select(func.count()).select_from(Application)).one() == 5
        mission_id = mission.id or 0
    return Setup(
        app, organiser, clients.sme, clients.get("sme-2"), mission_id, run["id"], firms, placements
    )


@pytest.fixture
def setup(app: FastAPI, clients: Clients) -> Setup:
    return published_mission(app, clients)


def finish_schedules(app: FastAPI, timeout: float = 60.0) -> None:
    """Wait until no schedule run is queued or running (a burst worker on PostgreSQL)."""
    engine = app.state.engine
    if engine.dialect.name == "postgresql":
        jobs.run_worker(database_url=engine.url, burst=True, install_signal_handlers=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            active = session.exec(
                select(MeetingScheduleRun.id).where(
                    col(MeetingScheduleRun.state).in_([RunState.queued, RunState.running])
                )
            ).all()
        if not active:
            return
        time.sleep(0.05)
    raise AssertionError(f"schedule runs still active after {timeout} s")


def audit_count(app: FastAPI, client: TestClient) -> int:
    user_id = user_of(app, client).id
    with Session(app.state.engine) as session:
        return session.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.actor_user_id == user_id)
        ).one()


def partner_ids(app: FastAPI) -> dict[str, int]:
    with Session(app.state.engine) as session:
        return {p.name: p.id or 0 for p in session.exec(select(Partner))}


def set_up_day(s: Setup, **changes: str) -> None:
    response = post_form(s.organiser, s.day, {**DAY_FORM, **changes})
    assert response.status_code == 303, response.text


def add_partners(s: Setup, *names: str, forbidden: dict[str, str] | None = None) -> None:
    for name in names:
        response = post_form(
            s.organiser,
            f"{s.day}/partners",
            {
                "name": name,
                "organisation": f"{name} Ltd",
                "country": "GH",
                "sector": "energy",
                "email": f"{name.lower()}@example.com",
                "forbidden_slots": (forbidden or {}).get(name, ""),
            },
        )
        assert response.status_code == 303, response.text


# --------------------------------------------------------------------------- the day


def test_the_organiser_sets_up_the_day_and_bad_values_are_named(setup: Setup) -> None:
    s = setup
    page = s.organiser.get(s.day)
    assert page.status_code == 200 and "Set up the meeting day" in page.text

    before = audit_count(s.app, s.organiser)
    bad = post_form(
        s.organiser,
        s.day,
        {**DAY_FORM, "slots": "0", "morning_slots": "9", "tables": "0", "slot_minutes": "300"},
    )
    assert bad.status_code == 422
    for field in ("slots", "tables", "slot minutes"):
        assert f"<strong>{field}</strong>" in bad.text
    unreadable = post_form(s.organiser, s.day, {**DAY_FORM, "day": "12/01", "start_time": "x"})
    assert unreadable.status_code == 422
    assert "<strong>day</strong>" in unreadable.text
    assert "<strong>start time</strong>" in unreadable.text
    past_midnight = post_form(s.organiser, s.day, {**DAY_FORM, "start_time": "23:00"})
    assert past_midnight.status_code == 422 and "past midnight" in past_midnight.text
    assert audit_count(s.app, s.organiser) == before, "refused input writes nothing"

    set_up_day(s)
    assert audit_count(s.app, s.organiser) == before + 1
    day = s.organiser.get(s.api).json()
    assert day["slots"] == 3 and day["morning_slots"] == 2 and day["tables"] == 1
    assert day["start_time"] == "09:00" and day["status"] == "draft" and day["version"] == 1

    changed = s.organiser.put(
        s.api,
        json={
            "date": "2027-01-12",
            "start_time": "08:30",
            "slot_minutes": 30,
            "slots": 4,
            "morning_slots": 2,
            "tables": 2,
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2 and changed.json()["start_time"] == "08:30"
    assert audit_count(s.app, s.organiser) == before + 2

    refused = s.organiser.put(
        s.api,
        json={
            "date": "2027-01-12",
            "start_time": "08:30",
            "slot_minutes": 30,
            "slots": 4,
            "morning_slots": 5,
            "tables": 2,
        },
    )
    assert refused.status_code == 422
    assert any(p.startswith("morning_slots") for p in refused.json()["problems"])


# --------------------------------------------------------------------------- partners


def test_partners_by_hand_are_checked_field_by_field(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    before = audit_count(s.app, s.organiser)
    bad = post_form(
        s.organiser,
        f"{s.day}/partners",
        {
            "name": "",
            "organisation": "VRA",
            "country": "XX",
            "sector": "energy",
            "email": "not-an-email",
            "forbidden_slots": "1, 7",
        },
    )
    assert bad.status_code == 422
    for field in ("name", "country", "email", "forbidden slots"):
        assert f"<strong>{field}</strong>" in bad.text
    assert "slot 7 does not exist" in bad.text
    assert audit_count(s.app, s.organiser) == before
    add_partners(s, "Kofi", forbidden={"Kofi": "1 3"})
    assert audit_count(s.app, s.organiser) == before + 1
    twice = post_form(
        s.organiser,
        f"{s.day}/partners",
        {"name": "Kofi", "organisation": "Kofi Ltd", "country": "GH", "sector": "energy"},
    )
    assert twice.status_code == 422 and "already a partner" in twice.text
    listed = s.organiser.get(f"{s.api}/partners").json()
    assert [(p["name"], p["forbidden_slots"]) for p in listed] == [("Kofi", [1, 3])]
    api_bad = s.organiser.post(
        f"{s.api}/partners",
        json={"name": "Ama", "organisation": "A", "country": "ZZ", "sector": "x"},
    )
    assert api_bad.status_code == 422
    assert any(p.startswith("country") for p in api_bad.json()["problems"])


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(s: Setup, name: str, content: bytes) -> Any:
    return post_form(s.organiser, f"{s.day}/partners/import", files={"file": (name, content)})


def test_csv_import_is_all_or_nothing_and_names_every_bad_row(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    before = audit_count(s.app, s.organiser)
    bad = (
        "name,organisation,country,sector,email,forbidden_slots\n"
        "Ama Mensah,Ghana Grid,GH,energy,ama@grid.gh,1\n"
        "Kwame,Volta Power,XX,energy,,\n"
        "Efua,Cocoa Board,GH,,efua@cocoa.gh,\n"
        "Yaw,Tema Port,GH,logistics,,2 9\n"
        "Ama Mensah,Ghana Grid,GH,energy,,\n"
    )
    refused = _upload(s, "partners.csv", bad.encode())
    assert refused.status_code == 422
    for problem in (
        "row 3, country",
        "row 4, sector",
        "row 5, forbidden slots",
        "row 6, name",
    ):
        assert f"<strong>{problem}</strong>" in refused.text, problem
    assert "the same partner as row 2" in refused.text
    assert partner_ids(s.app) == {}, "nothing of a refused file is added"
    assert audit_count(s.app, s.organiser) == before

    good = (
        "Name;Organisation;Country;Sector;Email;Forbidden slots\n"
        "Ama Mensah;Ghana Grid;gh;energy;ama@grid.gh;1\n"
        '=HYPERLINK("http://x");Volta Power;GH;energy;;\n'
    )
    accepted = _upload(s, "partners.csv", good.encode("utf-8-sig"))
    assert accepted.status_code == 303, accepted.text
    assert audit_count(s.app, s.organiser) == before + 1, "one audit row for the whole import"
    assert set(partner_ids(s.app)) == {"Ama Mensah", '=HYPERLINK("http://x")'}
    exported = s.organiser.get(f"{s.day}/partners.csv")
    assert exported.status_code == 200
    assert "'=HYPERLINK" in exported.text, "a formula-like cell is neutralised on export"
    assert "Ama Mensah,Ghana Grid,GH,energy,ama@grid.gh,1" in exported.text

    header_only = _upload(s, "p.csv", b"name,organisation\n")
    assert header_only.status_code == 422 and "missing: country, sector" in header_only.text
    not_excel = _upload(s, "p.xlsx", b"PK\x03\x04 not really")
    assert not_excel.status_code == 422 and "Excel" in not_excel.text


def test_excel_import_and_its_errors(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    header = ["name", "organisation", "country", "sector", "email", "forbidden_slots"]
    refused = _upload(
        s,
        "partners.xlsx",
        _xlsx([header, ["Kojo", "Accra Water", "GH", "water", None, 2], ["", "X", "GH", "w"]]),
    )
    assert refused.status_code == 422
    assert "<strong>row 3, name</strong>" in refused.text
    assert partner_ids(s.app) == {}
    accepted = _upload(
        s, "partners.xlsx", _xlsx([header, ["Kojo", "Accra Water", "GH", "water", None, 2]])
    )
    assert accepted.status_code == 303, accepted.text
    listed = s.organiser.get(f"{s.api}/partners").json()
    assert listed[0]["name"] == "Kojo" and listed[0]["forbidden_slots"] == [2]

    api = s.organiser.post(
        f"{s.api}/partners/import",
        files={"file": ("more.csv", b"name,organisation,country,sector\nAba,Aba Co,NG,food\n")},
    )
    assert api.status_code == 201 and api.json()[0]["country"] == "NG"
    api_bad = s.organiser.post(
        f"{s.api}/partners/import",
        files={"file": ("more.csv", b"name,organisation,country,sector\nAbe,Abe Co,QQ,food\n")},
    )
    assert api_bad.status_code == 422
    assert (
        "row 2, country: 'QQ' is not an ISO 3166-1 alpha-2 country code"
        in (api_bad.json()["problems"][0])
    )


# --------------------------------------------------------------------------- requests


def test_requests_by_the_organiser_and_by_placed_firms_only(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    add_partners(s, "Ama", "Kofi")
    partners = partner_ids(s.app)

    # The organiser may request for any placed firm, never for one on the waiting list.
    waiting = post_form(
        s.organiser,
        f"{s.day}/requests",
        {"firm_id": s.firms["F5"], "partner_id": partners["Ama"]},
    )
    assert waiting.status_code == 422 and "not a firm placed on this mission" in waiting.text
    ok = post_form(
        s.organiser,
        f"{s.day}/requests",
        {"firm_id": s.firms["F3"], "partner_id": partners["Ama"], "priority": "3"},
    )
    assert ok.status_code == 303, ok.text
    again = post_form(
        s.organiser,
        f"{s.day}/requests",
        {"firm_id": s.firms["F3"], "partner_id": partners["Ama"]},
    )
    assert again.status_code == 422 and "already requested" in again.text

    # The firm requests on its own placement's page, with partners of that day only.
    mine = s.placements["F1"]
    page = s.sme.get(f"/sme/placements/{mine}/meetings")
    assert page.status_code == 200 and "Kofi" in page.text and "Request the meeting" in page.text
    before = audit_count(s.app, s.sme)
    made = post_form(
        s.sme,
        f"/sme/placements/{mine}/meetings",
        {"partner_id": partners["Kofi"], "session": "morning"},
    )
    assert made.status_code == 303, made.text
    assert audit_count(s.app, s.sme) == before + 1
    unknown = post_form(s.sme, f"/sme/placements/{mine}/meetings", {"partner_id": 999999})
    assert unknown.status_code == 422 and "not a partner of this meeting day" in unknown.text
    bad_session = s.sme.post(
        f"/api/sme/placements/{mine}/meeting-requests",
        json={"partner_id": partners["Ama"], "session": "evening"},
    )
    assert bad_session.status_code == 422
    api_made = s.sme.post(
        f"/api/sme/placements/{mine}/meeting-requests",
        json={"partner_id": partners["Ama"], "priority": 2},
    )
    assert api_made.status_code == 201, api_made.text
    assert api_made.json()["requested_by"] == "sme"

    own = s.sme.get(f"/api/sme/placements/{mine}/meeting-requests").json()
    assert {r["partner"] for r in own} == {"Kofi", "Ama"}
    assert all(r["firm_id"] == s.firms["F1"] for r in own)
    everything = s.organiser.get(f"{s.api}/requests").json()
    assert len(everything) == 3
    assert {r["requested_by"] for r in everything} == {"organiser", "sme"}

    # Another firm's placement, a waiting firm's own placement, and the organiser's
    # routes are out of reach for the firm.
    assert s.sme.get(f"/sme/placements/{s.placements['F2']}/meetings").status_code == 404
    assert (
        s.sme.post(
            f"/api/sme/placements/{s.placements['F2']}/meeting-requests",
            json={"partner_id": partners["Ama"]},
        ).status_code
        == 404
    )
    assert s.other_sme.get(f"/api/sme/placements/{mine}/meeting-requests").status_code == 404
    theirs = s.other_sme.get(f"/sme/placements/{s.placements['F2']}/meetings")
    assert theirs.status_code == 200 and "You have not requested any meetings yet" in theirs.text
    with Session(s.app.state.engine) as session:
        request_id = session.exec(
            select(MeetingRequest.id).where(MeetingRequest.firm_id == s.firms["F1"])
        ).first()
    deleted = post_form(
        s.other_sme, f"/sme/placements/{s.placements['F2']}/meetings/{request_id}/delete"
    )
    assert deleted.status_code == 404, "another firm's request is not found"
    before = audit_count(s.app, s.sme)
    withdrawn = post_form(s.sme, f"/sme/placements/{mine}/meetings/{request_id}/delete")
    assert withdrawn.status_code == 303
    assert audit_count(s.app, s.sme) == before + 1
    remaining = s.organiser.get(f"{s.api}/requests").json()
    assert len(remaining) == 2

    # The organiser removes requests too, by page and by API: one audit row each.
    before = audit_count(s.app, s.organiser)
    removed = post_form(s.organiser, f"/organiser/meeting-requests/{remaining[0]['id']}/delete")
    assert removed.status_code == 303
    assert s.organiser.delete(f"/api/meeting-requests/{remaining[1]['id']}").status_code == 204
    assert audit_count(s.app, s.organiser) == before + 2
    assert s.organiser.get(f"{s.api}/requests").json() == []
    assert s.organiser.delete(f"/api/meeting-requests/{remaining[1]['id']}").status_code == 404

    # Removing a partner removes the meetings requested with it (one audit row).
    again = s.organiser.post(
        f"{s.api}/requests", json={"firm_id": s.firms["F2"], "partner_id": partners["Kofi"]}
    )
    assert again.status_code == 201
    before = audit_count(s.app, s.organiser)
    gone = post_form(s.organiser, f"{s.day}/partners/{partners['Kofi']}/delete")
    assert gone.status_code == 303
    assert audit_count(s.app, s.organiser) == before + 1
    assert [p["name"] for p in s.organiser.get(f"{s.api}/partners").json()] == ["Ama"]
    assert s.organiser.get(f"{s.api}/requests").json() == []
    assert s.organiser.delete(f"{s.api}/partners/{partners['Kofi']}").status_code == 404
    assert s.organiser.delete(f"{s.api}/partners/{partners['Ama']}").status_code == 204


def test_another_organisation_sees_none_of_it(setup: Setup, clients: Clients) -> None:
    s = setup
    set_up_day(s)
    stranger = clients.new("organiser", "organiser-other", organisation="Other Chamber")
    assert stranger.get(s.day).status_code == 404
    assert stranger.get(s.api).status_code == 404
    assert post_form(stranger, s.day, DAY_FORM).status_code == 404
    assert stranger.post(f"{s.api}/schedule").status_code == 404
    assert stranger.get(f"{s.day}/firms/{s.firms['F1']}/agenda.ics").status_code == 404
    # A firm on the waiting list has no meeting day (its placement is not a place).
    waiting = clients.new("sme", "sme-waiting")
    link_firm(s.app, waiting, "R1", "F4")
    assert waiting.get(f"/sme/placements/{s.placements['F4']}/meetings").status_code == 404
    assert (
        waiting.get(f"/api/sme/placements/{s.placements['F4']}/meeting-partners").status_code == 404
    )
    # The organiser's firm agenda is only for firms placed on the mission.
    assert s.organiser.get(f"{s.day}/firms/{s.firms['F4']}/agenda").status_code == 404


# --------------------------------------------------------------------------- schedule


def schedule(s: Setup) -> dict[str, Any]:
    response = post_form(s.organiser, f"{s.day}/schedule", {"time_limit": "20"})
    assert response.status_code == 303, response.text
    assert "notice=scheduling" in response.headers["location"]
    finish_schedules(s.app)
    result = s.organiser.get(f"{s.api}/schedule")
    assert result.status_code == 200, result.text
    return result.json()


def placed(s: Setup) -> dict[tuple[str, str], tuple[int | None, int | None, str | None]]:
    """(firm name, partner name) -> (slot, table, reason) in the current schedule."""
    return {
        (r["firm"], r["partner"]): (r["slot"], r["table"], r["reason"])
        for r in s.organiser.get(f"{s.api}/requests").json()
    }


def test_schedule_lock_rerun_publish_agenda_and_ical(setup: Setup) -> None:
    s = setup
    set_up_day(s, tables="1")  # 3 slots (2 morning, lunch, 1 afternoon), one table
    add_partners(s, "Ama", "Kofi")
    partners = partner_ids(s.app)
    for firm in ("F1", "F2", "F3"):
        response = s.organiser.post(
            f"{s.api}/requests", json={"firm_id": s.firms[firm], "partner_id": partners["Ama"]}
        )
        assert response.status_code == 201, response.text
    response = s.organiser.post(
        f"{s.api}/requests", json={"firm_id": s.firms["F1"], "partner_id": partners["Kofi"]}
    )
    assert response.status_code == 201
    assert s.organiser.get(f"{s.api}/schedule").status_code == 404, "no schedule yet"

    # Publishing before any schedule is refused.
    early = post_form(s.organiser, f"{s.day}/publish", {"confirm": "yes"})
    assert early.status_code == 409 and "schedule the day" in early.text

    before = audit_count(s.app, s.organiser)
    first = schedule(s)
    assert audit_count(s.app, s.organiser) == before + 1
    assert first["run"]["state"] == "succeeded"
    result = first["result"]
    assert result["format"] == "matchmaker-meetings-result/1"
    assert result["requested"] == 4 and result["scheduled"] == 3, "one table: 3 meetings fit"
    where = placed(s)
    unscheduled = [pair for pair, (slot, _, _) in where.items() if slot is None]
    assert len(unscheduled) == 1
    assert where[unscheduled[0]][2] in ("tables_full", "no_room", "agenda_full")
    slots_used = sorted(slot for slot, _, _ in where.values() if slot is not None)
    assert slots_used == [1, 2, 3] and all(t in (1, None) for _, t, _ in where.values())

    page = s.organiser.get(s.day)
    assert page.status_code == 200
    assert "3 of 4</strong>" in page.text
    assert "Not scheduled" in page.text
    reason = where[unscheduled[0]][2]
    assert meeting_service.plain_reason(reason) in page.text, "the reason in plain words"
    assert 'class="schedule-grid"' in page.text and "Table 1" in page.text

    exported = s.organiser.get(f"{s.day}/schedule.csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Slot,Start,End,Table,Firm,Partner")
    assert lines[1].startswith("1,09:00,09:20,1,") and lines[3].startswith("3,10:40,11:00,1,")
    assert lines[4].startswith(",,,,") and meeting_service.plain_reason(reason) in lines[4]
    workbook = load_workbook(io.BytesIO(s.organiser.get(f"{s.day}/schedule.xlsx").content))
    sheet = workbook["Schedule"]
    assert [c.value for c in sheet[2]][:4] == [1, "09:00", "09:20", 1]
    assert sheet.max_row == 5
    assert s.organiser.get(f"{s.day}/schedule.pdf").status_code == 404

    # Lock a scheduled meeting of Ama's, then re-run: it keeps its slot and table.
    with Session(s.app.state.engine) as session:
        rows = session.exec(
            select(MeetingRequest, ScheduledMeeting)
            .join(ScheduledMeeting, col(ScheduledMeeting.request_id) == col(MeetingRequest.id))
            .where(col(ScheduledMeeting.slot).is_not(None))
            .order_by(col(ScheduledMeeting.slot).desc())
        ).all()
        target, target_slot = rows[0][0].id, rows[0][1].slot
    before = audit_count(s.app, s.organiser)
    locked = post_form(s.organiser, f"/organiser/meeting-requests/{target}/lock")
    assert locked.status_code == 303
    assert audit_count(s.app, s.organiser) == before + 1
    shown = next(r for r in s.organiser.get(f"{s.api}/requests").json() if r["id"] == target)
    assert (shown["locked_slot"], shown["locked_table"]) == (target_slot, 1)

    second = schedule(s)
    assert second["run"]["id"] != first["run"]["id"]
    with Session(s.app.state.engine) as session:
        run = session.get(MeetingScheduleRun, second["run"]["id"])
        assert run is not None
        pinned = [r for r in run.input_snapshot["requested"] if "fixed_slot" in r]
        assert pinned == [
            {
                "id": f"request-{target}",
                "participants": [
                    meeting_service.firm_key(shown["firm_id"]),
                    meeting_service.partner_key(shown["partner_id"]),
                ],
                "session": "any",
                "priority": 1,
                "fixed_slot": target_slot,
                "fixed_table": 1,
            }
        ]
        assert run.snapshot_sha256 == run_service.snapshot_digest(run.input_snapshot)
    again = next(r for r in s.organiser.get(f"{s.api}/requests").json() if r["id"] == target)
    assert (again["slot"], again["table"]) == (target_slot, 1), "the lock is kept by the re-run"
    assert "locked" in s.organiser.get(s.day).text

    # Unlock and lock again through the API (one audit row each).
    before = audit_count(s.app, s.organiser)
    assert s.organiser.post(f"/api/meeting-requests/{target}/unlock").json()["locked_slot"] is None
    assert s.organiser.post(f"/api/meeting-requests/{target}/lock").json()["locked_slot"] == (
        target_slot
    )
    assert audit_count(s.app, s.organiser) == before + 2

    # The firm sees no agenda before publication.
    mine = s.placements["F1"]
    assert s.sme.get(f"/sme/placements/{mine}/agenda").status_code == 404
    assert s.sme.get(f"/api/sme/placements/{mine}/agenda").status_code == 404
    hidden = s.sme.get(f"/api/sme/placements/{mine}/meeting-requests").json()
    assert all(r["slot"] is None for r in hidden), "the draft schedule is not shown to firms"

    before = audit_count(s.app, s.organiser)
    published = post_form(s.organiser, f"{s.day}/publish", {"confirm": "yes"})
    assert published.status_code == 303
    assert audit_count(s.app, s.organiser) == before + 1
    assert s.organiser.get(s.api).json()["status"] == "published"
    # Published agendas are final.
    assert post_form(s.organiser, f"{s.day}/publish", {"confirm": "yes"}).status_code == 409
    assert post_form(s.organiser, s.day, DAY_FORM).status_code == 409
    assert s.organiser.post(f"{s.api}/schedule").status_code == 409
    assert s.organiser.post(f"/api/meeting-requests/{target}/unlock").status_code == 409

    # The firm's agenda: page, API, iCalendar with times from date + start + slot x length.
    mine_rows = [
        (pair, v) for pair, v in placed(s).items() if pair[0] == firm_name(s, "F1") and v[0]
    ]
    agenda = s.sme.get(f"/api/sme/placements/{mine}/agenda").json()
    assert len(agenda["items"]) == len(mine_rows) >= 1
    expected_start = {1: "09:00", 2: "09:20", 3: "10:40"}  # lunch (60 min) after slot 2
    for item in agenda["items"]:
        assert item["start"].endswith(expected_start[item["slot"]] + ":00")
        assert item["table"] == 1
    page = s.sme.get(f"/sme/placements/{mine}/agenda")
    assert page.status_code == 200
    first_item = agenda["items"][0]
    assert f"Table {first_item['table']}" in page.text
    assert expected_start[first_item["slot"]] in page.text
    ics = s.sme.get(f"/sme/placements/{mine}/agenda.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(agenda["items"])
    by_slot = {item["slot"]: item for item in agenda["items"]}
    for event in events:
        start = event.decoded("dtstart")
        end = event.decoded("dtend")
        assert start.date().isoformat() == "2027-01-12"
        assert (end - start).total_seconds() == 20 * 60
        slot = next(k for k, v in expected_start.items() if v == start.strftime("%H:%M"))
        assert slot in by_slot
        assert "table 1" in str(event["summary"]).lower()
        assert "Table 1" in str(event["location"])
        assert by_slot[slot]["with_name"] in str(event["summary"])

    printable = s.sme.get(f"/sme/placements/{mine}/agenda/print")
    assert printable.status_code == 200
    assert '<link rel="stylesheet" href="/static/agenda.css">' in printable.text
    assert "<script" not in printable.text
    css = s.sme.get("/static/agenda.css")
    assert css.status_code == 200 and "@media print" in css.text

    # Every partner's agenda, for the organiser.
    ama = s.organiser.get(f"{s.day}/partners/{partners['Ama']}/agenda")
    assert ama.status_code == 200 and "Agenda · Ama" in ama.text
    ama_ics = icalendar.Calendar.from_ical(
        s.organiser.get(f"{s.day}/partners/{partners['Ama']}/agenda.ics").content
    )
    ama_meetings = [v for (f, p), v in placed(s).items() if p == "Ama" and v[0]]
    assert len(list(ama_ics.walk("VEVENT"))) == len(ama_meetings)
    everyone = s.organiser.get(f"{s.api}/agendas").json()
    assert [a["key"] for a in everyone][-2:] == [
        meeting_service.partner_key(partners["Ama"]),
        meeting_service.partner_key(partners["Kofi"]),
    ]
    assert sum(len(a["items"]) for a in everyone) == 2 * 3, "each meeting on two agendas"
    assert len(everyone[-2]["items"]) == len(ama_meetings)
    firm_page = s.sme.get(f"/sme/placements/{mine}/meetings")
    assert "Your agenda" in firm_page.text and "Download the iCalendar file" in firm_page.text
    # Another firm cannot read F1's agenda.
    assert s.other_sme.get(f"/sme/placements/{mine}/agenda.ics").status_code == 404


def firm_name(s: Setup, key: str) -> str:
    with Session(s.app.state.engine) as session:
        firm = session.get(Firm, s.firms[key])
        assert firm is not None
        return firm.name


def test_unscheduled_reasons_progress_and_the_run_record(setup: Setup) -> None:
    s = setup
    set_up_day(s, tables="2")
    add_partners(s, "Ama", "Kofi", forbidden={"Kofi": "1 2 3"})
    partners = partner_ids(s.app)
    for firm, partner, part in (("F1", "Kofi", "any"), ("F2", "Ama", "afternoon")):
        response = s.organiser.post(
            f"{s.api}/requests",
            json={"firm_id": s.firms[firm], "partner_id": partners[partner], "session": part},
        )
        assert response.status_code == 201
    started = s.organiser.post(f"{s.api}/schedule", json={"time_limit": 10, "seed": 3})
    assert started.status_code == 202
    run_id = started.json()["id"]
    assert started.json()["state"] in ("queued", "running", "succeeded")
    finish_schedules(s.app)
    run = s.organiser.get(f"/api/meeting-runs/{run_id}").json()
    assert run["state"] == "succeeded" and run["seed"] == 3 and run["finished"] is True
    assert run["percent"] == 100 and run["scheduled"] == 1 and run["requested"] == 2
    progress = s.organiser.get(f"/organiser/meeting-runs/{run_id}/progress")
    assert progress.status_code == 200 and progress.json()["state"] == "succeeded"
    where = placed(s)
    assert where[(firm_name(s, "F1"), "Kofi")] == (None, None, "unavailable")
    assert where[(firm_name(s, "F2"), "Ama")][0] == 3, "the only afternoon slot"
    page = s.organiser.get(s.day)
    assert meeting_service.plain_reason("unavailable") in page.text

    # A request added after the schedule makes it stale: publishing waits for a new run.
    assert s.organiser.get(s.api).json()["status"] == "scheduled"
    response = s.organiser.post(
        f"{s.api}/requests", json={"firm_id": s.firms["F3"], "partner_id": partners["Ama"]}
    )
    assert response.status_code == 201
    assert s.organiser.get(s.api).json()["status"] == "draft"
    assert s.organiser.post(f"{s.api}/publish").status_code == 409
    assert "not in the schedule yet" in s.organiser.get(s.day).text

    # The runner recorded the run's life, without an actor, besides the organiser's start.
    with Session(s.app.state.engine) as session:
        actions = session.exec(
            select(AuditLog.action, AuditLog.actor_user_id)
            .where(
                AuditLog.object_type == "meeting_schedule_run",
                AuditLog.object_id == str(run_id),
            )
            .order_by(col(AuditLog.id))
        ).all()
    assert [a for a, _ in actions] == [
        "meeting_schedule.start",
        "meeting_schedule.running",
        "meeting_schedule.succeeded",
    ]
    assert actions[0][1] is not None and actions[1][1] is None

    # A day change makes the schedule stale: publishing waits for a new run.
    set_up_day(s, tables="3")
    stale = post_form(s.organiser, f"{s.day}/publish", {"confirm": "yes"})
    assert stale.status_code == 409
    # A locked meeting cannot be stranded by shrinking the day.
    schedule(s)
    with Session(s.app.state.engine) as session:
        scheduled_request = session.exec(
            select(ScheduledMeeting.request_id).where(col(ScheduledMeeting.slot).is_not(None))
        ).first()
    assert s.organiser.post(f"/api/meeting-requests/{scheduled_request}/lock").status_code == 200
    shrink = post_form(s.organiser, s.day, {**DAY_FORM, "slots": "1", "morning_slots": "1"})
    assert shrink.status_code == 422 and "locked meeting" in shrink.text


def test_a_request_of_a_firm_that_withdrew_is_left_out_with_its_reason(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    add_partners(s, "Ama")
    partners = partner_ids(s.app)
    for firm in ("F1", "F2"):
        assert (
            s.organiser.post(
                f"{s.api}/requests",
                json={"firm_id": s.firms[firm], "partner_id": partners["Ama"]},
            ).status_code
            == 201
        )
    withdrawn = post_form(s.other_sme, f"/sme/placements/{s.placements['F2']}/withdraw")
    assert withdrawn.status_code == 303
    finish_runs(s.app)
    schedule(s)
    where = placed(s)
    assert where[(firm_name(s, "F2"), "Ama")] == (None, None, "not_placed")
    assert where[(firm_name(s, "F1"), "Ama")][0] is not None
    assert meeting_service.plain_reason("not_placed") in s.organiser.get(s.day).text


def test_schedule_with_nothing_to_schedule_is_refused(setup: Setup) -> None:
    s = setup
    no_day = post_form(s.organiser, f"{s.day}/schedule")
    assert no_day.status_code == 404
    set_up_day(s)
    refused = post_form(s.organiser, f"{s.day}/schedule")
    assert refused.status_code == 409 and "no meeting requests" in refused.text


def test_start_up_marks_cut_off_schedule_runs_interrupted_and_a_new_run_can_start(
    setup: Setup,
) -> None:
    s = setup
    set_up_day(s)
    add_partners(s, "Ama")
    partners = partner_ids(s.app)
    response = s.organiser.post(
        f"{s.api}/requests", json={"firm_id": s.firms["F1"], "partner_id": partners["Ama"]}
    )
    assert response.status_code == 201
    # A run left queued by a crash: the job queue holds no job for it (as after a restart).
    with Session(s.app.state.engine) as session:
        day = meeting_service.day_of(session=session, mission_id=s.mission_id)
        assert day is not None
        document, _ = meeting_service.build_document(session=session, day=day)
        orphan = MeetingScheduleRun(
            meeting_day_id=day.id or 0,
            input_snapshot=document,
            snapshot_sha256=run_service.snapshot_digest(document),
            ortools_version="test",
            state=RunState.running,
        )
        session.add(orphan)
        session.commit()
        orphan_id = orphan.id
    busy = s.organiser.post(f"{s.api}/schedule")
    assert busy.status_code == 409 and "still running" in busy.json()["detail"]
    assert jobs.recover(s.app.state.engine) == []  # no matching run was cut off
    run = s.organiser.get(f"/api/meeting-runs/{orphan_id}").json()
    assert run["state"] == "interrupted" and "crash or restart" in run["error"]
    schedule(s)
    assert placed(s)[(firm_name(s, "F1"), "Ama")][0] is not None
