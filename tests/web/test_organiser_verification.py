"""The business-case verification queue over HTTP: list, verify, reject, with who and when."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker.models import AuditLog, BusinessCase, Firm
from tests.web.clients import Clients, post_form
from tests.web.test_organiser_builders import import_round, organisation_of, scenario


def case_of(app: FastAPI, kvk: str) -> BusinessCase:
    with Session(app.state.engine) as session:
        case = session.exec(select(BusinessCase).join(Firm).where(Firm.kvk == kvk)).one()
        session.expunge(case)
        return case


def user_id(client: TestClient) -> int:
    return client.get("/api/me").json()["id"]


def test_the_queue_lists_unverified_cases_of_firms_in_my_rounds(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    import_round(app, organiser, scenario())
    other = clients.new("organiser", organisation="Exportclub Drenthe")
    other_document = scenario("elsewhere", kvk_offset=500)
    other_document["firms"][1]["name"] = "Elsewhere Energy"
    import_round(app, other, other_document)

    page = organiser.get("/organiser/business-cases")
    assert page.status_code == 200
    assert "+heat pumps for Bremen housing" in page.text
    assert "Noord test round: Water business mission Hamburg" in page.text
    assert "membrane units" not in page.text  # verified already
    assert "Elsewhere Energy" not in page.text  # a firm of another organiser's round
    # "All" is every firm of the organiser's world, never another organisation's firms (the
    # issue: scope=all listed every firm's cases, names, KvK numbers and summaries).
    assert "Elsewhere Energy" not in organiser.get("/organiser/business-cases?scope=all").text
    assert "Elsewhere Energy" in other.get("/organiser/business-cases?scope=all").text

    listed = organiser.get("/api/organiser/business-cases").json()
    assert [(c["kvk"], c["state"], c["country"]) for c in listed] == [("10000002", "pending", "DE")]
    everyone = organiser.get("/api/organiser/business-cases?scope=all").json()
    assert {c["kvk"] for c in everyone} == {"10000002"}
    for state in ("verified", "pending", "rejected"):
        theirs = organiser.get(f"/api/organiser/business-cases?state={state}&scope=all").json()
        assert not {c["kvk"] for c in theirs} & {"10000501", "10000502", "10000503"}
    assert {c["kvk"] for c in other.get("/api/organiser/business-cases?scope=all").json()} == {
        "10000502"
    }
    verified = organiser.get("/api/organiser/business-cases?state=verified").json()
    assert [c["kvk"] for c in verified] == ["10000001"]


def test_verifying_records_who_and_when_and_leaves_the_queue(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    import_round(app, organiser, scenario())
    case = case_of(app, "10000002")
    response = post_form(organiser, f"/organiser/business-cases/{case.id}/verify")
    assert response.status_code == 303
    assert response.headers["location"] == "/organiser/business-cases"

    stored = case_of(app, "10000002")
    assert stored.verified is True
    assert stored.verified_by == user_id(organiser)
    assert stored.verified_at is not None
    assert "+heat pumps" not in organiser.get("/organiser/business-cases").text
    page = organiser.get("/organiser/business-cases?state=verified")
    assert "+heat pumps" in page.text
    assert f"verified by {organiser.email}" in page.text  # type: ignore[attr-defined]
    verifier = user_id(organiser)
    with Session(app.state.engine) as session:
        entry = session.exec(
            select(AuditLog).where(AuditLog.action == "business_case.verify")
        ).one()
        assert entry.object_id == str(case.id)
        assert entry.actor_user_id == verifier
        assert (entry.before["state"], entry.after["state"]) == ("pending", "verified")


def test_rejecting_keeps_the_case_unverified_with_a_note(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    import_round(app, organiser, scenario())
    case = case_of(app, "10000002")
    back = "/organiser/business-cases?state=pending&scope=all"
    response = post_form(
        organiser,
        f"/organiser/business-cases/{case.id}/reject",
        {"note": "no named customer yet", "back": back},
    )
    assert response.status_code == 303
    assert response.headers["location"] == back
    stored = case_of(app, "10000002")
    assert (stored.verified, stored.verified_by) == (False, user_id(organiser))
    assert stored.verified_at is not None
    rejected = organiser.get("/api/organiser/business-cases?state=rejected").json()
    assert [c["id"] for c in rejected] == [case.id]
    with Session(app.state.engine) as session:
        entry = session.exec(
            select(AuditLog).where(AuditLog.action == "business_case.reject")
        ).one()
        assert entry.after["note"] == "no named customer yet"

    # The decision can be revised through the API.
    verified = organiser.post(f"/api/organiser/business-cases/{case.id}/verify")
    assert verified.status_code == 200
    assert verified.json()["state"] == "verified"
    assert verified.json()["named_by"] == ["Noord test round: Water business mission Hamburg"]
    again = organiser.post(
        f"/api/organiser/business-cases/{case.id}/reject", json={"note": "letter withdrawn"}
    )
    assert (again.json()["state"], again.json()["verified"]) == ("rejected", False)


def test_an_offsite_back_link_is_not_followed(clients: Clients, app: FastAPI) -> None:
    import_round(app, clients.organiser, scenario())
    case = case_of(app, "10000002")
    response = post_form(
        clients.organiser,
        f"/organiser/business-cases/{case.id}/verify",
        {"back": "https://evil.example/"},
    )
    assert response.headers["location"] == "/organiser/business-cases"


def test_an_unknown_case_answers_404_and_others_may_not_review(
    clients: Clients, app: FastAPI
) -> None:
    organisation_of(clients.organiser)
    assert clients.organiser.post("/api/organiser/business-cases/999/verify").status_code == 404
    assert post_form(clients.organiser, "/organiser/business-cases/999/reject").status_code == 404
    import_round(app, clients.organiser, scenario())
    case = case_of(app, "10000002")
    assert clients.sme.post(f"/api/organiser/business-cases/{case.id}/verify").status_code == 403
    assert case_of(app, "10000002").verified is False
