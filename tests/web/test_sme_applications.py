"""Applying to missions of an open round: ranked preferences, the business case a business
mission needs, double submits, withdrawals, the preference page, and other firms' data."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from matchmaker.models import Application, ApplicationStatus, AuditLog, RoundStatus
from tests.web.clients import Clients, csrf, post_form
from tests.web.test_missions import ROUND_ID, open_round, set_round_status
from tests.web.test_sme_firm import bearer, register_firm

WATER_CASE = {
    "country": "DE",
    "sector": "water",
    "summary": "membrane filters for Hamburg port",
    "evidence": "letter_of_intent",
}


def water_firm(client: TestClient, **changes: str) -> dict[str, Any]:
    """A water firm of Groningen with a business case for Germany (the case's id added)."""
    firm = register_firm(client, region="GR", sector="water", **changes)
    case = client.post("/api/sme/cases", json=WATER_CASE)
    assert case.status_code == 201, case.text
    return {**firm, "case_id": case.json()["id"]}


def applications(app: FastAPI, *where: Any) -> list[Application]:
    with Session(app.state.engine) as session:
        return list(
            session.exec(select(Application).where(*where).order_by(col(Application.id))).all()
        )


# --------------------------------------------------------------------------- applying on the pages


def test_apply_from_the_mission_page_and_a_double_submit_makes_one(
    app: FastAPI, clients: Clients
) -> None:
    ids = open_round(app)
    sme = clients.sme
    firm = water_firm(sme)
    hamburg = ids["M-HAM-WATER"]

    page = sme.get(f"/missions/{hamburg}")
    assert 'action="/sme/applications"' in page.text
    assert f'<option value="{firm["case_id"]}"' in page.text
    assert "(not verified yet)" in page.text
    assert "Your readiness scan does not show your strategy and organisation" in page.text

    form = {"mission_id": str(hamburg), "rank": "1", "business_case_id": str(firm["case_id"])}
    first = post_form(sme, "/sme/applications", form)
    second = post_form(sme, "/sme/applications", form)
    assert first.headers["location"] == "/sme/applications?notice=applied"
    assert second.status_code == 303
    assert second.headers["location"] == "/sme/applications?notice=already_applied"
    mine = applications(app, Application.firm_id == firm["id"])
    assert [(a.mission_id, a.rank, a.business_case_id) for a in mine] == [
        (hamburg, 1, firm["case_id"])
    ]

    listing = sme.get(second.headers["location"])
    assert "You had sent this application already; nothing changed." in listing.text
    assert "Water business mission Hamburg" in listing.text
    assert "the round is open; results follow after the matching" in listing.text
    page = sme.get(f"/missions/{hamburg}")
    assert "You applied with preference rank <strong>1</strong>" in page.text
    assert "is not verified yet" in page.text
    assert "you applied · rank 1" in sme.get("/missions").text

    with Session(app.state.engine) as session:
        audits = session.exec(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "application.create")
        ).one()
    assert audits == 1


