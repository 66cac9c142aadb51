"""Test clients that register and log in as an SME, an organiser or a branch organisation."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from matchmaker import csrf as csrf_tokens
from matchmaker.models import Organisation, Role
from matchmaker.services import invitations

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def csrf(client: TestClient) -> str:
    """The CSRF token this client's pages carry: bound to its session once logged in, to
    the nonce cookie a page sets before (fetched here when it has neither)."""
    cookies = _sent_cookies(client)
    if not (cookies.get("mm_session") or cookies.get("mm_csrf")):
        client.get("/login")
        cookies = _sent_cookies(client)
        assert cookies.get("mm_csrf"), "pages set the CSRF nonce cookie"
    token = csrf_tokens.token_of(client.app.state.settings.secret(), cookies)  # type: ignore[attr-defined]
    assert token is not None
    return token


def _sent_cookies(client: TestClient) -> dict[str, str]:
    """The cookies as the server reads them (of a name set twice, the last one)."""
    return {cookie.name: cookie.value or "" for cookie in client.cookies.jar}


def post_form(
    client: TestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    """POST a form as a browser does: with the CSRF token, without following redirects."""
    fields = {"csrf_token": csrf(client), **(data or {})}
    return client.post(url, data=fields, follow_redirects=False, **kwargs)


def register(
    client: TestClient,
    role: str,
    *,
    email: str | None = None,
    organisation: str = "KvK Noord-Nederland",
) -> str:
    """A new account of this role, logged in on this client; its email.

    An SME registers through the form and logs in, as a person does. An organiser or a
    branch organisation gets, as the operator's command gives it, an invitation into a new
    organisation of that name (one per call, so two such clients never share one), and
    accepts it through the invitation page, which logs it in.
    """
    email = email or f"{role}{next(_numbers)}@example.nl"
    if role == "sme":
        response = post_form(client, "/register", {"email": email, "password": PASSWORD})
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/login?registered=1"
        response = post_form(client, "/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 303, response.text
        return email
    link = invite(client.app, role, email=email, organisation=organisation)  # type: ignore[arg-type]
    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": PASSWORD})
    assert response.status_code == 303, response.text
    return email


def invite(app: FastAPI, role: str, *, email: str, organisation: str) -> str:
    """The path of a one-time invitation link into a new organisation of this name."""
    return invite_on(app.state.engine, role, email=email, organisation=organisation)


def invite_on(engine: Engine, role: str, *, email: str, organisation: str) -> str:
    """The same on a database's engine (a live server's, say)."""
    with Session(engine) as session:
        created = new_organisation(session, role, organisation)
        invitation = invitations.create_invitation(
            session=session, actor=None, organisation=created, role=Role(role), email=email
        )
    return invitation.path()


def new_organisation(session: Session, role: str, name: str) -> Organisation:
    organisation = Organisation(name=name, kind=invitations.KIND_OF_ROLE[Role(role)])
    session.add(organisation)
    session.flush()
    return organisation


class Browser(TestClient):
    """A test client that behaves as the site's pages do: a JSON API write made with the
    session cookie carries the page's CSRF token in the X-CSRF-Token header (a client that
    sends its own header, or a bearer token, is left as it is)."""

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        headers = dict(kwargs.pop("headers", None) or {})
        names = {name.lower() for name in headers}
        if (
            method.upper() not in csrf_tokens.SAFE_METHODS
            and str(url).startswith("/api/")
            and not names & {"x-csrf-token", "authorization"}
            and _sent_cookies(self).get("mm_session")
        ):
            headers[csrf_tokens.HEADER] = csrf(self)
        return super().request(method, url, headers=headers or None, **kwargs)


class Clients:
    """A logged-in client per role, created on first use (each its own browser)."""

    def __init__(self, app: FastAPI):
        self.app = app
        self._made: dict[str, TestClient] = {}

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self._made.values():
            client.__exit__(None, None, None)  # ends the app's lifespan: its job runner stops

    def new(self, role: str, name: str | None = None, **kwargs: Any) -> TestClient:
        client = Browser(self.app, base_url="https://testserver")
        client.__enter__()
        client.email = register(client, role, **kwargs)  # type: ignore[attr-defined]
        self._made[name or f"{role}-{len(self._made)}"] = client
        return client

    def new_anonymous(self) -> TestClient:
        """A client that is not logged in (closed with the others)."""
        client = Browser(self.app, base_url="https://testserver")
        client.__enter__()
        self._made[f"anonymous-{len(self._made)}"] = client
        return client

    def get(self, name: str) -> TestClient:
        if name not in self._made:
            role = name.split("-")[0]
            client = self.new(role, name)
            return client
        return self._made[name]

    @property
    def sme(self) -> TestClient:
        return self.get("sme")

    @property
    def organiser(self) -> TestClient:
        return self.get("organiser")

    @property
    def branch_org(self) -> TestClient:
        return self.get("branch_org")


def into_world(app: FastAPI, organiser: TestClient, sme: TestClient) -> int:
    """Bring the SME's firm into the organiser's organisation's world, as importing a round
    with that firm does: a firm of its own first if it has none, then a place among the firms
    of a round of that organisation. The firm's id."""
    from matchmaker.models import Round, RoundFirm, User
    from tests.web.test_sme_firm import register_firm

    firm = sme.get("/api/sme/firm")
    firm_id = firm.json()["id"] if firm.status_code == 200 else register_firm(sme)["id"]
    with Session(app.state.engine) as session:
        owner = session.exec(
            select(User).where(User.email == organiser.email)  # type: ignore[attr-defined]
        ).one()
        round_id = f"world-of-{owner.organisation_id}"
        if session.get(Round, round_id) is None:
            session.add(
                Round(id=round_id, name="Their world", organisation_id=owner.organisation_id)
            )
            session.flush()
        session.add(RoundFirm(round_id=round_id, firm_id=firm_id, external_id=f"F{firm_id}"))
        session.commit()
    return firm_id


def branch_into_world(app: FastAPI, organiser: TestClient, branch: TestClient) -> None:
    """Bring the branch organisation into the organiser's world, as inviting it does (an
    invitation of the organiser for someone of that branch organisation)."""
    from matchmaker.models import User

    with Session(app.state.engine) as session:
        inviter = session.exec(select(User).where(User.email == organiser.email)).one()  # type: ignore[attr-defined]
        member = session.exec(select(User).where(User.email == branch.email)).one()  # type: ignore[attr-defined]
        organisation = session.get(Organisation, member.organisation_id)
        assert organisation is not None
        invitations.create_invitation(
            session=session,
            actor=inviter,
            organisation=organisation,
            role=Role.branch_org,
            email=f"colleague-{next(_numbers)}@example.nl",
        )
