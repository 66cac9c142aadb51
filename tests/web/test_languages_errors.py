"""Refusals and form errors a person reads are in the page's language: a peer's object
(404), a service's refusal on a form, FastAPI's validation of a form field, and the body
guard's refusal. In English they read as they always did."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from matchmaker import i18n
from matchmaker.services.errors import NotFound
from tests.web.clients import Clients, post_form
from tests.web.test_organiser_builders import import_round, scenario
from tests.web.test_sme_firm import FIRM

DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9"}
ENGLISH = {"Accept-Language": "en"}


def test_not_found_says_the_kind_of_object_in_the_language() -> None:
    with i18n.language("en"):
        assert str(NotFound("round", "r-1")) == "round 'r-1' not found"
        assert str(NotFound("meeting day of mission", 7)) == "meeting day of mission 7 not found"
        assert str(NotFound("something else", 3)) == "something else 3 not found"
    with i18n.language("nl"):
        assert str(NotFound("round", "r-1")) == "ronde 'r-1' niet gevonden"
        assert str(NotFound("placement", 4)) == "plaats 4 niet gevonden"


def test_a_peers_round_answers_404_in_dutch(clients: Clients, app: FastAPI) -> None:
    round_id = import_round(app, clients.organiser, scenario())
    other = clients.new("organiser", organisation="Exportclub Drenthe")
    url = f"/organiser/rounds/{round_id}/dashboard"
    dutch = other.get(url, headers=DUTCH)
    assert dutch.status_code == 404
    assert '<html lang="nl">' in dutch.text
    assert f"ronde &#39;{round_id}&#39; niet gevonden" in dutch.text
    assert "not found" not in dutch.text
    english = other.get(url, headers=ENGLISH)
    assert english.status_code == 404
    assert f"round &#39;{round_id}&#39; not found" in english.text
    # The JSON API answers in English unless asked otherwise.
    api = other.get(f"/api/organiser/rounds/{round_id}/dashboard")
    assert api.status_code == 404 and api.json()["detail"] == f"round {round_id!r} not found"


def test_a_refused_firm_form_names_its_problems_in_dutch(clients: Clients) -> None:
    sme = clients.sme
    too_long = {**FIRM, "name": "W" * 1000, "employees": "-3"}
    dutch = post_form(sme, "/sme/firm", too_long, headers=DUTCH)
    assert dutch.status_code == 400
    assert '<html lang="nl">' in dutch.text
    assert "de naam van het bedrijf heeft ten hoogste" in dutch.text
    assert "has at most" not in dutch.text
    english = post_form(sme, "/sme/firm", too_long, headers=ENGLISH)
    assert english.status_code == 400
    assert "the firm&#39;s name has at most" in english.text
    assert "ten hoogste" not in english.text


def test_a_validation_error_page_is_dutch(anonymous: TestClient) -> None:
    dutch = post_form(anonymous, "/language", {"language": "de"}, headers=DUTCH)
    assert dutch.status_code == 422
    assert '<html lang="nl">' in dutch.text
    assert "language: Kies &#39;nl&#39; of &#39;en&#39;" in dutch.text  # the path stays
    assert "Input should be" not in dutch.text
    english = post_form(anonymous, "/language", {"language": "de"}, headers=ENGLISH)
    assert english.status_code == 422
    assert "language: Input should be &#39;nl&#39; or &#39;en&#39;" in english.text


def test_the_body_guards_refusal_is_dutch(anonymous: TestClient) -> None:
    json_body = b'{"language": "nl"}'
    sent_as = {"content-type": "application/json"}
    dutch = anonymous.post("/language", content=json_body, headers={**sent_as, **DUTCH})
    assert dutch.status_code == 415
    assert '<html lang="nl">' in dutch.text
    assert "stuur de inhoud als application/x-www-form-urlencoded, niet als" in dutch.text
    assert "send the body" not in dutch.text
    english = anonymous.post("/language", content=json_body, headers={**sent_as, **ENGLISH})
    assert english.status_code == 415
    assert "send the body as application/x-www-form-urlencoded, not application/json" in (
        english.text
    )
