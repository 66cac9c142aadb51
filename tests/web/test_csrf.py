"""CSRF tokens bound to the session: a planted cookie and field pair, another session's token
and a cookie-only API write are refused; every state-changing page route checks its token."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker import csrf as csrf_tokens
from matchmaker.deps import csrf_protect
from matchmaker.models import BusinessCase, Round, RoundStatus
from tests.web.clients import PASSWORD, Clients, csrf, post_form
from tests.web.test_missions import open_round, scenario_document
from tests.web.test_organiser_builders import organisation_of
from tests.web.test_sme_applications import WATER_CASE
from tests.web.test_sme_firm import register_firm

CASE_FORM = {**WATER_CASE, "verified": "1"}


def cases(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return len(session.exec(select(BusinessCase)).all())


def page_token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]  # type: ignore[index]


def test_a_planted_cookie_and_field_pair_is_refused(app: FastAPI, clients: Clients) -> None:
    """The issue's reproduction: with a valid session, mm_csrf=x plus csrf_token=x posted
    /sme/cases. Now the token is a keyed hash of the session, so x does not pass."""
    sme = clients.sme
    register_firm(sme)
    before = cases(app)
    sme.cookies.set("mm_csrf", "x", domain="testserver")
    planted = sme.post("/sme/cases", data={**CASE_FORM, "csrf_token": "x"}, follow_redirects=False)
    assert planted.status_code == 403
    assert "reload" in planted.text
    assert cases(app) == before
    # The token of the page itself (as a browser sends it) is taken.
    token = page_token(sme, "/sme/cases/new")
    assert token == csrf(sme) != "x"
    sent = sme.post("/sme/cases", data={**CASE_FORM, "csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert cases(app) == before + 1


def test_another_sessions_token_is_refused(app: FastAPI, clients: Clients) -> None:
    first, second = clients.new("sme"), clients.new("sme")
    register_firm(second)
    before = cases(app)
    stolen = csrf(first)
    refused = second.post(
        "/sme/cases", data={**CASE_FORM, "csrf_token": stolen}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert cases(app) == before


def test_a_token_ends_with_its_session(app: FastAPI, clients: Clients) -> None:
    """After logging out and in again, a form of the old session is refused."""
    sme = clients.new("sme")
    register_firm(sme)
    old = csrf(sme)
    assert post_form(sme, "/logout").status_code == 303
    assert post_form(sme, "/login", {"email": sme.email, "password": PASSWORD}).status_code == 303  # type: ignore[attr-defined]
    assert csrf(sme) != old
    before = cases(app)
    refused = sme.post("/sme/cases", data={**CASE_FORM, "csrf_token": old}, follow_redirects=False)
    assert refused.status_code == 403
    assert cases(app) == before


def test_a_planted_pair_before_login_is_refused(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as browser:
        browser.cookies.set("mm_csrf", "x", domain="testserver")
        fields = {"csrf_token": "x", "email": "a@example.nl", "password": PASSWORD}
        assert browser.post("/register", data=fields, follow_redirects=False).status_code == 403
        assert browser.post("/login", data=fields, follow_redirects=False).status_code == 403
        # The login page's own token, bound to the nonce it set, is taken.
        with TestClient(app, base_url="https://testserver") as fresh:
            token = page_token(fresh, "/register")
            assert "x" != token == csrf_tokens.token_of(app.state.settings.secret(), fresh.cookies)
            fields["csrf_token"] = token
            assert fresh.post("/register", data=fields, follow_redirects=False).status_code == 303


def test_a_cookie_only_api_write_is_refused(app: FastAPI, clients: Clients) -> None:
    """The issue's reproduction: POST /api/organiser/rounds/{id}/close with Content-Type
    text/plain and the session cookie answered 200. Now it needs the session's token in the
    X-CSRF-Token header; a bearer token needs none."""
    organiser = clients.organiser
    document = scenario_document("csrf-round")
    open_round(app, document)
    with Session(app.state.engine) as session:
        round_row = session.get(Round, "csrf-round")
        assert round_row is not None
        round_row.organisation_id = organisation_of(organiser)
        session.add(round_row)
        session.commit()
    cookie = {"Cookie": f"mm_session={organiser.cookies.get('mm_session')}"}
    with TestClient(app, base_url="https://testserver") as forger:
        refused = forger.post(
            "/api/organiser/rounds/csrf-round/close",
            content="{}",
            headers={**cookie, "Content-Type": "text/plain"},
        )
        assert refused.status_code in (403, 415)
        as_json = forger.post("/api/organiser/rounds/csrf-round/close", headers=cookie)
        assert as_json.status_code == 403
        assert "X-CSRF-Token" in as_json.json()["detail"]
        wrong = forger.post(
            "/api/organiser/rounds/csrf-round/close", headers={**cookie, "X-CSRF-Token": "x"}
        )
        assert wrong.status_code == 403
        with Session(app.state.engine) as session:
            assert session.get(Round, "csrf-round").status == RoundStatus.open  # type: ignore[union-attr]
        # Reads need no token.
        assert forger.get("/api/organiser/rounds", headers=cookie).status_code == 200
        # With the session's token (from the page's meta tag) the write goes through.
        page = forger.get("/organiser", headers=cookie)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)[1]  # type: ignore[index]
        closed = forger.post(
            "/api/organiser/rounds/csrf-round/close", headers={**cookie, "X-CSRF-Token": token}
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
    token = organiser.post("/api/tokens", json={"email": organiser.email, "password": PASSWORD})  # type: ignore[attr-defined]
    assert token.status_code == 201
    with TestClient(app, base_url="https://testserver") as api_client:
        reopened = api_client.get(
            "/api/organiser/rounds", headers={"Authorization": f"Bearer {token.json()['token']}"}
        )
        assert reopened.status_code == 200


def test_every_state_changing_page_route_checks_the_token(app: FastAPI) -> None:
    from tests.web.test_access_matrix import _flatten, app_routes

    unchecked = []
    checked = 0
    for route in _flatten(app.routes):
        methods = getattr(route, "methods", None) or set()
        path = getattr(route, "path", "")
        if path.startswith("/api") or not methods - csrf_tokens.SAFE_METHODS:
            continue
        calls = {dependency.call for dependency in route.dependant.dependencies}  # type: ignore[attr-defined]
        if csrf_protect in calls:
            checked += 1
        else:
            unchecked.append(path)
    assert unchecked == []
    posted_pages = {p for m, p in app_routes(app) if m == "POST" and not p.startswith("/api")}
    assert checked == len(posted_pages) > 30
