"""Public browsing of open missions: the list with its filters and the detail, as pages and API.

Also home of the round builders the SME tests share: `scenario_document` and `open_round`.
"""

from __future__ import annotations

import copy
import zlib
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker.models import Mission, Round, RoundStatus
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import import_scenario

ROUND_ID = "2027-test"

_DOCUMENT: dict[str, Any] = {
    "format": "matchmaker-scenario/1",
    "name": "Noord-Nederland test round",
    "round": {"id": ROUND_ID, "max_places_per_firm": 1, "budget_eur": None},
    "regions": [
        {"code": "FR", "name": "Fryslân", "priority": 0},
        {"code": "GR", "name": "Groningen", "priority": 0},
        {"code": "DR", "name": "Drenthe", "priority": 0},
    ],
    "sectors": [
        {"code": "water", "name": "Watertechnologie", "focus": True},
        {"code": "energy", "name": "Energie", "focus": True},
        {"code": "metal", "name": "Metaal", "focus": False},
        {"code": "maritime", "name": "Maritiem", "focus": False},
    ],
    "missions": [
        {
            "id": "M-HAM-WATER",
            "title": "Water business mission Hamburg",
            "kind": "business",
            "format": "trade_mission",
            "scope": "regional",
            "organiser": "KvK Noord",
            "country": "DE",
            "start": "2027-05-11",
            "end": "2027-05-13",
            "capacity": 2,
            "sectors": ["water", "energy"],
        },
        {
            "id": "M-FAIR-HANNOVER",
            "title": "Regional pavilion Hannover Messe",
            "kind": "promotional",
            "format": "trade_fair",
            "scope": "regional",
            "organiser": "KvK Noord",
            "country": "DE",
            "start": "2027-04-12",
            "end": "2027-04-16",
            "capacity": 8,
            "sectors": [],
        },
        {
            "id": "M-GDANSK",
            "title": "Energy trade mission Gdańsk",
            "kind": "promotional",
            "format": "trade_mission",
            "scope": "regional",
            "organiser": "Energy Valley",
            "country": "PL",
            "start": "2027-09-20",
            "end": "2027-09-22",
            "capacity": 6,
            "sectors": ["energy"],
        },
        {
            "id": "M-ANTWERP-METAL",
            "title": "Metal delegation Antwerp",
            "kind": "business",
            "format": "branch_delegation",
            "scope": "national",
            "organiser": "Koninklijke Metaalunie",
            "country": "BE",
            "start": "2027-10-05",
            "end": "2027-10-06",
            "capacity": 3,
            "sectors": ["metal"],
        },
    ],
    "firms": [
        {
            "id": "F001",
            "kvk": "11112222",
            "name": "Aqua Noord BV",
            "region": "GR",
            "sector": "water",
            "employees": 24,
            "readiness": {"strategy": True, "organisation": True, "finance": True},
            "business_cases": [
                {
                    "id": "BC1",
                    "country": "DE",
                    "sector": "water",
                    "summary": "membrane units for Hamburg port utilities",
                    "evidence": "letter_of_intent",
                    "verified": True,
                }
            ],
        }
    ],
    "applications": [
        {"firm": "F001", "mission": "M-HAM-WATER", "rank": 1, "business_case": "BC1"},
    ],
}


def scenario_document(round_id: str = ROUND_ID, *, name: str | None = None) -> dict[str, Any]:
    """The test round as a scenario document (a fresh copy), under another id if asked.

    A second round gets its own firm KvK numbers so both can be imported.
    """
    document = copy.deepcopy(_DOCUMENT)
    document["round"]["id"] = round_id
    document["name"] = name or f"Round {round_id}"
    if round_id != ROUND_ID:
        for index, firm in enumerate(document["firms"]):
            firm["kvk"] = f"{zlib.crc32(round_id.encode()) % 10**6:06d}{index:02d}"
    return document


def open_round(
    app: FastAPI,
    document: dict[str, Any] | None = None,
    status: RoundStatus = RoundStatus.open,
    *,
    owner: TestClient | None = None,
) -> dict[str, int]:
    """Import a scenario as a round with the given status, of the owner's organisation (of
    none without one: no organiser sees it then); its missions' ids by scenario id."""
    document = document or scenario_document()
    organisation_id = owner.get("/api/me").json()["organisation_id"] if owner else None
    with Session(app.state.engine) as session:
        round_row = import_scenario(
            session=session, document=document, organisation_id=organisation_id
        )
        round_row.status = status
        session.add(round_row)
        session.commit()
        missions = session.exec(select(Mission).where(Mission.round_id == round_row.id)).all()
        return {m.external_id: m.id for m in missions if m.id is not None}


def set_round_status(app: FastAPI, round_id: str, status: RoundStatus) -> None:
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None
        round_row.status = status
        if status == RoundStatus.published and round_row.published_run_id is None:
            # As publishing does: record the run it publishes (here the newest succeeded).
            newest = run_service.current_run(session=session, round_id=round_id)
            round_row.published_run_id = newest.id if newest else None
        session.add(round_row)
        session.commit()


# --------------------------------------------------------------------------- the list


def _titles(payload: list[dict[str, Any]]) -> list[str]:
    return [m["title"] for m in payload]


