"""Organiser rounds over HTTP: create, list, open and close, import and export scenario files."""

from __future__ import annotations

import json

import yaml
from fastapi import FastAPI
from sqlmodel import Session, func, select

from matchmaker.models import AuditLog, Region, Round, Sector
from matchmaker.optimisation.scenario import parse_scenario
from matchmaker.services.scenarios import canonical_document
from tests.web.clients import Clients, csrf, post_form
from tests.web.test_organiser_builders import import_round, scenario

NEW_ROUND = {
    "id": "2027-autumn",
    "name": "Noord-Nederland najaar",
    "description": "Missions for the autumn",
    "max_places_per_firm": "2",
    "budget_eur": "50000",
    "regions": "FR, Fryslân\nGR, Groningen, 20\nDR, Drenthe, 10\n",
    "sectors": "water, Watertechnologie, focus\nmetal, Metaal\n",
}


def count(app: FastAPI, model: type) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def audit_actions(app: FastAPI, object_id: str) -> list[str]:
    with Session(app.state.engine) as session:
        rows = session.exec(
            select(AuditLog).where(AuditLog.object_id == object_id).order_by(AuditLog.id)
        )
        return [row.action for row in rows]


def test_an_organiser_creates_a_round_and_sees_it_listed(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    assert organiser.get("/organiser/new-round").status_code == 200

    response = post_form(organiser, "/organiser/rounds", NEW_ROUND)
    assert response.status_code == 303
    assert response.headers["location"] == "/organiser/rounds/2027-autumn"

    page = organiser.get("/organiser/rounds/2027-autumn")
    assert page.status_code == 200
    assert "Noord-Nederland najaar" in page.text
    assert "draft" in page.text
    assert 'href="/organiser/rounds/2027-autumn/runs"' in page.text
    assert "Watertechnologie (focus)" in page.text
    assert "2027-autumn" in organiser.get("/organiser").text

    with Session(app.state.engine) as session:
        round_row = session.get(Round, "2027-autumn")
        assert round_row is not None
        assert (round_row.max_places_per_firm, round_row.budget_eur) == (2, 50000)
        regions = session.exec(
            select(Region).where(Region.round_id == "2027-autumn").order_by(Region.id)
        ).all()
        assert [(r.code, r.priority) for r in regions] == [("FR", 0), ("GR", 20), ("DR", 10)]
        sectors = session.exec(
            select(Sector).where(Sector.round_id == "2027-autumn").order_by(Sector.id)
        ).all()
        assert [(s.code, s.focus) for s in sectors] == [("water", True), ("metal", False)]
    assert audit_actions(app, "2027-autumn") == ["round.create"]


def test_a_bad_round_form_names_each_field_and_writes_nothing(
    clients: Clients, app: FastAPI
) -> None:
    bad = {
        **NEW_ROUND,
        "id": "no spaces please",
        "max_places_per_firm": "0",
        "budget_eur": "lots",
        "regions": "FR, Fryslân\nFR, Friesland again\n",
        "sectors": "water, Water, focus, extra\n",
    }
    response = post_form(clients.organiser, "/organiser/rounds", bad)
    assert response.status_code == 422
    assert "use letters, digits" in response.text
    assert "&#39;lots&#39; is not a whole number" in response.text
    assert "line 2 (code)" in response.text and "already used" in response.text
    assert "line 1: write code, name and (optional) &#39;focus&#39;" in response.text
    assert "must be &gt;= 1" in response.text
    assert count(app, Round) == 0


def test_a_round_id_is_taken_only_once(clients: Clients) -> None:
    assert post_form(clients.organiser, "/organiser/rounds", NEW_ROUND).status_code == 303
    again = post_form(clients.organiser, "/organiser/rounds", NEW_ROUND)
    assert again.status_code == 422
    assert "already exists" in again.text


def test_status_moves_draft_open_closed_and_refuses_the_rest(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    post_form(organiser, "/organiser/rounds", NEW_ROUND)
    url = "/organiser/rounds/2027-autumn"

    refused = post_form(organiser, f"{url}/close", {"confirm": "yes"})
    assert refused.status_code == 409
    assert "still a draft; open it before closing it" in refused.text

    assert post_form(organiser, f"{url}/open").status_code == 303
    assert "Close the round" in organiser.get(url).text
    again = post_form(organiser, f"{url}/open")
    assert again.status_code == 409
    assert "open already" in again.text

    assert post_form(organiser, f"{url}/close", {"confirm": "yes"}).status_code == 303
    reopen = post_form(organiser, f"{url}/open")
    assert reopen.status_code == 409
    assert "closed; re-open it to take applications again" in reopen.text

    api = organiser.post("/api/organiser/rounds/2027-autumn/close")
    assert api.status_code == 409
    assert api.json()["detail"] == "the round is closed already"
    assert audit_actions(app, "2027-autumn") == ["round.create", "round.open", "round.close"]

    # Closed too early: the organiser re-opens it (page and API), then closes it again.
    assert "Re-open for applications" in organiser.get(url).text
    assert post_form(organiser, f"{url}/reopen").status_code == 303
    assert "Close the round" in organiser.get(url).text
    again = organiser.post("/api/organiser/rounds/2027-autumn/reopen")
    assert again.status_code == 409 and again.json()["detail"] == "the round is open already"
    assert organiser.post("/api/organiser/rounds/2027-autumn/close").status_code == 200
    assert organiser.post("/api/organiser/rounds/2027-autumn/reopen").status_code == 200
    assert audit_actions(app, "2027-autumn")[-3:] == ["round.reopen", "round.close", "round.reopen"]


def test_another_organisations_round_answers_404(clients: Clients, app: FastAPI) -> None:
    post_form(clients.organiser, "/organiser/rounds", NEW_ROUND)
    other = clients.new("organiser", organisation="Exportclub Drenthe")
    for url in (
        "/organiser/rounds/2027-autumn",
        "/organiser/rounds/2027-autumn/scenario.json",
        "/organiser/rounds/2027-autumn/dashboard",
        "/api/organiser/rounds/2027-autumn",
    ):
        assert other.get(url).status_code == 404, url
    assert post_form(other, "/organiser/rounds/2027-autumn/open").status_code == 404
    assert other.post("/api/organiser/rounds/2027-autumn/open").status_code == 404
    assert "2027-autumn" not in other.get("/organiser").text
    assert other.get("/api/organiser/rounds").json() == []


def test_a_round_of_no_organisation_is_nobodys(clients: Clients, app: FastAPI) -> None:
    """A round imported without an organisation (the operator's command without
    --organisation) is seen by no organiser: before, every organiser shared it."""
    import_round(app, None, scenario("cli-import"))
    assert clients.organiser.get("/organiser/rounds/cli-import").status_code == 404
    assert clients.organiser.get("/api/organiser/rounds/cli-import").status_code == 404
    other = clients.new("organiser", organisation="Exportclub Drenthe")
    assert other.get("/api/organiser/rounds").json() == []


def test_importing_a_json_file_creates_the_round_and_export_gives_it_back(
    clients: Clients, app: FastAPI
) -> None:
    document = scenario("imported")
    content = json.dumps(document).encode()
    response = clients.organiser.post(
        "/organiser/import",
        data={"csrf_token": csrf(clients.organiser)},
        files={"scenario": ("round.json", content, "application/json")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/organiser/rounds/imported"
    assert (
        "Water business mission Hamburg" in clients.organiser.get("/organiser/rounds/imported").text
    )

    download = clients.organiser.get("/organiser/rounds/imported/scenario.json")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/json")
    assert 'filename="imported.json"' in download.headers["content-disposition"]
    assert download.json() == canonical_document(parse_scenario(document))
    assert (
        clients.organiser.get("/api/organiser/rounds/imported/scenario").json() == download.json()
    )
    assert audit_actions(app, "imported") == ["round.import"]


def test_importing_a_yaml_file_works_too(clients: Clients) -> None:
    content = yaml.safe_dump(scenario("from-yaml"), allow_unicode=True).encode()
    organiser = clients.organiser
    organiser.get("/organiser/import")
    response = organiser.post(
        "/organiser/import",
        data={"csrf_token": csrf(organiser)},
        files={"scenario": ("round.yaml", content, "application/yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    rounds = organiser.get("/api/organiser/rounds").json()
    assert [r["id"] for r in rounds] == ["from-yaml"]
    assert rounds[0]["organisation_id"] is not None


def test_a_bad_scenario_file_lists_every_problem_and_writes_nothing(
    clients: Clients, app: FastAPI
) -> None:
    document = scenario("broken")
    document["missions"][0]["start"] = "2027-13-01"
    document["missions"][1]["capacity"] = -1
    document["firms"][2]["kvk"] = "123"
    document["applications"].append({"firm": "F9", "mission": "M-NOWHERE", "rank": 1})
    organiser = clients.organiser
    organiser.get("/organiser/import")
    response = organiser.post(
        "/organiser/import",
        data={"csrf_token": csrf(organiser)},
        files={"scenario": ("broken.json", json.dumps(document).encode(), "application/json")},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    for path in (
        "missions[0].start",
        "missions[1].capacity",
        "firms[2].kvk",
        "applications[5].firm",
    ):
        assert path in response.text, path
    assert count(app, Round) == 0

    unreadable = organiser.post(
        "/organiser/import",
        data={"csrf_token": csrf(organiser)},
        files={"scenario": ("broken.json", b'{"format": ', "application/json")},
        follow_redirects=False,
    )
    assert unreadable.status_code == 422
    assert "not valid JSON at line 1" in unreadable.text

    api = organiser.post("/api/organiser/rounds/import", json=document)
    assert api.status_code == 422
    problems = api.json()["problems"]
    assert any(p.startswith("missions[0].start: ") for p in problems)
    assert any(p.startswith("applications[5].firm: ") for p in problems)
    assert count(app, Round) == 0


def test_importing_a_taken_round_id_is_refused(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    assert organiser.post("/api/organiser/rounds/import", json=scenario("twice")).status_code == 201
    again = organiser.post("/api/organiser/rounds/import", json=scenario("twice"))
    assert again.status_code == 422
    assert "round.id: a round with id 'twice' already exists" in again.json()["problems"]


def test_the_api_creates_lists_opens_and_closes_rounds(clients: Clients) -> None:
    organiser = clients.organiser
    body = {
        "id": "api-round",
        "name": "API round",
        "max_places_per_firm": 1,
        "budget_eur": None,
        "regions": [{"code": "GR", "name": "Groningen", "priority": 5}],
        "sectors": [{"code": "water", "name": "Water", "focus": True}],
    }
    created = organiser.post("/api/organiser/rounds", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    assert created.json()["regions"] == [{"code": "GR", "name": "Groningen", "priority": 5}]
    assert [r["id"] for r in organiser.get("/api/organiser/rounds").json()] == ["api-round"]
    assert organiser.post("/api/organiser/rounds/api-round/open").json()["status"] == "open"
    assert organiser.post("/api/organiser/rounds/api-round/close").json()["status"] == "closed"

    duplicate = organiser.post(
        "/api/organiser/rounds",
        json={**body, "id": "api-2", "sectors": body["sectors"] * 2, "max_places_per_firm": 0},
    )
    assert duplicate.status_code == 422
    problems = duplicate.json()["problems"]
    assert "sectors[1].code: 'water' is already used by sectors[0]" in problems
    assert "max_places_per_firm: must be >= 1, got 0" in problems

    unknown_field = organiser.post("/api/organiser/rounds", json={**body, "colour": "red"})
    assert unknown_field.status_code == 422
    assert any(p.startswith("colour: ") for p in unknown_field.json()["problems"])
