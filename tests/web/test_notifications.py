"""The e-mails decisions send, written to the outbox in the decision's own transaction: a
business case reviewed (a rejection needs a reason), a round published, a place offered from
the waiting list."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from matchmaker.models import OutboxMessage
from tests.web.clients import Clients, post_form
from tests.web.test_missions import open_round
from tests.web.test_runs_support import (
    import_round,
    link_firm,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    waiting_round,
)
from tests.web.test_sme_applications import water_firm

pytestmark = pytest.mark.usefixtures("runner")

REASON = "Geen intentieverklaring: voeg de brief van het havenbedrijf toe."


def _mail(app: FastAPI, kind: str | None = None) -> list[OutboxMessage]:
    with Session(app.state.engine) as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        rows = session.exec(query).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def test_a_reviewed_case_is_mailed_to_the_firm_and_a_rejection_needs_a_reason(
    app: FastAPI, clients: Clients
) -> None:
    sme, organiser = clients.sme, clients.organiser
    ids = open_round(app, owner=organiser)
    case_id = water_firm(sme)["case_id"]
    applied = sme.post(
        "/api/sme/applications",
        json={"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": case_id},
    )
    assert applied.status_code == 201, applied.text

    silent = organiser.post(f"/api/organiser/business-cases/{case_id}/reject", json={})
    assert silent.status_code == 422
    assert "note" in silent.text and "the firm reads it" in silent.text
    page = post_form(organiser, f"/organiser/business-cases/{case_id}/reject", {"note": " "})
    assert page.status_code in (400, 422) and "the firm reads it" in page.text
    assert _mail(app) == []  # nothing decided, nothing sent

    rejected = post_form(organiser, f"/organiser/business-cases/{case_id}/reject", {"note": REASON})
    assert rejected.status_code == 303
    (mail,) = _mail(app, "business_case.rejected")
    assert mail.to_address == sme.email  # type: ignore[attr-defined]
    assert "not accepted" in mail.subject and REASON in mail.body  # the default: English

    verified = organiser.post(f"/api/organiser/business-cases/{case_id}/verify")
    assert verified.status_code == 200
    (mail,) = _mail(app, "business_case.verified")
    assert mail.to_address == sme.email and "verified" in mail.subject  # type: ignore[attr-defined]


def test_publishing_mails_each_firm_its_result_and_a_freed_place_mails_the_next_firm(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(capacity=2, applicants=5), organiser)
    placed, waiting = clients.new("sme", "placed"), clients.new("sme", "waiting")
    link_firm(app, placed, round_id, "F1")
    link_firm(app, waiting, round_id, "F3")
    run = run_round(app, organiser, round_id)
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200

    results = {m.to_address: m for m in _mail(app, "result.published")}
    assert set(results) == {placed.email, waiting.email}  # type: ignore[attr-defined]
    assert "offered" in results[placed.email].body.lower()  # type: ignore[attr-defined]
    waiting_body = results[waiting.email].body  # type: ignore[attr-defined]
    assert "On the waiting list" in waiting_body
    assert "1090" not in waiting_body and "outranked" not in waiting_body  # words, not codes

    f1 = placement_of(app, run["id"], "F1")
    assert post_form(placed, f"/sme/placements/{f1.id}/decline").status_code == 303
    (offer,) = _mail(app, "placement.offered")
    assert offer.to_address == waiting.email  # type: ignore[attr-defined]
    assert "A place is free for you" in offer.subject
