"""A round's application deadline: set on the round page (Amsterdam time) or the API, shown
on the mission list, and applications after it are refused with the moment named."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from matchmaker.models import RoundStatus
from matchmaker.models.common import utcnow
from tests.web.clients import Clients, post_form
from tests.web.test_missions import ROUND_ID, open_round
from tests.web.test_sme_applications import water_firm


def test_a_deadline_set_in_amsterdam_time_shows_and_then_refuses_late_applications(
    app: FastAPI, clients: Clients
) -> None:
    organiser, sme = clients.organiser, clients.sme
    ids = open_round(app, owner=organiser)
    round_url = f"/organiser/rounds/{ROUND_ID}"

    set_on_page = post_form(
        organiser, f"{round_url}/deadline", {"close_date": "2099-03-12", "close_time": "17:00"}
    )
    assert set_on_page.status_code == 303
    assert "until 12 March 2099 at 17:00 (Amsterdam time)" in organiser.get(round_url).text
    stored = organiser.get(f"/api/organiser/rounds/{ROUND_ID}").json()
    assert stored["applications_close_at"].startswith("2099-03-12T16:00:00")  # CET is UTC+1
    assert "apply by 12 March 2099 at 17:00" in sme.get("/missions").text

    case_id = water_firm(sme)["case_id"]
    body = {"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": case_id}
    assert sme.post("/api/sme/applications", json=body).status_code == 201

    past = (utcnow() - timedelta(minutes=1)).isoformat()
    moved = organiser.put(
        f"/api/organiser/rounds/{ROUND_ID}/deadline", json={"applications_close_at": past}
    )
    assert moved.status_code == 200, moved.text
    late = sme.post("/api/sme/applications", json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 2})
    assert late.status_code == 409
    assert "applications for round" in late.json()["detail"]
    assert "closed on" in late.json()["detail"]
    prefs = sme.put(f"/api/sme/rounds/{ROUND_ID}/preferences", json={"choices": []})
    assert prefs.status_code == 409 and "closed on" in prefs.json()["detail"]

    removed = organiser.put(
        f"/api/organiser/rounds/{ROUND_ID}/deadline", json={"applications_close_at": None}
    )
    assert removed.status_code == 200 and removed.json()["applications_close_at"] is None
    again = sme.post(
        "/api/sme/applications", json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 2}
    )
    assert again.status_code == 201, again.text


def test_bad_deadlines_are_named_and_change_nothing(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    open_round(app, owner=organiser)
    url = f"/api/organiser/rounds/{ROUND_ID}/deadline"
    naive = organiser.put(url, json={"applications_close_at": "2099-03-12T17:00:00"})
    assert naive.status_code == 422 and "applications_close_at" in naive.text
    page = post_form(
        organiser, f"/organiser/rounds/{ROUND_ID}/deadline", {"close_date": "12-03-2099"}
    )
    assert page.status_code == 422 and "is not a date (YYYY-MM-DD)" in page.text
    assert (
        organiser.get(f"/api/organiser/rounds/{ROUND_ID}").json()["applications_close_at"] is None
    )


def test_a_published_round_keeps_its_deadline(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    open_round(app, owner=organiser, status=RoundStatus.published)
    refused = organiser.put(
        f"/api/organiser/rounds/{ROUND_ID}/deadline", json={"applications_close_at": None}
    )
    assert refused.status_code == 409 and "published" in refused.json()["detail"]
