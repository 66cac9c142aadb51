"""Disabling an account ends its sessions and tokens at once and for good; enabling it lets
its owner log in anew but revives nothing old. Organisers do it on a page and over the API."""

from __future__ import annotations

import threading

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from matchmaker.models import AuditLog, User
from tests.web.clients import PASSWORD, Clients, branch_into_world, into_world, post_form
from tests.web.test_sme_firm import bearer


def user_id(app: FastAPI, email: str) -> int:
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        assert user.id is not None
        return user.id


def audits(app: FastAPI, action: str) -> list[AuditLog]:
    with Session(app.state.engine) as session:
        return list(
            session.exec(
                select(AuditLog).where(AuditLog.action == action).order_by(col(AuditLog.id))
            ).all()
        )


def logged_out(client: TestClient) -> bool:
    """Whether the client's session cookie no longer counts: pages send it to the login form."""
    response = client.get("/sme", follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def log_in(client: TestClient, email: str) -> int:
    return post_form(client, "/login", {"email": email, "password": PASSWORD}).status_code


def test_disabling_ends_sessions_and_tokens_for_good(app: FastAPI, clients: Clients) -> None:
    sme, organiser = clients.sme, clients.organiser
    into_world(app, organiser, sme)
    token = bearer(sme)
    old_cookie = sme.cookies.get("mm_session")
    assert sme.get("/sme", follow_redirects=False).status_code in (200, 303)
    assert not logged_out(sme)
    assert sme.get("/api/me", headers=token).status_code == 200
    target = user_id(app, sme.email)  # type: ignore[attr-defined]

    page = organiser.get("/organiser/accounts")
    assert page.status_code == 200
    assert sme.email in page.text  # type: ignore[attr-defined]
    assert f'action="/organiser/accounts/{target}/disable"' in page.text
    assert f"<td>{organiser.email}</td>" not in page.text  # type: ignore[attr-defined]

    response = post_form(organiser, f"/organiser/accounts/{target}/disable")
    assert response.status_code == 303
    assert "disabled" in organiser.get(response.headers["location"]).text
    [row] = audits(app, "disable")
    assert (row.object_type, row.object_id, row.before, row.after) == (
        "user",
        str(target),
        {"active": True},
        {"active": False},
    )

    # The very next request with the old cookie or token is refused.
    assert logged_out(sme)
    assert sme.get("/api/me", headers=token).status_code == 401
    assert sme.get("/api/me").status_code == 401
    # Nor can the owner log in again, or get a new token.
    assert log_in(sme, sme.email) == 400  # type: ignore[attr-defined]
    assert logged_out(sme)
    tokens = sme.post("/api/tokens", json={"email": sme.email, "password": PASSWORD})  # type: ignore[attr-defined]
    assert tokens.status_code == 401

    # Disabling twice is refused and writes nothing.
    assert post_form(organiser, f"/organiser/accounts/{target}/disable").status_code == 409
    assert len(audits(app, "disable")) == 1

    response = post_form(organiser, f"/organiser/accounts/{target}/enable")
    assert response.status_code == 303
    assert len(audits(app, "enable")) == 1
    # Enabling revives neither the old session nor the old token...
    sme.cookies.set("mm_session", old_cookie or "", domain="testserver")
    assert logged_out(sme)
    assert sme.get("/api/me", headers=token).status_code == 401
    # ...but the owner logs in anew.
    assert log_in(sme, sme.email) == 303  # type: ignore[attr-defined]
    assert sme.get("/api/me").json()["email"] == sme.email  # type: ignore[attr-defined]


def test_the_api_disables_and_enables_accounts(app: FastAPI, clients: Clients) -> None:
    branch, organiser = clients.branch_org, clients.organiser
    branch_into_world(app, organiser, branch)
    branch_token = bearer(branch)
    headers = bearer(organiser)
    listed = organiser.get("/api/organiser/accounts", headers=headers).json()
    entry = next(a for a in listed if a["email"] == branch.email)  # type: ignore[attr-defined]
    assert (entry["role"], entry["active"], entry["acts_for"]) == (
        "branch_org",
        True,
        "KvK Noord-Nederland",
    )

    response = organiser.post(f"/api/organiser/accounts/{entry['id']}/disable", headers=headers)
    assert response.status_code == 200 and response.json()["active"] is False
    assert branch.get("/api/me", headers=branch_token).status_code == 401
    assert branch.get("/branch", follow_redirects=False).headers["location"].startswith("/login")
    again = organiser.post(f"/api/organiser/accounts/{entry['id']}/disable", headers=headers)
    assert again.status_code == 409

    response = organiser.post(f"/api/organiser/accounts/{entry['id']}/enable", headers=headers)
    assert response.status_code == 200 and response.json()["active"] is True
    assert branch.get("/api/me", headers=branch_token).status_code == 401
    assert [len(audits(app, action)) for action in ("disable", "enable")] == [1, 1]


def test_organisers_cannot_disable_themselves_or_other_organisations(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    colleague = clients.new("organiser", "organiser-colleague")
    stranger = clients.new("organiser", "organiser-stranger", organisation="Other chamber")
    headers = bearer(organiser)
    me = user_id(app, organiser.email)  # type: ignore[attr-defined]
    colleague_id = user_id(app, colleague.email)  # type: ignore[attr-defined]
    with Session(app.state.engine) as session:  # registering makes an organisation per account
        mine, joined = session.get(User, me), session.get(User, colleague_id)
        assert mine is not None and joined is not None
        joined.organisation_id = mine.organisation_id
        session.add(joined)
        session.commit()
    other = user_id(app, stranger.email)  # type: ignore[attr-defined]

    emails = {a["email"] for a in organiser.get("/api/organiser/accounts", headers=headers).json()}
    assert colleague.email in emails  # type: ignore[attr-defined]
    assert organiser.email not in emails and stranger.email not in emails  # type: ignore[attr-defined]
    assert post_form(organiser, f"/organiser/accounts/{me}/disable").status_code == 404
    assert post_form(organiser, f"/organiser/accounts/{other}/disable").status_code == 404
    missing = organiser.post("/api/organiser/accounts/999999/disable", headers=headers)
    assert missing.status_code == 404
    assert audits(app, "disable") == []
    assert stranger.get("/organiser").status_code == 200


def test_a_disable_form_without_its_csrf_token_is_refused(app: FastAPI, clients: Clients) -> None:
    sme, organiser = clients.sme, clients.organiser
    into_world(app, organiser, sme)
    target = user_id(app, sme.email)  # type: ignore[attr-defined]
    response = organiser.post(f"/organiser/accounts/{target}/disable", follow_redirects=False)
    assert response.status_code == 403
    assert not logged_out(sme)
    assert audits(app, "disable") == []


def test_two_disables_at_once_make_one_change(app: FastAPI, clients: Clients) -> None:
    headers = bearer(clients.organiser)
    into_world(app, clients.organiser, clients.sme)
    target = user_id(app, clients.sme.email)  # type: ignore[attr-defined]
    start = threading.Barrier(3)
    statuses: list[int] = []

    def send() -> None:
        # No `with`: entering would run the app's lifespan once per thread.
        client = TestClient(app, base_url="https://testserver")
        start.wait()
        response = client.post(f"/api/organiser/accounts/{target}/disable", headers=headers)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409]
    assert len(audits(app, "disable")) == 1
