"""The firm's pages, the account pages and the open missions answer in Dutch for a Dutch
browser (words, dates, countries and the notices made in code) and stay English for an
English one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matchmaker.models import PlacementStatus, RoundStatus
from tests.web.clients import Clients
from tests.web.test_missions import ROUND_ID, open_round, set_round_status
from tests.web.test_sme_applications import water_firm
from tests.web.test_sme_results import store_run

DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


@dataclass(frozen=True)
class Shown:
    """What a page says in Dutch and, instead, in English."""

    dutch: tuple[str, ...]
    english: tuple[str, ...]


def _in_language(client: TestClient, url: str, headers: dict[str, str]) -> str:
    page = client.get(url, headers=headers)
    assert page.status_code == 200, (url, page.status_code)
    return page.text


def _check(client: TestClient, url: str, shown: Shown) -> None:
    dutch = _in_language(client, url, DUTCH)
    assert '<html lang="nl">' in dutch, url
    for phrase in shown.dutch:
        assert phrase in dutch, (url, phrase)
    for phrase in shown.english:
        assert phrase not in dutch, (url, phrase)
    english = _in_language(client, url, ENGLISH)
    assert '<html lang="en">' in english, url
    for phrase in shown.english:
        assert phrase in english, (url, phrase)
    for phrase in shown.dutch:
        assert phrase not in english, (url, phrase)


@pytest.fixture
def placed_firm(app: FastAPI, clients: Clients) -> tuple[TestClient, int, dict[str, int]]:
    """The SME's water firm, applied to Hamburg (placed there) and to the Hannover fair, in
    a published round; with the placement's id and the missions' ids."""
    ids = open_round(app)
    sme = clients.sme
    firm = water_firm(sme)
    hamburg = sme.post(
        "/api/sme/applications",
        json={"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": firm["case_id"]},
    ).json()["id"]
    placements = store_run(app, {hamburg: {"status": PlacementStatus.placed, "score": 1175}})
    set_round_status(app, ROUND_ID, RoundStatus.published)
    return sme, placements[hamburg], ids


def test_the_firms_pages_answer_in_dutch_and_in_english(placed_firm) -> None:
    sme, placement_id, _ = placed_firm
    pages = {
        "/sme": Shown(
            ("Bedrijfsprofiel", "Exportscan", "medewerkers."),
            ("Firm profile", "Readiness scan", "employees."),
        ),
        "/sme/firm": Shown(
            ("KvK-nummer", "Medewerkers", "in de doelgroep van 5 tot 100 mensen", "Duitsland"),
            ("KvK number", "Employees", "in the target group of 5 to 100 people"),
        ),
        "/sme/applications": Shown(
            ("Aanmeldingen", "Status en uitslag", "Uw plaats", "11 mei 2027"),
            ("Status and result", "Your place", "11 May 2027"),
        ),
        "/sme/placements": Shown(
            ("Mijn plaatsen op missies", "Uitslag", "11 mei 2027 – 13 mei 2027"),
            ("My places on missions", "Your choice", "11 May 2027 – 13 May 2027"),
        ),
        f"/sme/placements/{placement_id}": Shown(
            ("Uw uitslag", "Uw voorkeur", "· zakelijke missie ·"),
            ("Your result", "Your choice", "· business mission ·"),
        ),
        "/sme/cases": Shown(
            ("Schrijf een business case", "Samenvatting", "intentieverklaring", "Duitsland"),
            ("Write a business case", "Summary", "letter of intent", "Germany"),
        ),
        "/sme/readiness": Shown(
            ("Elf korte vragen", "Bekijk het advies", "Focuslanden van Noord-Nederland"),
            ("Eleven short questions", "See the recommendation", "All countries"),
        ),
    }
    for url, shown in pages.items():
        _check(sme, url, shown)


def test_the_notices_made_in_code_follow_the_language(placed_firm) -> None:
    sme, _, _ = placed_firm
    _check(
        sme,
        "/sme/applications?notice=withdrawn",
        Shown(("Aanmelding ingetrokken.",), ("Application withdrawn.",)),
    )
    _check(
        sme,
        "/sme/cases?notice=case_saved",
        Shown(
            ("Business case opgeslagen. De organisator moet hem nog controleren.",),
            ("Business case saved. It waits for the organiser to verify it.",),
        ),
    )


def test_the_login_and_register_pages_answer_in_dutch_and_in_english(
    anonymous: TestClient,
) -> None:
    _check(
        anonymous,
        "/login",
        Shown(("Wachtwoord vergeten?", "Nog geen account?"), ("Forgot your password?",)),
    )
    _check(
        anonymous,
        "/login?registered=1",
        Shown(("Dank u. Was dit e-mailadres nieuw",), ("Thank you. If this e-mail address",)),
    )
    _check(
        anonymous,
        "/register",
        Shown(
            ("Registreer uw bedrijf", "Wachtwoord (10 tekens of meer)", "Account aanmaken"),
            ("Register your firm", "Password (10 characters or more)", "Create account"),
        ),
    )
    _check(
        anonymous,
        "/password/forgot",
        Shown(("Stuur mij een link", "Terug naar inloggen"), ("Send me a link", "Back to log in")),
    )


def test_the_open_missions_answer_in_dutch_and_in_english(
    app: FastAPI, anonymous: TestClient
) -> None:
    ids = open_round(app)
    _check(
        anonymous,
        "/missions",
        Shown(
            ("Missies filteren", "Open missies", "Polen", "20 september 2027", "promotie"),
            ("Filter the missions", "Open missions", "Poland", "20 September 2027"),
        ),
    )
    _check(
        anonymous,
        "/missions?country=PL",
        Shown(("1 missie past bij de filters.",), ("1 mission match the filters.",)),
    )
    _check(
        anonymous,
        f"/missions/{ids['M-HAM-WATER']}",
        Shown(
            ("Een zakelijke missie is voor bedrijven", "Aanmelden", "handelsmissie"),
            ("A business mission is for firms", "Log in</a> or", "trade mission"),
        ),
    )