def test_the_list_shows_the_missions_of_open_rounds_only(
    app: FastAPI, anonymous: TestClient
) -> None:
    open_round(app)
    open_round(app, scenario_document("2027-draft", name="Draft round"), RoundStatus.draft)
    open_round(app, scenario_document("2026-done", name="Old round"), RoundStatus.published)

    page = anonymous.get("/missions")
    assert page.status_code == 200
    assert "Water business mission Hamburg" in page.text
    assert "Draft round" not in page.text

    listed = anonymous.get("/api/missions").json()
    assert len(listed) == 4
    assert {m["round_id"] for m in listed} == {ROUND_ID}
    # By start date: the fair in April comes first.
    assert listed[0]["title"] == "Regional pavilion Hannover Messe"
    assert listed[0]["country_name"] == "Germany"
    assert listed[0]["open_for_applications"] is True


def test_filters_by_kind_format_country_sector_and_dates(
    app: FastAPI, anonymous: TestClient
) -> None:
    open_round(app)

    def api(**params: str) -> list[str]:
        response = anonymous.get("/api/missions", params=params)
        assert response.status_code == 200, response.text
        return _titles(response.json())

    assert api(kind="business") == ["Water business mission Hamburg", "Metal delegation Antwerp"]
    assert api(format="trade_fair") == ["Regional pavilion Hannover Messe"]
    assert api(format="branch_delegation") == ["Metal delegation Antwerp"]
    assert api(country="PL") == ["Energy trade mission Gdańsk"]
    assert api(country="de", kind="promotional") == ["Regional pavilion Hannover Messe"]
    # A mission that lists no sectors is open to every sector.
    assert api(sector="energy") == [
        "Regional pavilion Hannover Messe",
        "Water business mission Hamburg",
        "Energy trade mission Gdańsk",
    ]
    assert api(sector="metal") == ["Regional pavilion Hannover Messe", "Metal delegation Antwerp"]
    # A date range keeps the missions that take place at least partly within it.
    assert api(date_from="2027-05-13", date_to="2027-09-20") == [
        "Water business mission Hamburg",
        "Energy trade mission Gdańsk",
    ]
    assert api(date_from="2027-11-01") == []
    assert api(round=ROUND_ID, kind="business", country="BE") == ["Metal delegation Antwerp"]

    page = anonymous.get("/missions", params={"kind": "business", "country": "BE"})
    assert page.status_code == 200
    assert "Metal delegation Antwerp" in page.text
    assert "Water business mission Hamburg" not in page.text
    assert "1 mission match the filters" in page.text


def test_bad_filters_are_named(app: FastAPI, anonymous: TestClient) -> None:
    open_round(app)
    response = anonymous.get("/api/missions", params={"country": "XX"})
    assert response.status_code == 422
    assert response.json()["problems"] == [
        "query.country: 'XX' is not an ISO 3166-1 alpha-2 country code"
    ]
    response = anonymous.get(
        "/api/missions", params={"date_from": "2027-06-01", "date_to": "2027-05-01"}
    )
    assert response.status_code == 422
    assert response.json()["problems"] == ["query.date_to: the range ends before it starts"]
    response = anonymous.get("/api/missions", params={"kind": "holiday"})
    assert response.status_code == 422
    assert response.json()["problems"][0].startswith("query.kind:")

    page = anonymous.get("/missions", params={"date_from": "2027-13-01", "kind": "holiday"})
    assert page.status_code == 400
    assert "date from: &#39;2027-13-01&#39; is not a date (YYYY-MM-DD)" in page.text
    assert "kind: choose one of promotional, business" in page.text


# --------------------------------------------------------------------------- the detail


def test_mission_detail_page_and_api(app: FastAPI, anonymous: TestClient) -> None:
    ids = open_round(app)
    mission_id = ids["M-HAM-WATER"]
    page = anonymous.get(f"/missions/{mission_id}")
    assert page.status_code == 200
    assert "Water business mission Hamburg" in page.text
    assert "Watertechnologie, Energie" in page.text
    assert f"/login?next=/missions/{mission_id}" in page.text

    detail = anonymous.get(f"/api/missions/{mission_id}").json()
    assert detail["external_id"] == "M-HAM-WATER"
    assert detail["sector_names"] == ["Watertechnologie", "Energie"]
    assert detail["round_status"] == "open"


def test_missions_of_a_draft_round_do_not_exist_for_the_public(
    app: FastAPI, anonymous: TestClient
) -> None:
    ids = open_round(app, status=RoundStatus.draft)
    mission_id = ids["M-HAM-WATER"]
    assert anonymous.get(f"/missions/{mission_id}").status_code == 404
    assert anonymous.get(f"/api/missions/{mission_id}").status_code == 404
    assert anonymous.get("/api/missions/999999").status_code == 404
    # Beyond the range of a row id (PostgreSQL would refuse to compare it): not found either.
    assert anonymous.get("/api/missions/3000000000").status_code == 404
    assert anonymous.get("/missions/99999999999999999999").status_code == 404
    assert anonymous.get("/api/missions").json() == []
    assert "No open mission" in anonymous.get("/missions").text


def test_a_closed_round_keeps_its_mission_pages_but_takes_no_applications(
    app: FastAPI, anonymous: TestClient
) -> None:
    ids = open_round(app, status=RoundStatus.closed)
    page = anonymous.get(f"/missions/{ids['M-GDANSK']}")
    assert page.status_code == 200
    assert "This round takes no applications any more." in page.text
    detail = anonymous.get(f"/api/missions/{ids['M-GDANSK']}").json()
    assert detail["open_for_applications"] is False
    assert anonymous.get("/api/missions").json() == []
