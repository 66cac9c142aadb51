"""Business cases: write, list and edit them; new and changed cases wait for verification."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session, col, select

from matchmaker.models import AuditLog, BusinessCase
from matchmaker.models.common import utcnow
from tests.web.clients import Clients, post_form
from tests.web.test_sme_firm import bearer, register_firm

CASE = {
    "country": "DE",
    "sector": "energy",
    "summary": "heat pumps for Bremen housing associations",
    "evidence": "leads",
}


def _verify(app: FastAPI, case_id: int) -> None:
    """What the organiser's verification does (another engineer's service)."""
    with Session(app.state.engine) as session:
        case = session.get(BusinessCase, case_id)
        assert case is not None
        case.verified = True
        case.verified_at = utcnow()
        session.add(case)
        session.commit()


def test_write_list_and_edit_a_case_on_the_pages(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    register_firm(sme)
    form = sme.get("/sme/cases/new", params={"country": "pl"})
    assert '<option value="PL" selected>' in form.text
    assert '<option value="energy" selected>' in form.text  # the firm's own sector

    bad = post_form(sme, "/sme/cases", {**CASE, "country": "XX", "summary": "", "evidence": "x"})
    assert bad.status_code == 400
    assert "the country &#39;XX&#39; is not an ISO 3166-1 alpha-2 code" in bad.text
    assert "enter the summary" in bad.text
    assert "choose the evidence: one of none, leads, letter_of_intent, order" in bad.text

    created = post_form(sme, "/sme/cases", CASE)
    assert created.status_code == 303
    listing = sme.get(created.headers["location"])
    assert "It waits for the organiser to verify it." in listing.text
    assert "heat pumps for Bremen housing associations" in listing.text
    assert "waiting for verification" in listing.text
    assert "Germany" in listing.text

    case = sme.get("/api/sme/cases").json()[0]
    assert (case["external_id"], case["verified"]) == ("BC1", False)
    _verify(app, case["id"])
    assert "verified</span>" in sme.get("/sme/cases").text

    edit = sme.get(f"/sme/cases/{case['id']}/edit")
    assert "This case is verified." in edit.text
    # Saving without a change keeps the verification.
    assert post_form(sme, f"/sme/cases/{case['id']}/edit", CASE).status_code == 303
    assert sme.get(f"/api/sme/cases/{case['id']}").json()["verified"] is True
    # A change sends it back for verification.
    changed = post_form(sme, f"/sme/cases/{case['id']}/edit", {**CASE, "evidence": "order"})
    assert changed.status_code == 303
    case = sme.get(f"/api/sme/cases/{case['id']}").json()
    assert (case["evidence"], case["verified"], case["verified_at"]) == ("order", False, None)

    bad_edit = post_form(sme, f"/sme/cases/{case['id']}/edit", {**CASE, "country": "Duitsland"})
    assert bad_edit.status_code == 400

    with Session(app.state.engine) as session:
        audits = session.exec(
            select(AuditLog)
            .where(AuditLog.object_type == "business_case")
            .order_by(col(AuditLog.id))
        ).all()
    assert [a.action for a in audits] == ["business_case.create", "business_case.update"]
    assert audits[1].before["verified"] is True  # type: ignore[index]
    assert audits[1].after["verified"] is False  # type: ignore[index]


def test_cases_over_the_api(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    headers = bearer(sme)
    register_firm(sme)
    first = sme.post("/api/sme/cases", headers=headers, json={**CASE, "country": "de"})
    assert first.status_code == 201, first.text
    assert (first.json()["country"], first.json()["external_id"]) == ("DE", "BC1")
    second = sme.post(
        "/api/sme/cases",
        headers=headers,
        json={"country": "PL", "sector": "energy", "summary": "grid sensors for Gdańsk"},
    )
    assert (second.json()["external_id"], second.json()["evidence"]) == ("BC2", "none")

    bad = sme.post("/api/sme/cases", headers=headers, json={**CASE, "country": "XX"})
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        "country: the country 'XX' is not an ISO 3166-1 alpha-2 code (e.g. DE, BE, PL)"
    ]
    bad = sme.post("/api/sme/cases", headers=headers, json={**CASE, "evidence": "rumour"})
    assert bad.status_code == 422
    assert bad.json()["problems"][0].startswith("evidence:")
    bad = sme.post("/api/sme/cases", headers=headers, json={**CASE, "sector": "tourism"})
    assert bad.json()["problems"][0].startswith("sector: choose a sector: one of agrifood")

    _verify(app, second.json()["id"])
    changed = sme.patch(
        f"/api/sme/cases/{second.json()['id']}", headers=headers, json={"summary": "smart meters"}
    )
    assert changed.status_code == 200
    assert (changed.json()["summary"], changed.json()["verified"]) == ("smart meters", False)
    assert [c["external_id"] for c in sme.get("/api/sme/cases", headers=headers).json()] == [
        "BC1",
        "BC2",
    ]


def test_another_firms_case_is_not_found(clients: Clients) -> None:
    owner = clients.sme
    register_firm(owner)
    case_id = owner.post("/api/sme/cases", json=CASE).json()["id"]

    other = clients.new("sme")
    register_firm(other, kvk="87654321")
    assert other.get(f"/sme/cases/{case_id}/edit").status_code == 404
    assert post_form(other, f"/sme/cases/{case_id}/edit", CASE).status_code == 404
    assert other.get(f"/api/sme/cases/{case_id}").status_code == 404
    assert other.patch(f"/api/sme/cases/{case_id}", json={"summary": "mine"}).status_code == 404
    assert other.get("/api/sme/cases").json() == []
    assert owner.get(f"/api/sme/cases/{case_id}").json()["summary"] == CASE["summary"]
