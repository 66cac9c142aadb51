"""A rejected business case tells the firm why: the organiser's reason shows on the firm's
case list, its edit form and in the API, until the firm changes the case or it is verified."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import AuditLog
from tests.web.clients import Clients, post_form
from tests.web.test_missions import open_round
from tests.web.test_sme_applications import water_firm

REASON = "No letter of intent yet: attach the letter of the port utility and send it again."


def test_the_firm_sees_why_its_case_was_rejected(app: FastAPI, clients: Clients) -> None:
    sme, organiser = clients.sme, clients.organiser
    ids = open_round(app, owner=organiser)
    case_id = water_firm(sme)["case_id"]
    # An application names the case, so it is in the organiser's queue.
    applied = sme.post(
        "/api/sme/applications",
        json={"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": case_id},
    )
    assert applied.status_code == 201, applied.text
    assert "waiting for verification" in sme.get("/sme/cases").text
    assert sme.get(f"/api/sme/cases/{case_id}").json()["review_note"] is None

    response = post_form(
        organiser, f"/organiser/business-cases/{case_id}/reject", {"note": f"  {REASON}  "}
    )
    assert response.status_code == 303
    page = sme.get("/sme/cases").text
    assert "rejected" in page and "waiting for verification" not in page
    assert f"The organiser's reason: {REASON}" in page
    assert REASON in sme.get(f"/sme/cases/{case_id}/edit").text
    assert sme.get(f"/api/sme/cases/{case_id}").json()["review_note"] == REASON
    rejected = organiser.get("/api/organiser/business-cases?state=rejected").json()
    assert [(c["id"], c["review_note"]) for c in rejected] == [(case_id, REASON)]
    assert "Reason given: " in organiser.get("/organiser/business-cases?state=rejected").text
    with Session(app.state.engine) as session:
        [audit] = session.exec(
            select(AuditLog).where(AuditLog.action == "business_case.reject")
        ).all()
    assert audit.after["note"] == REASON  # type: ignore[index]

    # Changing the case sends it back to the queue, without the old reason.
    changed = sme.patch(f"/api/sme/cases/{case_id}", json={"evidence": "order"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["review_note"] is None
    assert "waiting for verification" in sme.get("/sme/cases").text
    pending = organiser.get("/api/organiser/business-cases").json()
    assert [c["id"] for c in pending] == [case_id]


def test_verifying_after_a_rejection_clears_the_reason(app: FastAPI, clients: Clients) -> None:
    sme, organiser = clients.sme, clients.organiser
    ids = open_round(app, owner=organiser)
    case_id = water_firm(sme)["case_id"]
    sme.post(
        "/api/sme/applications",
        json={"mission_id": ids["M-HAM-WATER"], "rank": 1, "business_case_id": case_id},
    )
    rejected = organiser.post(
        f"/api/organiser/business-cases/{case_id}/reject", json={"note": "too vague"}
    )
    assert rejected.status_code == 200 and rejected.json()["review_note"] == "too vague"
    verified = organiser.post(f"/api/organiser/business-cases/{case_id}/verify")
    assert verified.status_code == 200 and verified.json()["review_note"] is None
    assert sme.get(f"/api/sme/cases/{case_id}").json()["review_note"] is None
    assert "too vague" not in sme.get("/sme/cases").text
