"""Results: once a round is published, each application shows where the latest succeeded
matching run left it, with the reason in plain words and a link to the place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlmodel import Session

from matchmaker.models import MatchingRun, Placement, PlacementStatus, RoundStatus, RunState
from tests.web.clients import Clients
from tests.web.test_missions import ROUND_ID, open_round, set_round_status
from tests.web.test_sme_applications import water_firm
from tests.web.test_sme_firm import bearer


def store_run(
    app: FastAPI, outcomes: dict[int, dict[str, Any]], state: RunState = RunState.succeeded
) -> dict[int, int]:
    """A matching run of the test round with a placement per application (what the runs
    service stores); the placement ids by application id."""
    with Session(app.state.engine) as session:
        run = MatchingRun(
            round_id=ROUND_ID,
            state=state,
            input_snapshot={},
            snapshot_sha256="0" * 64,
            ortools_version="test",
        )
        session.add(run)
        session.flush()
        placements = {
            application_id: Placement(run_id=run.id or 0, application_id=application_id, **fields)
            for application_id, fields in outcomes.items()
        }
        session.add_all(placements.values())
        session.commit()
        return {a: p.id or 0 for a, p in placements.items()}


def test_results_appear_with_their_reasons_once_the_round_is_published(
    app: FastAPI, clients: Clients
) -> None:
    ids = open_round(app)
    sme = clients.sme
    headers = bearer(sme)
    firm = water_firm(sme)
    hamburg = sme.post(
        "/api/sme/applications",
        json={"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": firm["case_id"]},
    ).json()["id"]
    fair = sme.post(
        "/api/sme/applications", json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 2}
    ).json()["id"]

    # An older run, and a later one that failed: neither is the one to show.
    store_run(app, {hamburg: {"status": PlacementStatus.unplaced, "reason": "outranked"}})
    placed = store_run(
        app,
        {
            hamburg: {"status": PlacementStatus.placed, "score": 1175},
            fair: {
                "status": PlacementStatus.unplaced,
                "reason": "placed_elsewhere",
                "detail": "the firm already has 1 place(s), the most this round allows: M-HAM",
            },
        },
    )
    store_run(app, {hamburg: {"status": PlacementStatus.unplaced}}, state=RunState.failed)

    set_round_status(app, ROUND_ID, RoundStatus.closed)
    page = sme.get("/sme/applications").text
    assert "the round is closed; the organiser is matching" in page
    assert "/sme/placements/" not in page
    assert sme.get(f"/api/sme/applications/{hamburg}").json()["result"] is None

    set_round_status(app, ROUND_ID, RoundStatus.published)
    page = sme.get("/sme/applications").text
    assert "You have a place on this mission. Accept or decline it." in page
    assert f'href="/sme/placements/{placed[hamburg]}"' in page
    assert "You already have as many places as a firm may get in this round" in page
    assert "You are on the waiting list" in page
    assert f'href="/sme/placements/{placed[fair]}"' not in page

    detail = sme.get(f"/sme/applications/{fair}").text
    # The firm reads the reason in plain words; the engine's detail (with mission codes) is
    # for organisers and programs (the API below).
    assert "You already have as many places as a firm may get in this round" in detail
    assert "M-HAM" not in detail
    assert "Withdraw" not in detail

    result = sme.get(f"/api/sme/applications/{fair}", headers=headers).json()["result"]
    assert result == {
        "placement_id": placed[fair],
        "status": "unplaced",
        "reason": "placed_elsewhere",
        "detail": "the firm already has 1 place(s), the most this round allows: M-HAM",
        "explanation": "You already have as many places as a firm may get in this round, on "
        "another mission you applied to. You are on the waiting list: if a place frees up it "
        "may be offered to you.",
        "waiting_list": True,
        "placement_url": f"/sme/placements/{placed[fair]}",
    }
    listed = sme.get("/api/sme/applications", headers=headers).json()
    assert [(a["id"], a["result"]["status"]) for a in listed] == [
        (hamburg, "placed"),
        (fair, "unplaced"),
    ]


def test_an_ineligible_application_is_not_on_the_waiting_list(
    app: FastAPI, clients: Clients
) -> None:
    ids = open_round(app)
    sme = clients.sme
    firm = water_firm(sme)
    hamburg = sme.post(
        "/api/sme/applications",
        json={"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": firm["case_id"]},
    ).json()["id"]
    store_run(
        app,
        {
            hamburg: {
                "status": PlacementStatus.unplaced,
                "reason": "business_case_unverified",
                "detail": "business case BC1 has not been verified yet",
            }
        },
    )
    set_round_status(app, ROUND_ID, RoundStatus.published)
    result = sme.get(f"/api/sme/applications/{hamburg}").json()["result"]
    assert result["waiting_list"] is False
    assert result["explanation"] == (
        "Your business case had not been verified by the organiser before the matching."
    )
    page = sme.get(f"/sme/applications/{hamburg}").text
    assert "had not been verified by the organiser" in page
    assert "waiting list" not in page


def test_a_published_round_without_a_run_shows_no_result(app: FastAPI, clients: Clients) -> None:
    ids = open_round(app)
    sme = clients.sme
    water_firm(sme)
    fair = sme.post(
        "/api/sme/applications", json={"mission_id": ids["M-FAIR-HANNOVER"], "rank": 1}
    ).json()["id"]
    set_round_status(app, ROUND_ID, RoundStatus.published)
    assert sme.get(f"/api/sme/applications/{fair}").json()["result"] is None
    assert "the result is not available" in sme.get("/sme/applications").text
