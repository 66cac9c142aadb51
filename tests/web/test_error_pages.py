"""Error pages keep the site's navigation: a logged-in person who follows a dead link still
sees their own menu and the logout button, not the anonymous one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.clients import Clients


def test_an_unknown_path_shows_the_logged_in_navigation(clients: Clients) -> None:
    sme = clients.sme
    response = sme.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.text
    assert 'href="/sme">My firm</a>' in response.text
    assert f"Log out ({sme.email})" in response.text  # type: ignore[attr-defined]
    assert 'href="/login"' not in response.text


def test_an_unknown_path_for_an_organiser_and_for_nobody(
    clients: Clients, anonymous: TestClient
) -> None:
    page = clients.organiser.get("/organiser-typo").text
    assert 'href="/organiser">Organiser</a>' in page
    anonymous_page = anonymous.get("/no/such/page")
    assert anonymous_page.status_code == 404
    assert 'href="/login"' in anonymous_page.text and "Log out" not in anonymous_page.text


def test_a_stale_session_cookie_on_an_error_page_is_nobody(clients: Clients) -> None:
    sme = clients.sme
    sme.cookies.clear()
    sme.cookies.set("mm_session", "not-a-session")
    page = sme.get("/no/such/page").text
    assert "Log out" not in page and 'href="/login"' in page
