"""An SME registers its firm and keeps its profile, over the pages and the API.

Also home of the helpers the other SME tests share: `register_firm` and `bearer`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from matchmaker.models import AuditLog, Firm, User
from tests.web.clients import PASSWORD, Clients, post_form
from tests.web.test_missions import open_round

FIRM: dict[str, str] = {
    "kvk": "12345678",
    "name": "Windkracht Noord BV",
    "region": "FR",
    "sector": "energy",
    "employees": "12",
    "exports_to": "de, BE",
}
# The same firm as the API takes it.
FIRM_JSON: dict[str, Any] = {
    **FIRM,
    "employees": 12,
    "exports_to": ["DE", "BE"],
}


def register_firm(client: TestClient, **changes: str) -> dict[str, Any]:
    """Register the client's firm through the page; the firm as the API shows it."""
    response = post_form(client, "/sme/firm", {**FIRM, **changes})
    assert response.status_code == 303, response.text
    firm = client.get("/api/sme/firm")
    assert firm.status_code == 200, firm.text
    return firm.json()


def bearer(client: TestClient) -> dict[str, str]:
    """Authorization headers with a fresh API token of the client's account."""
    response = client.post(
        "/api/tokens",
        json={"email": client.email, "password": PASSWORD},  # type: ignore[attr-defined]
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _count(app: FastAPI, model: Any, *where: Any) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


# --------------------------------------------------------------------------- pages


def test_an_sme_without_a_firm_is_sent_to_the_registration_form(clients: Clients) -> None:
    sme = clients.sme
    for page in ("/sme", "/sme/readiness", "/sme/cases", "/sme/applications", "/sme/firm/edit"):
        response = sme.get(page, follow_redirects=False)
        assert response.status_code == 303, page
        assert response.headers["location"] == "/sme/firm"
    form = sme.get("/sme/firm")
    assert "Register your firm" in form.text
    assert '<option value="GR"' in form.text
    assert '<option value="healthy_ageing"' in form.text


def test_register_the_firm_and_see_its_profile(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    response = post_form(sme, "/sme/firm", FIRM)
    assert response.status_code == 303
    assert response.headers["location"] == "/sme/firm?notice=registered"

    profile = sme.get(response.headers["location"])
    assert "Your firm is registered" in profile.text
    assert "Windkracht Noord BV" in profile.text
    assert "Fryslân" in profile.text
    assert "in the target group of 5 to 100 people" in profile.text
    assert "Germany, Belgium" in profile.text

    firm = sme.get("/api/sme/firm").json()
    assert firm["kvk"] == "12345678"
    assert firm["employees"] == 12
    assert firm["exports_to"] == ["DE", "BE"]
    assert firm["readiness_strategy"] is False
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == sme.email)).one()  # type: ignore[attr-defined]
        assert user.firm_id == firm["id"]
        assert firm["owner_user_id"] == user.id
        audits = session.exec(
            select(AuditLog).where(
                AuditLog.object_type == "firm", AuditLog.action == "firm.register"
            )
        ).all()
        assert [(a.object_id, a.actor_user_id) for a in audits] == [(str(firm["id"]), user.id)]

    home = sme.get("/sme")
    assert "Windkracht Noord BV" in home.text
    assert "not taken yet" in home.text


def test_a_kvk_number_of_other_than_8_digits_is_refused_naming_the_field(
    app: FastAPI, clients: Clients
) -> None:
    sme = clients.sme
    for wrong in ("1234567", "123456789", "1234567a", ""):
        response = post_form(sme, "/sme/firm", {**FIRM, "kvk": wrong})
        assert response.status_code == 400
        assert "the KvK number must be exactly 8 digits" in response.text
    response = post_form(
        sme, "/sme/firm", {**FIRM, "employees": "many", "region": "NH", "name": " "}
    )
    assert response.status_code == 400
    assert "enter the number of employees as a whole number" in response.text
    assert "choose a region: one of FR, GR, DR" in response.text
    assert "enter the firm&#39;s name" in response.text
    assert _count(app, Firm) == 0


def test_one_firm_per_account_and_a_double_submit_registers_one(
    app: FastAPI, clients: Clients
) -> None:
    sme = clients.sme
    first = post_form(sme, "/sme/firm", FIRM)
    second = post_form(sme, "/sme/firm", {**FIRM, "kvk": "87654321"})
    assert first.status_code == second.status_code == 303
    assert second.headers["location"] == "/sme/firm"
    assert _count(app, Firm) == 1
    again = sme.post("/api/sme/firm", json={**FIRM_JSON, "kvk": "87654321"})
    assert again.status_code == 409


def test_a_kvk_number_registered_already_cannot_be_claimed(app: FastAPI, clients: Clients) -> None:
    register_firm(clients.sme)
    other = clients.new("sme")
    response = post_form(other, "/sme/firm", FIRM)
    assert response.status_code == 400
    assert "a firm with this KvK number is registered already" in response.text
    # Nor a firm a scenario import registered (it has no owner).
    open_round(app)
    response = other.post("/api/sme/firm", json={**FIRM_JSON, "kvk": "11112222"})
    assert response.status_code == 422
    assert response.json()["problems"] == [
        "kvk: a firm with this KvK number is registered already; contact the organiser if it "
        "is yours"
    ]


