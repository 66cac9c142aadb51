"""The readiness scan's questions and advice over the API follow the reader's language; the
stored reason stays English, so a scan taken in Dutch reads in English later and vice versa."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session

from matchmaker.models import ReadinessScan
from tests.web.clients import Clients
from tests.web.test_readiness import READY
from tests.web.test_sme_firm import bearer, register_firm

DUTCH = {"Accept-Language": "nl"}


def test_a_scan_taken_in_dutch_is_stored_in_english_and_read_in_either(
    app: FastAPI, clients: Clients
) -> None:
    sme = clients.sme
    headers = bearer(sme)
    register_firm(sme, region="GR", sector="metal")
    questions = sme.get("/api/sme/readiness/questions", headers={**headers, **DUTCH}).json()
    assert questions[0]["text"].startswith("Wil uw bedrijf")
    assert questions[0]["options"][0]["label"] == "Ja, binnen twee jaar"

    answers = {**READY, "target_country": "CN"}
    created = sme.post(
        "/api/sme/readiness", headers={**headers, **DUTCH}, json={"answers": answers}
    )
    assert created.status_code == 201, created.text
    scan = created.json()
    assert scan["track_title"] == "Een zakelijke missie"
    assert "kan in China concurreren" in scan["reason"] and "Your strategy" not in scan["reason"]
    assert scan["referrals"][-1]["offer"] == "Kennis over zakendoen met China."

    with Session(app.state.engine) as session:
        stored = session.get(ReadinessScan, scan["id"])
        assert stored is not None and stored.reason.startswith("Your strategy, organisation")

    english = sme.get(f"/api/sme/readiness/{scan['id']}", headers=headers).json()
    assert english["track_title"] == "A business mission"
    assert english["reason"] == stored.reason
    assert english["referrals"][-1]["offer"] == "Knowledge about doing business with China."


def test_the_scan_result_page_gives_its_advice_in_the_readers_language(
    app: FastAPI, clients: Clients
) -> None:
    sme = clients.sme
    headers = bearer(sme)
    register_firm(sme, region="GR", sector="metal")
    created = sme.post(
        "/api/sme/readiness", headers=headers, json={"answers": {**READY, "target_country": "CN"}}
    )
    assert created.status_code == 201, created.text
    page = f"/sme/readiness/{created.json()['id']}"
    dutch = sme.get(page, headers=DUTCH).text
    assert "kan in China concurreren" in dutch and "Your strategy" not in dutch
    english = sme.get(page, headers={"Accept-Language": "en"}).text
    assert "Your strategy, organisation" in english
