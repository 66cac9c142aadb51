"""Nobody makes themselves an organiser: registration makes SMEs only and answers alike for a
known address; organiser and branch organisation accounts come from one-time invitations."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select, update

from matchmaker.models import AuditLog, Invitation, Organisation, OutboxMessage, User
from matchmaker.services import accounts, invitations
from tests.web.clients import PASSWORD, Browser, Clients, csrf, post_form


def anonymous(app: FastAPI) -> TestClient:
    return Browser(app, base_url="https://testserver")


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> int:
    return post_form(client, "/login", {"email": email, "password": password}).status_code


def without_tokens(text: str) -> str:
    """A page with its per-browser CSRF token blanked out."""
    text = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', text)
    return re.sub(r'name="csrf-token" content="[^"]*"', 'name="csrf-token" content=""', text)


def count(app: FastAPI, table: type) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def me(client: TestClient) -> dict:
    response = client.get("/api/me")
    assert response.status_code == 200, response.text
    return response.json()


# --------------------------------------------------------------------------- registration


def test_registering_as_an_organiser_makes_an_sme_and_no_organisation(app: FastAPI) -> None:
    client = anonymous(app)
    page = client.get("/register")
    assert 'name="role"' not in page.text and 'name="organisation"' not in page.text
    before = count(app, Organisation)
    response = post_form(
        client,
        "/register",
        {
            "email": "boss@example.nl",
            "password": PASSWORD,
            "role": "organiser",
            "organisation": "My very own chamber",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/login?registered=1"
    assert "mm_session" not in client.cookies  # logs in like anyone else, below
    assert log_in(client, "boss@example.nl") == 303
    account = me(client)
    assert (account["role"], account["organisation_id"]) == ("sme", None)
    assert count(app, Organisation) == before
    assert client.get("/organiser", follow_redirects=False).status_code == 403


def test_registration_answers_alike_for_a_known_and_a_new_address(
    app: FastAPI, clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    organiser = clients.organiser.email  # type: ignore[attr-defined]
    hashed: list[str] = []
    real_hash = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda p: hashed.append(p) or real_hash(p))

    def register(email: str, password: str) -> tuple[int, dict, str, str]:
        client = anonymous(app)
        response = post_form(client, "/register", {"email": email, "password": password})
        headers = {k: v for k, v in response.headers.items() if k not in ("set-cookie", "date")}
        followed = client.get(response.headers["location"])
        assert followed.status_code == 200
        return response.status_code, headers, response.text, without_tokens(followed.text)

    new = register("brand-new@example.nl", PASSWORD)
    known = register(organiser.upper(), "another password entirely")
    again = register("brand-new@example.nl", "a third password here")
    assert new == known == again
    assert "If this e-mail address was new, your account is ready" in new[3]
    assert "exists" not in new[3]
    assert hashed == [PASSWORD, "another password entirely", "a third password here"]
    # The known accounts are as they were: their own passwords still work, the new ones not.
    assert log_in(anonymous(app), organiser, "another password entirely") == 400
    assert log_in(anonymous(app), organiser) == 303
    assert log_in(anonymous(app), "brand-new@example.nl", "a third password here") == 400
    assert log_in(anonymous(app), "brand-new@example.nl") == 303
    with Session(app.state.engine) as session:
        actions = session.exec(
            select(AuditLog.action, AuditLog.actor_user_id)
            .where(col(AuditLog.action).startswith("register"))
            .order_by(col(AuditLog.id))
        ).all()
    assert [a for a, _ in actions] == ["register", "register_existing", "register_existing"]
    assert actions[1][1] is None


def test_invalid_registration_names_the_field_and_writes_nothing(app: FastAPI) -> None:
    before = count(app, User), count(app, AuditLog)
    client = anonymous(app)
    bad_email = post_form(client, "/register", {"email": "nobody", "password": PASSWORD})
    assert bad_email.status_code == 400 and "enter a valid email address" in bad_email.text
    short = post_form(client, "/register", {"email": "a@b.nl", "password": "short"})
    assert short.status_code == 400 and "10 to 200 characters" in short.text
    assert (count(app, User), count(app, AuditLog)) == before


# --------------------------------------------------------------------------- invitations


def invite_on_page(organiser: TestClient, **fields: str) -> str:
    """Invite through the organiser's page; the link's path, shown once."""
    response = post_form(organiser, "/organiser/invitations", fields)
    assert response.status_code == 200, response.text
    assert "pass this link on" in response.text
    found = re.search(
        r'<code id="invitation-link">https://testserver(/invitations/[^<]+)</code>', response.text
    )
    assert found, response.text
    return found.group(1)


def test_an_organiser_invites_a_colleague_who_chooses_a_password(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    link = invite_on_page(organiser, email="Collega@KvK.nl", role="organiser")
    listed = organiser.get("/organiser/invitations")
    assert "collega@kvk.nl" in listed.text and link not in listed.text  # shown only once
    with Session(app.state.engine) as session:
        stored = session.exec(select(Invitation).where(Invitation.email == "collega@kvk.nl")).one()
        assert stored.token_hash == accounts._digest(link.rsplit("/", 1)[1])
        assert stored.expires_at - stored.created_at == timedelta(days=7)
        # The link is mailed to the colleague too, in the invitation's own transaction.
        (mail,) = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation"))
        assert mail.to_address == "collega@kvk.nl" and "Invitation" in mail.subject
        assert "https://testserver" + link in mail.body

    colleague = anonymous(app)
    form = colleague.get(link)
    assert form.status_code == 200
    assert 'value="collega@kvk.nl" readonly' in form.text
    accepted = post_form(colleague, link, {"password": PASSWORD, "email": "other@evil.nl"})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/organiser"
    account = me(colleague)
    assert (account["email"], account["role"]) == ("collega@kvk.nl", "organiser")
    assert account["organisation_id"] == me(organiser)["organisation_id"]
    assert "collega@kvk.nl" not in organiser.get("/organiser/invitations").text  # not open

    # Once only: the used link answers the same 404 as an unknown one.
    unknown = "/invitations/" + "x" * 43
    assert colleague.get(link).status_code == 404
    used = anonymous(app).get(link)
    assert used.status_code == 404 and "cannot be used" in used.text
    assert without_tokens(used.text) == without_tokens(anonymous(app).get(unknown).text)
    assert post_form(anonymous(app), link, {"password": PASSWORD}).status_code == 404
    assert count(app, User) == 2


def test_expired_and_revoked_links_answer_like_unknown_ones(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    expired = invite_on_page(organiser, email="late@kvk.nl")
    revoked = invite_on_page(organiser, email="withdrawn@kvk.nl")
    with Session(app.state.engine) as session:
        session.exec(
            update(Invitation)
            .where(col(Invitation.email) == "late@kvk.nl")
            .values(expires_at=invitations._now() - timedelta(seconds=1))
        )
        session.commit()
        revoked_id = session.exec(
            select(Invitation.id).where(Invitation.email == "withdrawn@kvk.nl")
        ).one()
    response = post_form(organiser, f"/organiser/invitations/{revoked_id}/revoke")
    assert response.status_code == 303
    assert "withdrawn" in organiser.get(response.headers["location"]).text
    again = post_form(organiser, f"/organiser/invitations/{revoked_id}/revoke")
    assert again.status_code == 409 and "revoked already" in again.text
    listed = organiser.get("/api/organiser/invitations").json()
    assert listed == []

    unknown = without_tokens(anonymous(app).get("/invitations/unknown-token").text)
    for link in (expired, revoked):
        page = anonymous(app).get(link)
        assert page.status_code == 404
        assert without_tokens(page.text) == unknown
        assert post_form(anonymous(app), link, {"password": PASSWORD}).status_code == 404
        api = anonymous(app).post(f"/api{link}/accept", json={"password": PASSWORD})
        assert api.status_code == 404 and api.json() == {"detail": "no usable invitation"}
    assert count(app, User) == 1


def test_another_organisation_cannot_see_or_revoke_an_invitation(
    app: FastAPI, clients: Clients
) -> None:
    a, b = clients.new("organiser", "organiser-a"), clients.new("organiser", "organiser-b")
    created = a.post("/api/organiser/invitations", json={"email": "c@a.nl", "role": "organiser"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["path"] == f"/invitations/{body['token']}"
    invitation_id = body["id"]
    assert [i["id"] for i in a.get("/api/organiser/invitations").json()] == [invitation_id]
    assert b.get("/api/organiser/invitations").json() == []
    assert "c@a.nl" not in b.get("/organiser/invitations").text
    assert b.post(f"/api/organiser/invitations/{invitation_id}/revoke").status_code == 404
    assert post_form(b, f"/organiser/invitations/{invitation_id}/revoke").status_code == 404
    branch = clients.branch_org
    assert branch.post(f"/api/branch/invitations/{invitation_id}/revoke").status_code == 404
    # Still open: it works for whoever got the link.
    accepted = anonymous(app).post(f"/api{body['path']}/accept", json={"password": PASSWORD})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["organisation_id"] == me(a)["organisation_id"]


def test_branch_organisations_are_invited_by_an_organiser_and_invite_colleagues(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    before = count(app, Organisation)
    nameless = organiser.post(
        "/api/organiser/invitations", json={"email": "w@wind.nl", "role": "branch_org"}
    )
    assert nameless.status_code == 422
    assert nameless.json()["detail"][0]["loc"] == ["body", "organisation"]
    assert count(app, Organisation) == before
    made = organiser.post(
        "/api/organiser/invitations",
        json={"email": "w@wind.nl", "role": "branch_org", "organisation": "Wind NL"},
    )
    assert made.status_code == 201, made.text
    assert made.json()["organisation"] == "Wind NL"
    wind = anonymous(app)
    assert post_form(wind, made.json()["path"], {"password": PASSWORD}).status_code == 303
    account = me(wind)
    assert account["role"] == "branch_org"
    with Session(app.state.engine) as session:
        organisation = session.get(Organisation, account["organisation_id"])
        assert organisation is not None
        assert (organisation.name, organisation.kind) == ("Wind NL", "branch_org")

    # The branch organisation invites its own colleagues, never an organiser.
    refused = wind.post("/api/branch/invitations", json={"email": "x@y.nl", "role": "organiser"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "role"]
    page = post_form(wind, "/branch/invitations", {"email": "collega@wind.nl"})
    assert page.status_code == 200
    link = re.search(r"https://testserver(/invitations/[^<]+)</code>", page.text)
    assert link
    colleague = anonymous(app)
    assert post_form(colleague, link.group(1), {"password": PASSWORD}).status_code == 303
    assert me(colleague)["role"] == "branch_org"
    assert me(colleague)["organisation_id"] == account["organisation_id"]
    # The organiser's own organisation gets no branch accounts, and its list shows neither.
    assert organiser.get("/api/organiser/invitations").json() == []
    assert clients.sme.get("/api/branch/invitations").status_code == 403


def test_bad_invitations_name_the_field_and_write_nothing(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    before = count(app, Invitation), count(app, Organisation), count(app, AuditLog)
    page = post_form(organiser, "/organiser/invitations", {"email": "not-an-address"})
    assert page.status_code == 400 and "enter a valid email address" in page.text
    api = organiser.post("/api/organiser/invitations", json={"email": "x", "role": "organiser"})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "email"]
    named = organiser.post(
        "/api/organiser/invitations",
        json={"email": "bad", "role": "branch_org", "organisation": "Fresh"},
    )
    assert named.status_code == 422
    assert (count(app, Invitation), count(app, Organisation), count(app, AuditLog)) == before


def test_an_address_with_an_account_keeps_the_link_open(app: FastAPI, clients: Clients) -> None:
    sme_email = clients.sme.email  # type: ignore[attr-defined]
    link = invite_on_page(clients.organiser, email=sme_email)
    refused = post_form(anonymous(app), link, {"password": PASSWORD})
    assert refused.status_code == 409 and "exists already" in refused.text
    assert anonymous(app).get(link).status_code == 200
    api = anonymous(app).post(f"/api{link}/accept", json={"password": PASSWORD})
    assert api.status_code == 409
    short = post_form(anonymous(app), link, {"password": "short"})
    assert short.status_code == 400 and "10 to 200 characters" in short.text
    assert me(clients.sme)["role"] == "sme"


def test_two_acceptances_at_once_make_one_account(app: FastAPI, clients: Clients) -> None:
    link = invite_on_page(clients.organiser, email="race@kvk.nl")
    token = link.rsplit("/", 1)[1]
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def accept() -> None:
        with Session(app.state.engine) as session:
            barrier.wait()
            try:
                invitations.accept(session=session, token=token, password=PASSWORD)
                outcomes.append("made")
            except invitations.InvitationUnusable:
                outcomes.append("used")

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["made", "used", "used", "used"]
    with Session(app.state.engine) as session:
        assert session.exec(select(func.count()).where(User.email == "race@kvk.nl")).one() == 1
        rows = session.exec(select(AuditLog).where(AuditLog.action == "accept_invitation")).all()
        assert [row.after["email"] for row in rows if row.after].count("race@kvk.nl") == 1


def test_the_invitations_page_says_no_mail_is_sent_and_the_link_is_shown_once(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    page = organiser.get("/organiser/invitations")
    assert page.status_code == 200 and "No open invitations" in page.text
    response = post_form(organiser, "/organiser/invitations", {"email": "n@kvk.nl"})
    assert "sends no e-mail yet" in response.text and "only now" in response.text
    assert csrf(organiser)