def test_the_application_rules_name_the_field(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    sme = clients.sme
    firm = water_firm(sme)
    belgium_case = sme.post("/api/sme/cases", json={**WATER_CASE, "country": "BE"}).json()["id"]
    hamburg, fair, gdansk = ids["M-HAM-WATER"], ids["M-FAIR-HANNOVER"], ids["M-GDANSK"]

    def refused(form: dict[str, str]) -> str:
        response = post_form(sme, "/sme/applications", form)
        assert response.status_code == 400, response.text
        return response.text

    assert "a business mission needs one of your business cases for Germany" in refused(
        {"mission_id": str(hamburg), "rank": "1"}
    )
    assert "business case BC2 is for Belgium; this mission goes to Germany" in refused(
        {"mission_id": str(hamburg), "rank": "1", "business_case_id": str(belgium_case)}
    )
    assert "give a rank from 1 (most wanted) to 99" in refused(
        {"mission_id": str(fair), "rank": "0"}
    )
    assert "your firm&#39;s sector is water, so it could never be placed" in refused(
        {"mission_id": str(gdansk), "rank": "2"}
    )
    assert (
        post_form(sme, "/sme/applications", {"mission_id": str(fair), "rank": "1"}).status_code
        == 303
    )
    assert "you gave rank 1 to Regional pavilion Hannover Messe already" in refused(
        {"mission_id": str(hamburg), "rank": "1", "business_case_id": str(firm["case_id"])}
    )
    # Another firm's case is not one of yours.
    other = clients.new("sme")
    other_case = water_firm(other, kvk="87654321")["case_id"]
    assert "is not one of your business cases" in refused(
        {"mission_id": str(hamburg), "rank": "2", "business_case_id": str(other_case)}
    )
    # The same mission again with another rank is a conflict, not a second application.
    conflict = post_form(sme, "/sme/applications", {"mission_id": str(fair), "rank": "3"})
    assert conflict.status_code == 409
    assert "you have applied to Regional pavilion Hannover Messe already (rank 1)" in conflict.text
    assert len(applications(app, Application.firm_id == firm["id"])) == 1


def test_a_firm_outside_the_rounds_codes_cannot_apply(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    sme = clients.sme
    register_firm(sme, sector="ict")  # a default sector the round does not have
    response = post_form(
        sme, "/sme/applications", {"mission_id": str(ids["M-FAIR-HANNOVER"]), "rank": "1"}
    )
    assert response.status_code == 409
    assert "your firm&#39;s sector &#39;ict&#39; is not one of round" in response.text
    assert len(applications(app)) == 1  # only the imported firm's


def test_the_firm_keeps_to_the_codes_of_the_rounds_it_applied_in(
    app: FastAPI, clients: Clients
) -> None:
    ids = open_round(app)
    sme = clients.sme
    water_firm(sme)
    assert (
        post_form(
            sme, "/sme/applications", {"mission_id": str(ids["M-FAIR-HANNOVER"]), "rank": "1"}
        ).status_code
        == 303
    )
    response = sme.patch("/api/sme/firm", json={"sector": "ict"})
    assert response.status_code == 422
    assert "which has no sector 'ict'" in response.json()["problems"][0]
    case = sme.post("/api/sme/cases", json={**WATER_CASE, "sector": "ict"})
    assert case.status_code == 422
    assert sme.patch("/api/sme/firm", json={"sector": "energy"}).status_code == 200


def test_withdraw_and_apply_again(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    sme = clients.sme
    firm = water_firm(sme)
    fair = ids["M-FAIR-HANNOVER"]
    post_form(sme, "/sme/applications", {"mission_id": str(fair), "rank": "1"})
    (application,) = applications(app, Application.firm_id == firm["id"])

    response = post_form(sme, f"/sme/applications/{application.id}/withdraw")
    assert response.headers["location"] == "/sme/applications?notice=withdrawn"
    assert "withdrawn" in sme.get("/sme/applications").text
    assert post_form(sme, f"/sme/applications/{application.id}/withdraw").status_code == 303
    # The rank is free again; applying again brings the same application back.
    again = post_form(sme, "/sme/applications", {"mission_id": str(fair), "rank": "2"})
    assert again.headers["location"] == "/sme/applications?notice=applied"
    (back,) = applications(app, Application.firm_id == firm["id"])
    assert (back.id, back.rank, back.status, back.withdrawn_at) == (
        application.id,
        2,
        ApplicationStatus.submitted,
        None,
    )

    set_round_status(app, ROUND_ID, RoundStatus.closed)
    closed = post_form(sme, f"/sme/applications/{application.id}/withdraw")
    assert closed.status_code == 409
    assert "the round is closed" in closed.text
    late = post_form(sme, "/sme/applications", {"mission_id": str(ids["M-HAM-WATER"]), "rank": "1"})
    assert late.status_code == 409
    assert "takes no applications" in late.text
    assert "Withdraw" not in sme.get(f"/sme/applications/{application.id}").text


def test_missions_of_a_draft_round_cannot_be_applied_to(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app, status=RoundStatus.draft)
    sme = clients.sme
    register_firm(sme, region="GR", sector="water")
    response = post_form(
        sme, "/sme/applications", {"mission_id": str(ids["M-FAIR-HANNOVER"]), "rank": "1"}
    )
    assert response.status_code == 404
    response = sme.post(
        "/api/sme/applications", json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 1}
    )
    assert response.status_code == 404
    assert sme.get(f"/sme/rounds/{ROUND_ID}/preferences").status_code == 404


# --------------------------------------------------------------------------- the preference page


def test_rank_several_missions_on_the_preference_page(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    sme = clients.sme
    firm = water_firm(sme)
    url = f"/sme/rounds/{ROUND_ID}/preferences"
    page = sme.get(url)
    assert page.status_code == 200
    order = [ids[k] for k in ("M-FAIR-HANNOVER", "M-HAM-WATER", "M-GDANSK", "M-ANTWERP-METAL")]
    for mission_id in order:
        assert f'name="mission_id" value="{mission_id}"' in page.text
    assert "write one for Belgium" in page.text

    def send(ranks: list[str], cases: list[str]) -> Any:
        # Every row posts its three fields, so the lists line up as on the page.
        fields = {
            "csrf_token": csrf(sme),
            "mission_id": [str(m) for m in order],
            "rank": ranks,
            "business_case_id": cases,
        }
        return sme.post(url, data=fields, follow_redirects=False)

    case = str(firm["case_id"])
    twice = send(["1", "1", "", ""], ["", case, "", ""])
    assert twice.status_code == 400
    assert "Nothing was saved" in twice.text
    assert "rank 1 is given to Regional pavilion Hannover Messe too" in twice.text
    assert applications(app, Application.firm_id == firm["id"]) == []

    saved = send(["2", "1", "", ""], ["", case, "", ""])
    assert saved.headers["location"] == "/sme/applications?notice=preferences_saved"
    assert send(["2", "1", "", ""], ["", case, "", ""]).status_code == 303  # a double submit
    mine = applications(app, Application.firm_id == firm["id"])
    assert [(a.mission_id, a.rank) for a in mine] == [(order[0], 2), (order[1], 1)]
    assert 'value="2"' in sme.get(url).text

    # Swapping ranks in one go is fine; an emptied rank withdraws.
    send(["1", "", "", ""], ["", case, "", ""])
    mine = applications(app, Application.firm_id == firm["id"])
    assert [(a.mission_id, a.rank, a.status) for a in mine] == [
        (order[0], 1, ApplicationStatus.submitted),
        (order[1], 1, ApplicationStatus.withdrawn),
    ]
    listing = sme.get("/sme/applications").text
    assert listing.index("Regional pavilion Hannover Messe") < listing.index(
        "Water business mission Hamburg"
    )


def test_preferences_over_the_api(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    sme = clients.sme
    headers = bearer(sme)
    firm = water_firm(sme)
    url = f"/api/sme/rounds/{ROUND_ID}/preferences"
    choices = [
        {"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": firm["case_id"]},
        {"mission_id": ids["M-FAIR-HANNOVER"], "rank": 1},
        {"mission_id": ids["M-GDANSK"], "rank": 3},
        {"mission_id": 999999, "rank": 4},
    ]
    bad = sme.put(url, headers=headers, json={"choices": choices})
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        "choices.1.rank: rank 1 is given to Water business mission Hamburg too; each preference "
        "gets its own rank",
        "choices.2.mission_id: Energy trade mission Gdańsk is for the sectors energy; your "
        "firm's sector is water, so it could never be placed",
        "choices.3.mission_id: is not a mission of this round",
    ]
    good = sme.put(url, headers=headers, json={"choices": [choices[0], {**choices[1], "rank": 2}]})
    assert good.status_code == 200, good.text
    assert [(a["mission"]["title"], a["rank"]) for a in good.json()] == [
        ("Water business mission Hamburg", 1),
        ("Regional pavilion Hannover Messe", 2),
    ]
    assert (
        sme.put(
            "/api/sme/rounds/nope/preferences", headers=headers, json={"choices": []}
        ).status_code
        == 404
    )
    set_round_status(app, ROUND_ID, RoundStatus.closed)
    assert sme.put(url, headers=headers, json={"choices": []}).status_code == 409
    assert sme.get(f"/sme/rounds/{ROUND_ID}/preferences").status_code == 409


# --------------------------------------------------------------------------- the API


def test_apply_change_and_withdraw_over_the_api(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    sme = clients.sme
    headers = bearer(sme)
    firm = water_firm(sme)
    body = {"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": firm["case_id"]}

    created = sme.post("/api/sme/applications", headers=headers, json=body)
    assert created.status_code == 201, created.text
    again = sme.post("/api/sme/applications", headers=headers, json=body)
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    application = created.json()
    assert application["mission"]["title"] == "Water business mission Hamburg"
    assert (application["round_status"], application["business_case_verified"]) == ("open", False)
    assert application["result"] is None

    conflict = sme.post("/api/sme/applications", headers=headers, json={**body, "rank": 2})
    assert conflict.status_code == 409
    missing_case = sme.post(
        "/api/sme/applications",
        headers=headers,
        json={"mission_id": ids["M-ANTWERP-METAL"], "rank": 2},
    )
    assert missing_case.status_code == 422
    assert missing_case.json()["problems"] == [
        "mission_id: Metal delegation Antwerp is for the sectors metal; your firm's sector is "
        "water, so it could never be placed",
        "business_case_id: a business mission needs one of your business cases for Belgium; "
        "write one first",
    ]
    assert (
        sme.post(
            "/api/sme/applications", headers=headers, json={**body, "colour": "red"}
        ).status_code
        == 422
    )

    fair = sme.post(
        "/api/sme/applications",
        headers=headers,
        json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 2},
    ).json()
    taken = sme.patch(f"/api/sme/applications/{fair['id']}", headers=headers, json={"rank": 1})
    assert taken.status_code == 422
    assert taken.json()["problems"][0].startswith("rank: you gave rank 1 to Water business")
    moved = sme.patch(f"/api/sme/applications/{fair['id']}", headers=headers, json={"rank": 5})
    assert moved.json()["rank"] == 5

    withdrawn = sme.post(f"/api/sme/applications/{fair['id']}/withdraw", headers=headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawn_at"] is not None
    assert (
        sme.patch(
            f"/api/sme/applications/{fair['id']}", headers=headers, json={"rank": 6}
        ).status_code
        == 409
    )
    listed = sme.get("/api/sme/applications", headers=headers).json()
    assert [(a["mission"]["title"], a["status"]) for a in listed] == [
        ("Water business mission Hamburg", "submitted"),
        ("Regional pavilion Hannover Messe", "withdrawn"),
    ]
    with Session(app.state.engine) as session:
        actions = session.exec(
            select(AuditLog.action)
            .where(AuditLog.object_type == "application")
            .order_by(col(AuditLog.id))
        ).all()
    assert actions == [
        "application.create",
        "application.create",
        "application.update",
        "application.withdraw",
    ]


def test_a_simultaneous_double_submit_creates_one_application(
    app: FastAPI, clients: Clients
) -> None:
    ids = open_round(app)
    sme = clients.sme
    headers = bearer(sme)
    firm = water_firm(sme)
    body = {"mission_id": ids["M-FAIR-HANNOVER"], "rank": 1}
    statuses: list[int] = []
    start = threading.Barrier(4)

    def send() -> None:
        # No `with`: entering would run the app's lifespan once per thread.
        client = TestClient(app, base_url="https://testserver")
        start.wait()
        response = client.post("/api/sme/applications", headers=headers, json=body)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert len(applications(app, Application.firm_id == firm["id"])) == 1


# --------------------------------------------------------------------------- other tenants


def test_another_firms_application_is_not_found(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    owner = clients.sme
    water_firm(owner)
    application = owner.post(
        "/api/sme/applications", json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 1}
    ).json()

    other = clients.new("sme")
    register_firm(other, kvk="87654321", region="GR", sector="water")
    for page in (f"/sme/applications/{application['id']}",):
        assert other.get(page).status_code == 404
    assert post_form(other, f"/sme/applications/{application['id']}/withdraw").status_code == 404
    assert other.get(f"/api/sme/applications/{application['id']}").status_code == 404
    assert (
        other.patch(f"/api/sme/applications/{application['id']}", json={"rank": 3}).status_code
        == 404
    )
    assert other.post(f"/api/sme/applications/{application['id']}/withdraw").status_code == 404
    assert other.get("/api/sme/applications").json() == []
    huge = 2**40
    assert other.get(f"/sme/applications/{huge}").status_code == 404
    assert other.get(f"/api/sme/applications/{huge}").status_code == 404
    assert other.get(f"/api/sme/cases/{huge}").status_code == 404
    assert other.get(f"/api/sme/readiness/{huge}").status_code == 404
    assert (
        other.post("/api/sme/applications", json={"mission_id": huge, "rank": 1}).status_code == 404
    )
    too_big_case = other.post(
        "/api/sme/applications",
        json={"mission_id": application["mission"]["id"], "rank": 1, "business_case_id": huge},
    )
    assert too_big_case.json()["problems"] == [
        "business_case_id: is not one of your business cases"
    ]
    # The imported firm's application in the same round is invisible too.
    (imported,) = applications(app, Application.firm_id != application["firm_id"])
    assert owner.get(f"/api/sme/applications/{imported.id}").status_code == 404
    assert owner.get(f"/api/sme/applications/{application['id']}").json()["status"] == "submitted"
