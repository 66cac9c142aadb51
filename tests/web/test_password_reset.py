"""A forgotten password: the link arrives by e-mail (a real SMTP server), works once and for
an hour, says nothing about who is registered, and ends every session of the account."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from matchmaker.main import create_app
from matchmaker.models import AuditLog, OutboxMessage, PasswordReset
from matchmaker.models.common import utcnow
from matchmaker.services import password_resets
from matchmaker.services.password_resets import ResetLinkUnusable
from matchmaker.settings import Settings
from tests.smtp_server import Inbox, link_in
from tests.web.clients import PASSWORD, Browser, post_form, register

NEW_PASSWORD = "een-nieuw-wachtwoord-2027"


@pytest.fixture
def mail_app(database_url: str, smtp: tuple[Inbox, str], tmp_path: Path) -> Iterator[FastAPI]:
    """The app delivering its mail to the test SMTP server."""
    settings = Settings(
        database_url=database_url,
        environment="test",
        secret_key="t" * 48,
        smtp_url=smtp[1],
        mail_from="KvK Noord <missies@kvk-noord.example>",
        public_url="https://matchmaker.kvk-noord.example",
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


def _browser(app: FastAPI) -> Browser:
    client = Browser(app, base_url="https://testserver")
    client.__enter__()
    return client


def _logged_in(client: TestClient) -> bool:
    return client.get("/sme/firm", follow_redirects=False).status_code == 200


def test_a_reset_link_by_mail_sets_the_password_once_and_ends_every_session(
    mail_app: FastAPI, smtp: tuple[Inbox, str]
) -> None:
    inbox, _ = smtp
    laptop, phone, stranger = _browser(mail_app), _browser(mail_app), _browser(mail_app)
    try:
        email = register(laptop, "sme")
        assert post_form(phone, "/login", {"email": email, "password": PASSWORD}).status_code == 303
        assert _logged_in(laptop) and _logged_in(phone)

        asked = post_form(stranger, "/password/forgot", {"email": email.upper()})
        unknown = post_form(stranger, "/password/forgot", {"email": "nobody@example.nl"})
        assert asked.status_code == unknown.status_code == 200
        assert "a link to choose a new password is on its way" in asked.text
        assert asked.text.count("on its way") == unknown.text.count("on its way") == 1

        (mail,) = inbox.wait_for(1)
        assert mail["To"] == email and "New password" in mail["Subject"]
        link = link_in(mail, "/password/reset/")
        assert (
            "https://matchmaker.kvk-noord.example/password/reset/"
            in mail.get_payload(decode=True).decode()
        )

        form = stranger.get(link)
        assert form.status_code == 200 and email in form.text
        short = post_form(stranger, link, {"password": "kort"})
        assert short.status_code == 400 and "10 to 200 characters" in short.text
        saved = post_form(stranger, link, {"password": NEW_PASSWORD})
        assert saved.status_code == 303 and saved.headers["location"] == "/login?reset=1"
        assert "new password is saved" in stranger.get("/login?reset=1").text

        assert not _logged_in(laptop) and not _logged_in(phone)
        old = post_form(stranger, "/login", {"email": email, "password": PASSWORD})
        assert old.status_code == 400
        new = post_form(stranger, "/login", {"email": email, "password": NEW_PASSWORD})
        assert new.status_code == 303

        again = post_form(_browser(mail_app), link, {"password": "nog-een-wachtwoord-99"})
        assert again.status_code == 404
        assert stranger.get(link).status_code == 404
    finally:
        for client in (laptop, phone, stranger):
            client.__exit__(None, None, None)
    with Session(mail_app.state.engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).order_by(col(AuditLog.id)))]
        assert actions.count("password.reset_requested") == 1
        assert actions.count("password.reset") == 1
    assert len(inbox.messages) == 1  # the unknown address got nothing


def test_an_expired_link_and_a_made_up_link_answer_404(
    mail_app: FastAPI, smtp: tuple[Inbox, str]
) -> None:
    inbox, _ = smtp
    client = _browser(mail_app)
    try:
        email = register(client, "sme")
        post_form(client, "/password/forgot", {"email": email})
        link = link_in(inbox.wait_for(1)[0], "/password/reset/")
        with Session(mail_app.state.engine) as session:
            session.exec(  # type: ignore[call-overload]
                update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1))
            )
            session.commit()
        assert client.get(link).status_code == 404
        refused = post_form(client, link, {"password": NEW_PASSWORD})
        assert refused.status_code == 404 and "used or has expired" in refused.text
        assert client.get("/password/reset/made-up-token").status_code == 404
    finally:
        client.__exit__(None, None, None)


def test_an_account_gets_at_most_three_links_an_hour(
    mail_app: FastAPI, smtp: tuple[Inbox, str]
) -> None:
    client = _browser(mail_app)
    try:
        email = register(client, "sme")
        for _ in range(5):
            assert post_form(client, "/password/forgot", {"email": email}).status_code == 200
    finally:
        client.__exit__(None, None, None)
    with Session(mail_app.state.engine) as session:
        assert len(session.exec(select(PasswordReset)).all()) == 3
        kinds = [m.kind for m in session.exec(select(OutboxMessage))]
        assert kinds == ["password.reset"] * password_resets.MAX_LINKS_PER_HOUR


def test_two_uses_of_one_link_at_once_set_one_password(
    mail_app: FastAPI, smtp: tuple[Inbox, str]
) -> None:
    inbox, _ = smtp
    client = _browser(mail_app)
    try:
        email = register(client, "sme")
        post_form(client, "/password/forgot", {"email": email})
        token = link_in(inbox.wait_for(1)[0], "/password/reset/").rsplit("/", 1)[1]
    finally:
        client.__exit__(None, None, None)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def use(password: str) -> None:
        with Session(mail_app.state.engine) as session:
            start.wait()
            try:
                password_resets.reset_password(session=session, token=token, password=password)
                outcomes.append("saved")
            except ResetLinkUnusable:
                outcomes.append("used")

    threads = [
        threading.Thread(target=use, args=(password,))
        for password in ("eerste-wachtwoord-1", "tweede-wachtwoord-2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["saved", "used"]
