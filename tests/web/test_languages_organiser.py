"""The organiser's and the branch organisation's pages answer in Dutch when asked
(Accept-Language: nl), and stay English in English (issue 13)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker.models import Mission
from tests.web.clients import Clients
from tests.web.test_placements import published_round
from tests.web.test_runs_support import runner  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("runner")

DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9"}
ENGLISH = {"Accept-Language": "en"}


def both(client: TestClient, url: str) -> tuple[str, str]:
    dutch, english = client.get(url, headers=DUTCH), client.get(url, headers=ENGLISH)
    assert dutch.status_code == english.status_code == 200, url
    assert '<html lang="nl">' in dutch.text, url
    assert '<html lang="en">' in english.text, url
    return dutch.text, english.text


def test_the_organisers_home_round_and_run_pages_speak_dutch(
    clients: Clients, app: FastAPI
) -> None:
    run_id = published_round(app, clients)
    organiser = clients.organiser

    dutch, english = both(organiser, "/organiser")
    assert "Nieuwe ronde" in dutch and "Plaatsen per bedrijf" in dutch
    assert "New round" not in dutch and "Places per firm" not in dutch
    assert ">gepubliceerd<" in dutch
    assert "New round" in english and "Places per firm" in english

    dutch, english = both(organiser, "/organiser/rounds/R1")
    assert "Tijd om op een aanbod te antwoorden" in dutch and "Missies en beurzen" in dutch
    assert "Time to answer an offer" not in dutch and "Missions and fairs" not in dutch
    assert "Time to answer an offer" in english and "Missions and fairs" in english

    dutch, english = both(organiser, f"/organiser/runs/{run_id}")
    assert f"Berekening {run_id}" in dutch and "Indeling per missie" in dutch
    assert "Wachtlijst per missie" in dutch and "Een plaats aanbieden" in dutch
    assert "Roster per mission" not in dutch and "Waiting list per mission" not in dutch
    assert "Roster per mission" in english and "Waiting list per mission" in english
    # The solver's technical detail is folded away, in both languages.
    for page in (dutch, english):
        technical = page.split('<details class="run-technical">')[1].split("</details>")[0]
        assert 'class="result-hash"' in technical and "OR-Tools" in technical
    assert "<summary>Details</summary>" in english

    dutch, english = both(organiser, "/organiser/rounds/R1/runs")
    assert "Berekeningen" in dutch and "Matching runs" not in dutch.split("<main")[-1]
    assert "Matching runs" in english

    dutch, english = both(organiser, "/organiser/rounds/R1/dashboard")
    assert "Overzicht" in dutch and "plaatsen bezet" in dutch
    assert "places taken" not in dutch
    assert "places taken" in english


def test_the_verification_page_speaks_dutch(clients: Clients, app: FastAPI) -> None:
    dutch, english = both(clients.organiser, "/organiser/business-cases")
    assert "Geen business cases om te beoordelen" in dutch
    assert "bedrijven in mijn rondes" in dutch
    assert "firms in my rounds" not in dutch and "No pending business cases" not in dutch
    assert "firms in my rounds" in english and "No pending business cases" in english


def test_the_new_round_form_speaks_dutch(clients: Clients) -> None:
    dutch, english = both(clients.organiser, "/organiser/new-round")
    assert "De ronde aanmaken" in dutch and "Create the round" not in dutch
    assert "Create the round" in english


def test_the_branch_home_and_mission_form_speak_dutch(clients: Clients) -> None:
    branch = clients.branch_org
    dutch, english = both(branch, "/branch")
    assert "Landelijke missies" in dutch and "Uw missies" in dutch
    assert "Your missions" not in dutch and "National missions" not in dutch
    assert "Your missions" in english and "National missions" in english


def test_the_mission_form_and_the_meeting_day_speak_dutch(clients: Clients, app: FastAPI) -> None:
    published_round(app, clients)
    with Session(app.state.engine) as session:
        mission = session.exec(select(Mission).where(Mission.round_id == "R1")).first()
        assert mission is not None
    organiser = clients.organiser

    dutch, english = both(organiser, f"/organiser/missions/{mission.id}/meetings")
    assert "De gespreksdag opzetten" in dutch and "Tijdvakken in de ochtend" in dutch
    assert "Set up the meeting day" not in dutch
    assert "Set up the meeting day" in english

    dutch, english = both(organiser, "/organiser/import")
    assert "Een scenariobestand importeren" in dutch and "Import a scenario file" not in dutch
    assert "Import a scenario file" in english