def test_edit_the_profile(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    register_firm(sme)
    form = sme.get("/sme/firm/edit")
    assert 'value="Windkracht Noord BV"' in form.text
    assert "12345678" in form.text
    response = post_form(
        sme,
        "/sme/firm/edit",
        {**FIRM, "kvk": "99999999", "employees": "140"},
    )
    assert response.status_code == 303
    assert "outside the target group" in sme.get("/sme/firm").text
    firm = sme.get("/api/sme/firm").json()
    assert (firm["kvk"], firm["employees"], firm["readiness_finance"]) == ("12345678", 140, False)

    response = post_form(sme, "/sme/firm/edit", {**FIRM, "employees": "-3"})
    assert response.status_code == 400
    assert "enter the number of employees as a whole number" in response.text


# --------------------------------------------------------------------------- API


def test_register_and_change_the_firm_over_the_api(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    headers = bearer(sme)
    assert sme.get("/api/sme/firm", headers=headers).status_code == 404
    assert sme.get("/api/sme/cases", headers=headers).status_code == 409

    bad = sme.post(
        "/api/sme/firm",
        headers=headers,
        json={"kvk": "1234", "name": "X", "region": "ZZ", "sector": "energy", "employees": -1},
    )
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        "kvk: the KvK number must be exactly 8 digits, e.g. 01234567",
        "region: choose a region: one of FR, GR, DR",
        "employees: the number of employees must be between 0 and 1000000",
    ]
    extra = sme.post("/api/sme/firm", headers=headers, json={**FIRM_JSON, "colour": "blue"})
    assert extra.status_code == 422
    assert extra.json()["problems"][0].startswith("colour:")

    body = {**FIRM_JSON, "employees": 30, "exports_to": ["PL"]}
    created = sme.post("/api/sme/firm", headers=headers, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["exports_to"] == ["PL"]

    changed = sme.patch("/api/sme/firm", headers=headers, json={"sector": "water"})
    assert changed.status_code == 200
    assert (changed.json()["sector"], changed.json()["readiness_strategy"]) == ("water", False)
    assert sme.patch("/api/sme/firm", headers=headers, json={"kvk": "87654321"}).status_code == 422
    bad_country = sme.patch("/api/sme/firm", headers=headers, json={"exports_to": ["XX"]})
    assert bad_country.json()["problems"] == [
        "exports_to: the country 'XX' is not an ISO 3166-1 alpha-2 code"
    ]
    with Session(app.state.engine) as session:
        actions = session.exec(
            select(AuditLog.action).where(AuditLog.object_type == "firm").order_by(col(AuditLog.id))
        ).all()
    assert actions == ["firm.register", "firm.update"]


def test_regions_and_sectors_offered_are_the_defaults_plus_the_rounds_codes(
    app: FastAPI, clients: Clients
) -> None:
    sme = clients.sme
    choices = sme.get("/api/sme/firm/choices").json()
    assert [r["code"] for r in choices["regions"]] == ["FR", "GR", "DR"]
    assert [s["code"] for s in choices["sectors"]][:5] == [
        "agrifood",
        "healthy_ageing",
        "energy",
        "sensors",
        "water",
    ]
    assert len(choices["sectors"]) == 12
    open_round(app)  # its sectors include "maritime", which the defaults lack
    choices = sme.get("/api/sme/firm/choices").json()
    assert choices["sectors"][-1] == {"code": "maritime", "name": "Maritiem"}
    assert register_firm(sme, sector="maritime")["sector"] == "maritime"


# --------------------------------------------------------------------------- readiness


READINESS = ("readiness_strategy", "readiness_organisation", "readiness_finance")
FROM_THE_SCAN = (
    "comes from your latest readiness scan, not from the profile; take the scan to change it"
)


def test_the_readiness_flags_come_from_the_scan_not_the_api(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    headers = bearer(sme)
    for field in READINESS:
        for value in (True, False, None):
            refused = sme.post("/api/sme/firm", headers=headers, json={**FIRM_JSON, field: value})
            assert refused.status_code == 422, (field, value)
            assert refused.json()["problems"] == [f"{field}: {FROM_THE_SCAN}"]
    assert sme.get("/api/sme/firm", headers=headers).status_code == 404

    created = sme.post("/api/sme/firm", headers=headers, json=FIRM_JSON)
    assert created.status_code == 201, created.text
    assert [created.json()[field] for field in READINESS] == [False, False, False]
    both = sme.patch(
        "/api/sme/firm",
        headers=headers,
        json={"name": "Renamed BV", "readiness_strategy": True, "readiness_finance": True},
    )
    assert both.status_code == 422
    assert both.json()["problems"] == [
        f"readiness_strategy: {FROM_THE_SCAN}",
        f"readiness_finance: {FROM_THE_SCAN}",
    ]
    firm = sme.get("/api/sme/firm", headers=headers).json()
    assert firm["name"] == FIRM_JSON["name"] and firm["readiness_strategy"] is False


def test_the_profile_form_has_no_readiness_and_refuses_it(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    form = sme.get("/sme/firm")
    assert 'name="readiness_' not in form.text
    assert "readiness scan" in form.text
    assert "exportscan" in sme.get("/sme/firm", headers={"Accept-Language": "nl"}).text
    refused = post_form(sme, "/sme/firm", {**FIRM, "readiness_strategy": "on"})
    assert refused.status_code == 400
    assert FROM_THE_SCAN in refused.text
    assert sme.get("/api/sme/firm").status_code == 404

    register_firm(sme)
    assert 'name="readiness_' not in sme.get("/sme/firm/edit").text
    refused = post_form(sme, "/sme/firm/edit", {**FIRM, "readiness_finance": "on"})
    assert refused.status_code == 400
    assert FROM_THE_SCAN in refused.text
    assert sme.get("/api/sme/firm").json()["readiness_finance"] is False
