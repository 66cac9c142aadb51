"""Web security: headers on every answer, trusted hosts, no API docs in production, login
throttling that a forged X-Forwarded-For cannot reset, no mass assignment, escaped user text,
neutralised spreadsheet cells, and no secrets in the logs."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, col, func, select
from starlette.requests import Request

from matchmaker import resources, security
from matchmaker.main import create_app
from matchmaker.models import (
    Application,
    ApplicationStatus,
    BusinessCase,
    Firm,
    LoginFailure,
    Organisation,
)
from matchmaker.services import logins
from matchmaker.settings import Settings
from tests.web import test_runs_support as run_support
from tests.web.clients import PASSWORD, Clients, csrf, post_form
from tests.web.test_missions import open_round
from tests.web.test_organiser_builders import import_round, mission_id, scenario
from tests.web.test_runs_support import runner  # noqa: F401  (fixture)
from tests.web.test_sme_applications import WATER_CASE
from tests.web.test_sme_firm import FIRM, FIRM_JSON, register_firm

SECRET = "s" * 48
EXPECTED_HEADERS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def app_with(database_url: str, **settings: Any) -> FastAPI:
    values = {"database_url": database_url, "environment": "test", "secret_key": SECRET}
    return create_app(Settings(**(values | settings)))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'web.db'}"


# --------------------------------------------------------------------------- headers


def _check_headers(response: Any, what: str) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, (what, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy, what
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, what
    assert re.search(r"script-src 'self'(;|$)", policy), what


def test_every_kind_of_answer_carries_the_security_headers(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    anonymous = TestClient(app, base_url="https://testserver")
    answers = {
        "page": sme.get("/sme/firm"),
        "public page": anonymous.get("/missions"),
        "login form": anonymous.get("/login"),
        "redirect": anonymous.get("/sme", follow_redirects=False),
        "404 page": anonymous.get("/no/such/page"),
        "404 api": sme.get("/api/sme/cases/999999"),
        "401 api": anonymous.get("/api/me"),
        "403 page": sme.get("/organiser"),
        "422 api": sme.post("/api/sme/firm", json={"kvk": 1}),
        "405": anonymous.put("/login"),
        "413": sme.post(
            "/api/sme/firm",
            content=b"x" * (security.MAX_BODY_BYTES + 1),
            headers={"content-type": "application/json"},
        ),
        "415": sme.post("/api/sme/firm", content=b"x", headers={"content-type": "text/plain"}),
        "400 host": anonymous.get("/", headers={"host": "evil.example"}),
        "api json": sme.get("/api/me"),
        "static css": anonymous.get("/static/app.css"),
        "static js": anonymous.get("/static/run_progress.js"),
        "static 404": anonymous.get("/static/nothing.css"),
        "openapi": anonymous.get("/openapi.json"),
    }
    expected_status = {"404 page": 404, "413": 413, "415": 415, "400 host": 400, "405": 405}
    for what, response in answers.items():
        if what in expected_status:
            assert response.status_code == expected_status[what], what
        _check_headers(response, what)
        if what.startswith("static"):  # public files may be cached
            assert "no-store" not in response.headers.get("cache-control", ""), what
        else:
            assert response.headers.get("cache-control") == "no-store", what
    assert len(answers) == 18


def test_the_docs_pages_get_their_own_policy_and_still_no_framing(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver")
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "https://cdn.jsdelivr.net" in policy


def test_templates_and_static_files_need_no_inline_script_or_style() -> None:
    """The CSP forbids inline script and style; nothing in the templates relies on them."""
    templates = list(resources.templates_dir().rglob("*.html"))
    assert len(templates) >= 30
    for template in templates:
        html = template.read_text(encoding="utf-8")
        for script in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
            assert "src=" in script, (template.name, script)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), template.name  # no inline body
        assert not re.search(r"\son[a-z]+\s*=", html, flags=re.IGNORECASE), template.name
        assert not re.search(r"\sstyle\s*=", html, flags=re.IGNORECASE), template.name
        assert "<style" not in html.lower(), template.name
        assert "javascript:" not in html.lower(), template.name


# --------------------------------------------------------------------------- hosts and docs


def test_unknown_hosts_are_refused(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver")
    assert client.get("/login").status_code == 200
    for host in ("localhost", "127.0.0.1", "localhost:8000"):
        assert client.get("/login", headers={"host": host}).status_code == 200, host
    refused = client.get("/login", headers={"host": "evil.example"})
    assert refused.status_code == 400


def test_production_answers_only_its_hosts_and_hides_the_api_docs(sqlite_url: str) -> None:
    app = app_with(
        sqlite_url, environment="production", allowed_hosts="matchmaker.example.nl, Other.nl"
    )
    try:
        client = TestClient(app, base_url="https://matchmaker.example.nl")
        assert client.get("/login").status_code == 200
        assert client.get("/login", headers={"host": "other.nl"}).status_code == 200
        assert client.get("/login", headers={"host": "testserver"}).status_code == 400
        for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
            assert client.get(path).status_code == 404, path
        assert client.get("/api/missions").status_code == 200  # the API itself still answers
    finally:
        app.state.engine.dispose()
    development = app_with(sqlite_url, environment="test")
    try:
        client = TestClient(development, base_url="https://testserver")
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 200, path
    finally:
        development.state.engine.dispose()


# --------------------------------------------------------------------------- login throttling


def _login(client: TestClient, email: str, password: str, **headers: str) -> Any:
    return client.post(
        "/login",
        data={"csrf_token": csrf(client), "email": email, "password": password},
        headers=headers,
        follow_redirects=False,
    )


def test_guessers_are_throttled_and_the_owner_is_not_locked_out(
    app: FastAPI, clients: Clients
) -> None:
    """Guesses spread over addresses: once the account has five failures, each address that
    failed for it is held, while the owner, from an address that has not failed for the
    account, logs in with the right password at once (the issue: five failures anywhere
    locked the owner out)."""
    email = clients.sme.email  # type: ignore[attr-defined]

    def browser(address: str) -> TestClient:
        return TestClient(app, base_url="https://testserver", client=(address, 1))

    guessers = [browser(f"198.51.100.{n}") for n in range(logins.MAX_FAILURES_PER_ACCOUNT)]
    for n, guesser in enumerate(guessers):
        assert _login(guesser, email, f"guess number {n}").status_code == 400
    # Every guesser is now held for this account, even with the right password...
    blocked = _login(guessers[0], email, PASSWORD)
    assert blocked.status_code == 429
    retry = int(blocked.headers["retry-after"])
    assert 0 < retry <= logins.LOGIN_WINDOW.total_seconds()
    assert "Too many failed logins" in blocked.text
    assert "mm_session" not in blocked.cookies
    api = guessers[1].post("/api/tokens", json={"email": email.upper(), "password": PASSWORD})
    assert api.status_code == 429 and api.headers["retry-after"].isdigit()
    # ...a new address gets one guess, and is held after it...
    newcomer = browser("198.51.100.200")
    assert _login(newcomer, email, "one more guess").status_code == 400
    assert _login(newcomer, email, "and another").status_code == 429
    # ...and the owner, from an address of its own, is let in.
    owner = browser("203.0.113.7")
    assert _login(owner, email, PASSWORD).status_code == 303
    # Another account from a held address is not affected.
    other = clients.new("organiser")
    assert _login(guessers[0], other.email, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_one_address_is_held_after_five_failures_for_one_account(
    app: FastAPI, clients: Clients
) -> None:
    email = clients.sme.email  # type: ignore[attr-defined]
    typo = TestClient(app, base_url="https://testserver", client=("203.0.113.8", 1))
    for n in range(logins.MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert _login(typo, email, f"typo {n}").status_code == 400
    assert _login(typo, email, PASSWORD).status_code == 429
    # Once the failures are older than the window, the right password works again.
    with Session(app.state.engine) as session:
        for failure in session.exec(select(LoginFailure)):
            failure.at -= logins.LOGIN_WINDOW + timedelta(seconds=1)
            session.add(failure)
        session.commit()
    assert _login(typo, email, PASSWORD).status_code == 303


def test_a_success_clears_the_accounts_count(app: FastAPI, clients: Clients) -> None:
    email = clients.sme.email  # type: ignore[attr-defined]
    client = TestClient(app, base_url="https://testserver")
    for _ in range(logins.MAX_FAILURES_PER_ACCOUNT - 1):
        assert _login(client, email, "wrong password").status_code == 400
    assert _login(client, email, PASSWORD).status_code == 303
    for _ in range(logins.MAX_FAILURES_PER_ACCOUNT - 1):
        assert _login(client, email, "wrong password").status_code == 400
    assert _login(client, email, PASSWORD).status_code == 303


def test_an_address_is_throttled_and_a_forged_forwarded_for_does_not_reset_it(
    app: FastAPI, clients: Clients
) -> None:
    clients.sme  # noqa: B018
    attacker = TestClient(app, base_url="https://testserver", client=("192.0.2.10", 4000))
    for n in range(logins.MAX_FAILURES_PER_ADDRESS):
        response = _login(attacker, f"nobody{n}@example.nl", "wrong password")
        assert response.status_code == 400, n
    blocked = _login(attacker, "nobody-else@example.nl", "wrong password")
    assert blocked.status_code == 429
    for forged in ("203.0.113.99", "10.1.2.3, 203.0.113.98", "127.0.0.1"):
        again = _login(attacker, "fresh@example.nl", "wrong", **{"X-Forwarded-For": forged})
        assert again.status_code == 429, forged
        api = attacker.post(
            "/api/tokens",
            json={"email": "fresh@example.nl", "password": "wrong"},
            headers={"X-Forwarded-For": forged, "X-Real-IP": forged},
        )
        assert api.status_code == 429, forged
    # Someone else is not locked out by the attacker.
    neighbour = TestClient(app, base_url="https://testserver", client=("192.0.2.11", 4000))
    assert _login(neighbour, clients.sme.email, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_behind_a_configured_proxy_the_forwarded_address_counts(sqlite_url: str) -> None:
    app = app_with(sqlite_url, trusted_proxies="10.0.0.0/8")
    try:
        proxy = TestClient(app, base_url="https://testserver", client=("10.0.0.5", 443))
        for n in range(logins.MAX_FAILURES_PER_ADDRESS):
            response = _login(
                proxy, f"x{n}@example.nl", "wrong", **{"X-Forwarded-For": "203.0.113.1, 10.0.0.9"}
            )
            assert response.status_code == 400
        from_there = _login(proxy, "y@example.nl", "wrong", **{"X-Forwarded-For": "203.0.113.1"})
        assert from_there.status_code == 429
        # Another client behind the same proxy has its own count.
        elsewhere = _login(proxy, "y@example.nl", "wrong", **{"X-Forwarded-For": "203.0.113.2"})
        assert elsewhere.status_code == 400
        # A client prepending a forged address cannot escape: the proxy appends the real one.
        forged = _login(
            proxy, "y@example.nl", "wrong", **{"X-Forwarded-For": "1.2.3.4, 203.0.113.1"}
        )
        assert forged.status_code == 429
    finally:
        app.state.engine.dispose()


def test_the_failure_counts_hold_no_email_or_address(app: FastAPI, clients: Clients) -> None:
    client = TestClient(app, base_url="https://testserver", client=("192.0.2.77", 1))
    _login(client, "Secret.Person@example.nl", "my-password-typed-as-email")
    with Session(app.state.engine) as session:
        keys = session.exec(select(LoginFailure.key)).all()
    assert len(keys) == 3  # the account from this address, the address, the account
    for key in keys:
        assert re.fullmatch(r"[0-9a-f]{64}", key)


def test_the_client_address_is_read_from_forwarded_for_only_behind_a_trusted_proxy() -> None:
    def address(peer: str, forwarded: str | None, proxies: list[str]) -> str:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        scope = {"type": "http", "client": (peer, 1), "headers": headers}
        return security.client_address(Request(scope), proxies)

    assert address("198.51.100.1", "203.0.113.5", []) == "198.51.100.1"
    assert address("198.51.100.1", "203.0.113.5", ["10.0.0.0/8"]) == "198.51.100.1"
    assert address("10.0.0.2", "203.0.113.5", ["10.0.0.0/8"]) == "203.0.113.5"
    assert address("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.3", ["10.0.0.0/8"]) == "203.0.113.5"
    assert address("10.0.0.2", "10.0.0.4", ["10.0.0.0/8"]) == "10.0.0.4"
    assert address("10.0.0.2", "not-an-ip", ["10.0.0.0/8"]) == "not-an-ip"
    assert address("10.0.0.2", None, ["10.0.0.0/8", "bad"]) == "10.0.0.2"


# --------------------------------------------------------------------------- mass assignment


@pytest.mark.parametrize(
    ("url", "body", "extra"),
    [
        ("/api/tokens", {"email": "a@b.nl", "password": PASSWORD, "role": "organiser"}, "role"),
        ("/api/sme/firm", {**FIRM_JSON, "owner_user_id": 1}, "owner_user_id"),
        ("/api/sme/firm", {**FIRM_JSON, "status": "verified"}, "status"),
        ("/api/sme/cases", {**WATER_CASE, "verified": True}, "verified"),
        ("/api/sme/applications", {"mission_id": 1, "rank": 1, "score": 9999}, "score"),
        ("/api/sme/applications", {"mission_id": 1, "rank": 1, "status": "placed"}, "status"),
        ("/api/sme/applications", {"mission_id": 1, "rank": 1, "firm": 2}, "firm"),
        ("/api/organiser/rounds", {"id": "r", "name": "R", "status": "published"}, "status"),
        ("/api/rounds/x/runs", {"seed": 1, "role": "admin"}, "role"),
    ],
)
def test_api_bodies_refuse_fields_they_do_not_take(
    app: FastAPI, clients: Clients, url: str, body: dict[str, Any], extra: str
) -> None:
    client = clients.organiser if "/organiser/" in url or "/runs" in url else clients.sme
    response = client.post(url, json=body)
    assert response.status_code == 422, response.text
    assert f"{extra}: Extra inputs are not permitted" in response.json()["problems"]


def test_every_api_body_refuses_unknown_fields(app: FastAPI) -> None:
    schema = app.openapi()
    components = schema["components"]["schemas"]
    checked = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            refs = re.findall(r"#/components/schemas/(\w+)", str(body["schema"]))
            if not refs:  # the scenario import takes a whole document, checked by its parser
                assert path == "/api/organiser/rounds/import", path
                continue
            for name in refs:
                assert components[name].get("additionalProperties") is False, (path, name)
                checked.append((method, path))
    assert len(checked) >= 15


def test_forms_ignore_fields_they_do_not_take(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    firm = register_firm(sme, region="GR", sector="water")
    hostile = {"owner_user_id": "1", "id": "999", "kvk": "99999999", "verified": "on"}
    edited = post_form(
        sme, "/sme/firm/edit", {**FIRM, "region": "GR", "sector": "water", **hostile}
    )
    assert edited.status_code == 303
    assert sme.get("/api/sme/firm").json()["kvk"] == firm["kvk"] == FIRM["kvk"]
    case = post_form(sme, "/sme/cases", {**WATER_CASE, "verified": "on", "firm_id": "2"})
    assert case.status_code == 303
    ids = open_round(app)
    with Session(app.state.engine) as session:
        before = session.exec(select(func.count()).select_from(Application)).one()
    applied = post_form(
        sme,
        "/sme/applications",
        {
            "mission_id": str(ids["M-FAIR-HANNOVER"]),
            "rank": "1",
            "status": "placed",
            "score": "9999",
            "firm_id": "2",
        },
    )
    assert applied.status_code == 303
    with Session(app.state.engine) as session:
        stored_case = session.exec(
            select(BusinessCase).where(BusinessCase.firm_id == firm["id"])
        ).one()
        assert stored_case.verified is False
        application = session.exec(
            select(Application).where(Application.firm_id == firm["id"])
        ).one()
        assert application.status == ApplicationStatus.submitted
        assert application.mission_id == ids["M-FAIR-HANNOVER"]
        assert session.exec(select(func.count()).select_from(Application)).one() == before + 1
    registered = TestClient(app, base_url="https://testserver")
    response = post_form(
        registered,
        "/register",
        {
            "email": "x@example.nl",
            "password": PASSWORD,
            "role": "organiser",
            "organisation": "Self-made organisers",
            "organisation_id": "1",
            "active": "0",
            "id": "1",
        },
    )
    assert response.status_code == 303
    assert _login(registered, "x@example.nl", PASSWORD).status_code == 303
    me = registered.get("/api/me").json()
    assert (me["role"], me["organisation_id"], me["active"]) == ("sme", None, True)
    assert me["id"] != 1
    with Session(app.state.engine) as session:
        names = session.exec(select(Organisation.name)).all()
    assert "Self-made organisers" not in names


# --------------------------------------------------------------------------- escaping

HOSTILE = '<script>alert("mm")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&#34;mm&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def test_hostile_text_is_shown_escaped_on_every_page(app: FastAPI, clients: Clients) -> None:
    organiser = clients.new("organiser", "organiser", organisation=HOSTILE)
    sme = clients.new("sme", "sme", email=f"x{HOSTILE[:8]}@example.nl")
    round_id = "hostile-round"
    created = organiser.post(
        "/api/organiser/rounds",
        json={
            "id": round_id,
            "name": HOSTILE,
            "description": HOSTILE,
            "regions": [{"code": "GR", "name": HOSTILE}],
            "sectors": [{"code": "water", "name": HOSTILE}],
        },
    )
    assert created.status_code == 201, created.text
    mission = organiser.post(
        f"/api/organiser/rounds/{round_id}/missions",
        json={
            "title": HOSTILE,
            "kind": "business",
            "format": "trade_mission",
            "scope": "regional",
            "organiser": HOSTILE,
            "country": "DE",
            "start_date": "2027-05-01",
            "end_date": "2027-05-03",
            "capacity": 3,
        },
    )
    assert mission.status_code == 201, mission.text
    mission_pk = mission.json()["id"]
    assert organiser.post(f"/api/organiser/rounds/{round_id}/open").status_code == 200
    firm = sme.post(
        "/api/sme/firm", json={**FIRM_JSON, "name": HOSTILE, "region": "GR", "sector": "water"}
    )
    assert firm.status_code == 201, firm.text
    case = sme.post("/api/sme/cases", json={**WATER_CASE, "summary": HOSTILE})
    assert case.status_code == 201, case.text
    applied = sme.post(
        "/api/sme/applications",
        json={"mission_id": mission_pk, "rank": 1, "business_case_id": case.json()["id"]},
    )
    assert applied.status_code == 201, applied.text
    rejected = organiser.post(
        f"/api/organiser/business-cases/{case.json()['id']}/reject", json={"note": HOSTILE}
    )
    assert rejected.status_code == 200, rejected.text

    pages = {
        sme: [
            "/sme",
            "/sme/firm",
            "/sme/firm/edit",
            "/sme/cases",
            f"/sme/cases/{case.json()['id']}/edit",
            "/sme/applications",
            f"/sme/applications/{applied.json()['id']}",
            f"/sme/rounds/{round_id}/preferences",
            "/missions",
            f"/missions/{mission_pk}",
        ],
        organiser: [
            "/organiser",
            f"/organiser/rounds/{round_id}",
            f"/organiser/rounds/{round_id}/missions/{mission_pk}",
            f"/organiser/rounds/{round_id}/dashboard",
            "/organiser/business-cases?state=rejected",
        ],
    }
    shown = 0
    for client, urls in pages.items():
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200, url
            assert "<script" not in page.text, url
            assert "onerror=alert(1)>" not in page.text.replace(ESCAPED, ""), url
            shown += page.text.count(ESCAPED)
    assert shown >= 20


# --------------------------------------------------------------------------- spreadsheets


def test_roster_cells_that_start_like_a_formula_stay_text(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    risky = {"10000001": "+31 50 1234567", "10000002": "@SUM(A1:A9)"}
    with Session(app.state.engine) as session:
        for firm in session.exec(select(Firm).where(col(Firm.kvk).in_(risky))):
            firm.name = risky[firm.kvk]
            session.add(firm)
        session.commit()
    text = organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}/roster.csv").text
    names = {row["Firm"] for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    assert names == {"'+31 50 1234567", "'@SUM(A1:A9)"}
    workbook = organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}/roster.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content))["Roster"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Firm")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == {"'+31 50 1234567", "'@SUM(A1:A9)"}
    assert all(cell.data_type == "s" for cell in cells)


# --------------------------------------------------------------------------- logs


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


def test_no_password_token_session_or_secret_key_reaches_the_logs(
    app: FastAPI, all_logs: pytest.LogCaptureFixture
) -> None:
    password = "Pa55-word-that-must-not-leak"
    client = TestClient(app, base_url="https://testserver")
    registered = post_form(client, "/register", {"email": "logs@example.nl", "password": password})
    assert registered.status_code == 303
    assert _login(client, "logs@example.nl", password).status_code == 303
    session_id = client.cookies["mm_session"]
    other = TestClient(app, base_url="https://testserver")
    assert _login(other, "logs@example.nl", password + "x").status_code == 400
    assert _login(other, "logs@example.nl", password).status_code == 303
    token = client.post("/api/tokens", json={"email": "logs@example.nl", "password": password})
    assert token.status_code == 201
    bearer_token = token.json()["token"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {bearer_token}"}).is_success
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in all_logs.records
    )
    assert "failed login from testclient" in logged  # the logs were captured
    for secret in (password, session_id, bearer_token, SECRET, "t" * 48, csrf(client)):
        assert secret not in logged
    assert "logs@example.nl" not in logged


@pytest.mark.usefixtures("runner")
def test_hostile_firm_names_are_escaped_on_run_and_placement_pages(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    document = run_support.waiting_round(capacity=2, applicants=3)
    for firm in document["firms"]:
        firm["name"] = f"{firm['id']} {HOSTILE}"
    document["missions"][0]["title"] = HOSTILE
    round_id = run_support.import_round(app, document, organiser)
    run = run_support.run_round(app, organiser, round_id)
    assert run["state"] == "succeeded"
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    run_support.link_firm(app, clients.sme, round_id, "F1")
    mine = run_support.placement_of(app, run["id"], "F1")
    pages = [
        (organiser, f"/organiser/runs/{run['id']}"),
        (organiser, f"/organiser/rounds/{round_id}/runs"),
        (organiser, f"/organiser/rounds/{round_id}/dashboard"),
        (clients.sme, "/sme/placements"),
        (clients.sme, f"/sme/placements/{mine.id}"),
    ]
    shown = 0
    for client, url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<script>" not in page.text and "<img" not in page.text, url
        shown += page.text.count(ESCAPED)
    assert shown >= 6
