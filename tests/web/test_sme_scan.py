"""The readiness scan over HTTP: answer it, get one track with the reason and where to go next,
and the firm's readiness flags follow."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import AuditLog
from tests.web.clients import Clients, post_form
from tests.web.test_readiness import READY
from tests.web.test_sme_firm import bearer, register_firm


def test_take_the_scan_on_the_pages(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    register_firm(sme, sector="water", region="DR")
    form = sme.get("/sme/readiness")
    assert "Strategy: do you want to export, what and where?" in form.text
    assert 'name="product_fit" value="needs_work"' in form.text

    incomplete = post_form(sme, "/sme/readiness", {"export_wish": "yes"})
    assert incomplete.status_code == 400
    assert "Please answer the questions marked below." in incomplete.text
    assert "choose an answer" in incomplete.text

    response = post_form(sme, "/sme/readiness", {**READY, "product_fit": "needs_work"})
    assert response.status_code == 303
    result = sme.get(response.headers["location"])
    assert "Recommended: Innovation support first" in result.text
    assert "needs adapting or certifying" in result.text
    assert "Water Alliance" in result.text
    assert "SPINN" in result.text
    assert "See the missions that fit" not in result.text

    firm = sme.get("/api/sme/firm").json()
    assert (firm["readiness_strategy"], firm["readiness_organisation"]) == (True, True)
    assert firm["readiness_finance"] is True

    # Taking it again: the form starts from the last answers; the result links missions.
    assert 'value="needs_work" checked' in sme.get("/sme/readiness").text
    again = post_form(sme, "/sme/readiness", {**READY, "funding": "no", "business_case": "no"})
    result = sme.get(again.headers["location"])
    assert "Recommended: A promotional mission or fair visit" in result.text
    assert 'href="/missions?kind=promotional"' in result.text
    assert "Exportclub Drenthe" in result.text
    assert sme.get("/api/sme/firm").json()["readiness_finance"] is False
    assert "A promotional mission or fair visit" in sme.get("/sme").text

    with Session(app.state.engine) as session:
        audits = session.exec(
            select(AuditLog).where(AuditLog.action == "readiness_scan.create")
        ).all()
    assert len(audits) == 2
    assert audits[1].before == {
        "firm_id": firm["id"],
        "readiness": {"strategy": True, "organisation": True, "finance": True},
    }
    assert audits[1].after["readiness"]["finance"] is False  # type: ignore[index]


def test_take_the_scan_over_the_api(clients: Clients) -> None:
    sme = clients.sme
    headers = bearer(sme)
    register_firm(sme, region="GR", sector="metal")
    questions = sme.get("/api/sme/readiness/questions", headers=headers).json()
    assert [q["key"] for q in questions][:2] == ["export_wish", "market_choice"]
    assert {q["section"] for q in questions} == {
        "strategy",
        "organisation",
        "finance",
        "innovation",
        "network",
    }

    bad = sme.post(
        "/api/sme/readiness", headers=headers, json={"answers": {**READY, "funding": "maybe"}}
    )
    assert bad.status_code == 422
    assert bad.json()["problems"] == ["answers.funding: choose one of yes, no"]

    answers = {**READY, "target_country": "CN"}
    created = sme.post("/api/sme/readiness", headers=headers, json={"answers": answers})
    assert created.status_code == 201, created.text
    scan = created.json()
    assert scan["track"] == "business_mission"
    assert scan["readiness"] == {"strategy": True, "organisation": True, "finance": True}
    assert scan["missions_url"] == "/api/missions?kind=business&country=CN"
    assert [r["key"] for r in scan["referrals"]] == [
        "export_club_groningen",
        "confucius_institute",
    ]
    assert "in China" in scan["reason"]

    listed = sme.get("/api/sme/readiness", headers=headers).json()
    assert [s["id"] for s in listed] == [scan["id"]]
    assert sme.get(f"/api/sme/readiness/{scan['id']}", headers=headers).json() == scan


def test_another_firms_scan_is_not_found(clients: Clients) -> None:
    owner = clients.sme
    register_firm(owner)
    response = post_form(owner, "/sme/readiness", READY)
    scan_id = response.headers["location"].rsplit("/", 1)[1]

    other = clients.new("sme")
    assert other.get(f"/sme/readiness/{scan_id}").status_code == 404  # no firm yet
    register_firm(other, kvk="87654321")
    assert other.get(f"/sme/readiness/{scan_id}").status_code == 404
    assert other.get(f"/api/sme/readiness/{scan_id}").status_code == 404
    assert other.get("/api/sme/readiness").json() == []
