"""The SME's placement pages and API: see the result with its reason, accept, decline, withdraw;
only its own firm's placements, and only once the round is published."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from markupsafe import escape
from sqlmodel import Session, select

from matchmaker.models import AuditLog, RoundStatus
from matchmaker.services import reasons
from tests.web.clients import Clients, post_form
from tests.web.test_runs_support import (
    import_round,
    link_firm,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    set_round_status,
    standings,
    waiting_round,
)

pytestmark = pytest.mark.usefixtures("runner")


def published_round(app: FastAPI, clients: Clients) -> int:
    """R1 with two places for five firms, run and published; the SME client owns F1."""
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(capacity=2, applicants=5), organiser)
    run = run_round(app, organiser, round_id)
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    link_firm(app, clients.sme, round_id, "F1")
    return run["id"]


def test_the_firm_accepts_its_offer(clients: Clients, app: FastAPI) -> None:
    run_id = published_round(app, clients)
    sme = clients.sme
    mine = placement_of(app, run_id, "F1")

    listing = sme.get("/sme/placements")
    assert listing.status_code == 200
    assert f'href="/sme/placements/{mine.id}"' in listing.text
    assert "Place offered" in listing.text

    page = sme.get(f"/sme/placements/{mine.id}")
    assert page.status_code == 200
    assert "Accept the place" in page.text and "Decline" in page.text

    accepted = post_form(sme, f"/sme/placements/{mine.id}/accept")
    assert accepted.status_code == 303
    assert accepted.headers["location"] == f"/sme/placements/{mine.id}?notice=accepted"
    page = sme.get(accepted.headers["location"])
    assert "You accepted the place" in page.text
    assert "Place accepted" in page.text and "Accept the place" not in page.text

    # Accepting twice is refused, and says why.
    again = post_form(sme, f"/sme/placements/{mine.id}/accept")
    assert again.status_code == 409
    assert "place accepted" in again.text
    with Session(app.state.engine) as session:
        entry = session.exec(
            select(AuditLog).where(
                AuditLog.action == "placement.accept", AuditLog.object_id == str(mine.id)
            )
        ).one()
        assert entry.before == {"status": "offered"}
        assert entry.after is not None and entry.after["status"] == "accepted"


def test_the_api_shows_the_result_and_takes_the_answers(clients: Clients, app: FastAPI) -> None:
    run_id = published_round(app, clients)
    sme = clients.sme
    mine = placement_of(app, run_id, "F1")
    listed = sme.get("/api/sme/placements").json()
    assert [p["id"] for p in listed] == [mine.id]
    assert listed[0]["status"] == "offered" and listed[0]["can_accept"] is True

    declined = sme.post(f"/api/sme/placements/{mine.id}/decline")
    assert declined.status_code == 200
    body = declined.json()
    assert body["status"] == "declined"
    assert body["offers"] == [placement_of(app, run_id, "F3").id]  # the best on the waiting list
    assert sme.post(f"/api/sme/placements/{mine.id}/accept").status_code == 409
    assert sme.get(f"/api/sme/placements/{mine.id}").json()["can_withdraw"] is False


def test_a_waiting_firm_reads_why_in_plain_words_and_can_leave_the_list(
    clients: Clients, app: FastAPI
) -> None:
    run_id = published_round(app, clients)
    waiting = clients.new("sme", "sme-waiting")
    link_firm(app, waiting, "R1", "F5")
    placement = placement_of(app, run_id, "F5")

    page = waiting.get(f"/sme/placements/{placement.id}")
    assert page.status_code == 200
    assert "On the waiting list" in page.text
    # One vocabulary on every page; no scores or engine codes for the firm.
    assert str(escape(reasons.FOR_FIRM["outranked"])) in page.text
    assert "points" not in page.text and "outranked" not in page.text
    assert "Accept the place" not in page.text
    shown = waiting.get(f"/api/sme/placements/{placement.id}").json()
    assert shown["reason"] == "outranked" and shown["reason_text"] == reasons.FOR_FIRM["outranked"]

    left = post_form(waiting, f"/sme/placements/{placement.id}/withdraw")
    assert left.status_code == 303
    assert standings(app, run_id)[("F5", "M1")] == "withdrawn"
    # Leaving the waiting list frees no place: nobody gets an offer.
    assert sorted(standings(app, run_id).values()).count("offered") == 2


def test_another_firms_placement_answers_404(clients: Clients, app: FastAPI) -> None:
    run_id = published_round(app, clients)
    theirs = placement_of(app, run_id, "F2")
    sme = clients.sme
    assert sme.get(f"/sme/placements/{theirs.id}").status_code == 404
    assert sme.get(f"/api/sme/placements/{theirs.id}").status_code == 404
    for action in ("accept", "decline", "withdraw"):
        assert post_form(sme, f"/sme/placements/{theirs.id}/{action}").status_code == 404
        assert sme.post(f"/api/sme/placements/{theirs.id}/{action}").status_code == 404
    assert sme.get("/sme/placements/999999").status_code == 404
    assert standings(app, run_id)[("F2", "M1")] == "offered"
    # A firm without an account link sees nothing at all.
    stranger = clients.new("sme", "sme-unlinked")
    assert stranger.get("/api/sme/placements").json() == []
    assert stranger.get(f"/sme/placements/{theirs.id}").status_code == 404


def test_nothing_is_shown_to_the_firm_before_publication(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    run = run_round(app, organiser, round_id)
    link_firm(app, clients.sme, round_id, "F1")
    mine = placement_of(app, run["id"], "F1")
    assert mine.status == "placed"
    assert clients.sme.get(f"/sme/placements/{mine.id}").status_code == 404
    assert clients.sme.post(f"/api/sme/placements/{mine.id}/accept").status_code == 404
    assert clients.sme.get("/api/sme/placements").json() == []
    set_round_status(app, round_id, RoundStatus.closed)
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    assert clients.sme.get(f"/sme/placements/{mine.id}").status_code == 200
