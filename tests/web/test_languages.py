"""Pages answer in Dutch or English: the user's saved choice, the switch's cookie, the
browser's Accept-Language, then MATCHMAKER_DEFAULT_LANGUAGE; `<html lang>` follows."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker.main import create_app
from matchmaker.models import User
from matchmaker.settings import Settings
from matchmaker.web.language_choice import choose, from_accept_language
from tests.web.clients import Clients, post_form, register


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("en-GB,en;q=0.9,nl;q=0.8", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,nl;q=0.7", "nl"),
        ("fr, en;q=0", None),
        ("nl;q=abc", None),
        ("", None),
        (None, None),
        ("x" * 10_000, None),
    ],
)
def test_the_browsers_language_is_read_by_preference(header, language):
    assert from_accept_language(header) == language


def test_the_saved_choice_comes_before_the_cookie_the_browser_and_the_default():
    assert choose(saved="en", cookie="nl", accept_language="nl", default="nl") == "en"
    assert choose(saved=None, cookie="en", accept_language="nl", default="nl") == "en"
    assert choose(saved=None, cookie="xx", accept_language="en", default="nl") == "en"
    assert choose(saved=None, cookie=None, accept_language="de", default="nl") == "nl"


def test_accept_language_nl_answers_in_dutch(anonymous: TestClient):
    page = anonymous.get("/", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert "Inloggen" in page.text and ">Log in<" not in page.text
    assert page.headers["content-language"] == "nl"
    assert "accept-language" in page.headers["vary"].lower()
    english = anonymous.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in english.text and ">Log in<" in english.text


def test_the_default_language_is_dutch(database_url: str, tmp_path: Path):
    settings = Settings(
        database_url=database_url,
        environment="test",
        secret_key="t" * 48,
        default_language="nl",
    )
    app = create_app(settings)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            page = client.get("/login")
            assert '<html lang="nl">' in page.text and "Hoofdmenu" in page.text
    finally:
        app.state.engine.dispose()


def test_the_switch_keeps_an_anonymous_choice_in_a_cookie(anonymous: TestClient):
    answer = post_form(anonymous, "/language", {"language": "nl", "next": "/missions?q=1"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/missions?q=1"
    assert "mm_language=nl" in answer.headers["set-cookie"]
    page = anonymous.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in page.text
    # The switch offers the other language, on every page.
    assert 'name="language" value="en"' in page.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_the_switch_does_not_send_the_browser_elsewhere(anonymous: TestClient, target: str):
    answer = post_form(anonymous, "/language", {"language": "en", "next": target})
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_the_switch_refuses_an_unknown_language_by_name(anonymous: TestClient):
    answer = post_form(anonymous, "/language", {"language": "de"})
    assert answer.status_code == 422
    assert "language" in answer.text


def test_the_switch_needs_the_csrf_token(anonymous: TestClient):
    anonymous.get("/login")
    answer = anonymous.post("/language", data={"language": "nl"}, follow_redirects=False)
    assert answer.status_code == 403
    assert "mm_language" not in answer.headers.get("set-cookie", "")


def test_a_logged_in_users_choice_is_saved_and_wins_on_another_browser(app, clients: Clients):
    sme = clients.sme
    assert post_form(sme, "/language", {"language": "nl", "next": "/sme"}).status_code == 303
    with Session(app.state.engine) as session:
        saved = session.exec(select(User).where(User.email == sme.email)).one()  # type: ignore[attr-defined]
        assert saved.language == "nl"
    # Another browser of the same person, whose cookie and Accept-Language say English.
    sme.cookies.set("mm_language", "en")
    page = sme.get("/sme", headers={"Accept-Language": "en"})
    assert '<html lang="nl">' in page.text and "Mijn aanmeldingen" in page.text


def test_error_pages_have_a_title_in_the_readers_language(anonymous: TestClient):
    english = anonymous.get("/no/such/page", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert "<title>Not found · matchmaker</title>" in english.text
    dutch = anonymous.get("/no/such/page", headers={"Accept-Language": "nl"})
    assert "<title>Niet gevonden · matchmaker</title>" in dutch.text
    assert "Terug naar de startpagina" in dutch.text


def test_the_firm_form_names_the_built_in_sectors_in_the_readers_language(clients: Clients):
    sme = clients.new_anonymous()
    register(sme, "sme", email="taal@aquanoord.nl")
    dutch = sme.get("/sme/firm", headers={"Accept-Language": "nl"}).text
    assert '<select name="sector"' in dutch
    assert ">Watertechnologie</option>" in dutch and "Water technology" not in dutch
    english = sme.get("/sme/firm", headers={"Accept-Language": "en"}).text
    assert ">Water technology</option>" in english


def test_the_switch_returns_to_the_page_the_browser_came_from(anonymous: TestClient):
    came_from = {"referer": "https://testserver/missions?country=DE"}
    answer = post_form(anonymous, "/language", {"language": "nl"}, headers=came_from)
    assert answer.headers["location"] == "/missions?country=DE"
    elsewhere = {"referer": "https://evil.example/phish"}
    answer = post_form(anonymous, "/language", {"language": "nl"}, headers=elsewhere)
    assert answer.headers["location"] == "/"


def test_a_firm_that_chose_dutch_before_registering_keeps_it_with_its_account(
    app, anonymous: TestClient
):
    assert post_form(anonymous, "/language", {"language": "nl"}).status_code == 303
    registered = post_form(
        anonymous, "/register", {"email": "nieuw@aquanoord.nl", "password": "correct horse battery"}
    )
    assert registered.status_code == 303
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == "nieuw@aquanoord.nl")).one()
        assert user.language == "nl"  # its e-mail will be Dutch too


def test_a_database_that_cannot_say_the_saved_choice_does_not_break_the_page(
    clients: Clients, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    from matchmaker.services import accounts

    sme = clients.sme

    def busy(**_: object) -> None:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(accounts, "language_of_session", busy)
    page = sme.get("/missions", headers={"Accept-Language": "nl"})
    assert page.status_code == 200 and '<html lang="nl">' in page.text
    assert "content-security-policy" in page.headers
