"""The audit log to read: organisers filter and page their organisation's rows and download them
as CSV; an SME reads the decisions about its own firm. Never another organisation's rows, never
another firm's."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker import times
from matchmaker.models import AuditLog, User
from matchmaker.services.audit_log import FIRM_FIELDS
from matchmaker.services.audit_scope import ROUND_OBJECTS
from tests.web.clients import Clients, into_world
from tests.web.test_placements import published_round
from tests.web.test_runs_support import (
    link_firm,
    placement_of,
    runner,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.usefixtures("runner")

AUDIT = "/api/organiser/audit"
DUTCH = {"Accept-Language": "nl"}  # the pages' words as a Dutch reader reads them


def _organisation(app: FastAPI, client: TestClient) -> int:
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == client.email)).one()  # type: ignore[attr-defined]
        assert user.organisation_id is not None
        return user.organisation_id


def _rows(app: FastAPI, *where: Any) -> list[AuditLog]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(AuditLog).where(*where)).all())


def _all(client: TestClient, **query: Any) -> dict[str, Any]:
    response = client.get(AUDIT, params={"page_size": 200, **query})
    assert response.status_code == 200, response.text
    return response.json()


def _problems(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return response.json()["problems"]


def _firm_with_verified_case(app: FastAPI, clients: Clients, sme: TestClient, name: str) -> int:
    """A firm of this SME in the organiser's world with a business case the organiser
    verified; the firm's id."""
    made = sme.post(
        "/api/sme/firm",
        json={"kvk": "30000003", "name": name, "region": "GR", "sector": "water", "employees": 9},
    )
    assert made.status_code == 201, made.text
    firm_id = into_world(app, clients.organiser, sme)
    case = sme.post(
        "/api/sme/cases",
        json={"country": "DE", "sector": "water", "summary": "pumps", "evidence": "leads"},
    )
    assert case.status_code == 201, case.text
    verified = clients.organiser.post(f"/api/organiser/business-cases/{case.json()['id']}/verify")
    assert verified.status_code == 200, verified.text
    return firm_id


# --------------------------------------------------------------------------- filters


def test_filters_narrow_the_log_newest_first(app: FastAPI, clients: Clients) -> None:
    published_round(app, clients)
    organiser = clients.organiser
    everything = _all(organiser)
    entries = everything["entries"]
    assert everything["total"] == len(entries) > 3
    moments = [(e["at"], e["id"]) for e in entries]
    assert moments == sorted(moments, reverse=True), "newest first"
    publish = next(e for e in entries if e["action"] == "round.publish")
    assert publish["action_text"] == {"nl": "Indeling gepubliceerd", "en": "Roster published"}
    assert publish["actor"] == organiser.email  # type: ignore[attr-defined]

    only = _all(organiser, action="round.publish")["entries"]
    assert [e["id"] for e in only] == [publish["id"]]
    family = _all(organiser, action="run")["entries"]
    assert family and all(e["action"].startswith("run.") for e in family)
    runs = _all(organiser, object_type="matching_run")["entries"]
    assert runs and all(e["object_type"] == "matching_run" for e in runs)
    mine = _all(organiser, actor=organiser.email.upper())["entries"]  # type: ignore[attr-defined]
    assert mine and all(e["actor"] == organiser.email for e in mine)  # type: ignore[attr-defined]
    by_id = _all(organiser, actor=str(mine[0]["actor_user_id"]))
    assert by_id["total"] == len(mine)
    system = _all(organiser, actor="system")["entries"]
    assert all(e["actor_user_id"] is None for e in system)

    day = datetime.fromisoformat(publish["at"]).astimezone(times.AMSTERDAM).date()
    assert _all(organiser, **{"from": day.isoformat(), "to": day.isoformat()})["total"] >= 1
    assert _all(organiser, **{"from": (day + timedelta(days=2)).isoformat()})["total"] == 0
    assert _all(organiser, to="2000-01-01")["total"] == 0


def test_a_firm_filter_and_the_firm_column(app: FastAPI, clients: Clients) -> None:
    firm_id = _firm_with_verified_case(app, clients, clients.sme, "Pompen Noord BV")
    rows = _all(clients.organiser, firm=str(firm_id))["entries"]
    assert rows and all(e["firm_id"] == firm_id for e in rows)
    verified = next(e for e in rows if e["action"] == "business_case.verify")
    assert verified["firm"] == "Pompen Noord BV"
    assert "Pompen Noord BV" in verified["object_text"]["nl"]
    state = next(c for c in verified["changes"] if c["field"] == "state")
    assert state["before"]["nl"] == "wacht op beoordeling" and state["after"]["en"] == "verified"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"action": "placement.explode"}, "action"),
        ({"object_type": "spaceship"}, "object_type"),
        ({"actor": "not an address"}, "actor"),
        ({"actor": "9" * 40}, "actor"),
        ({"from": "2027-02-30"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "0001-01-01"}, "to"),
        ({"from": "2027-03-02", "to": "2027-03-01"}, "to"),
        ({"firm": "acme"}, "firm"),
        ({"firm": "a\x00b"}, "firm"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "-5"}, "page_size"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(
    clients: Clients, query: dict[str, str], field: str
) -> None:
    problems = _problems(clients.organiser.get(AUDIT, params=query))
    assert problems and all(p.startswith(f"{field}: ") for p in problems), problems
    if "page" not in field:
        csv_problems = _problems(clients.organiser.get(f"{AUDIT}.csv", params=query))
        assert csv_problems[0].startswith(f"{field}: ")


def test_the_page_shows_a_bad_filter_on_its_form(clients: Clients) -> None:
    bad = {"from": "2027-13-01", "actor": "x@y"}
    page = clients.organiser.get("/organiser/audit", params=bad)
    assert page.status_code == 422
    assert "The audit log cannot be filtered so" in page.text
    assert "<strong>from</strong>" in page.text and "is not a date" in page.text
    assert 'value="x@y"' in page.text, "the form keeps what was typed"
    dutch = clients.organiser.get("/organiser/audit", params=bad, headers=DUTCH)
    assert "Het auditlog kan zo niet gefilterd worden" in dutch.text


def test_pages_are_capped_and_a_page_past_the_end_is_empty(app: FastAPI, clients: Clients) -> None:
    published_round(app, clients)
    organiser = clients.organiser
    capped = organiser.get(AUDIT, params={"page_size": "5000"}).json()
    assert capped["page_size"] == 200
    total = capped["total"]
    first = organiser.get(AUDIT, params={"page_size": 2}).json()
    second = organiser.get(AUDIT, params={"page_size": 2, "page": 2}).json()
    assert len(first["entries"]) == len(second["entries"]) == 2
    assert {e["id"] for e in first["entries"]}.isdisjoint(e["id"] for e in second["entries"])
    assert first["total"] == second["total"] == total
    beyond = organiser.get(AUDIT, params={"page": 9999})
    assert beyond.status_code == 200
    assert beyond.json()["entries"] == [] and beyond.json()["total"] == total
    page = organiser.get("/organiser/audit", params={"page_size": 2, "action": "run"})
    assert page.status_code == 200
    assert "Next" in page.text and "page=2" in page.text and "action=run" in page.text
    dutch = organiser.get(
        "/organiser/audit", params={"page_size": 2, "action": "run"}, headers=DUTCH
    )
    assert "Volgende" in dutch.text


# --------------------------------------------------------------------------- tenants


def test_an_organiser_never_sees_another_organisations_rows(app: FastAPI, clients: Clients) -> None:
    published_round(app, clients)
    organiser_a = clients.organiser
    firm_a = _firm_with_verified_case(app, clients, clients.new("sme", "sme-a2"), "Firma A BV")
    organiser_b = clients.new("organiser", "organiser-b", organisation="Kamer B")
    sme_b = clients.new("sme", "sme-b")
    made = sme_b.post(
        "/api/sme/firm",
        json={
            "kvk": "40000004",
            "name": "Firma B BV",
            "region": "DR",
            "sector": "water",
            "employees": 7,
        },
    )
    assert made.status_code == 201
    firm_b = into_world(app, organiser_b, sme_b)
    case_b = sme_b.post(
        "/api/sme/cases",
        json={"country": "DE", "sector": "water", "summary": "b", "evidence": "none"},
    ).json()
    assert organiser_b.post(f"/api/organiser/business-cases/{case_b['id']}/verify").is_success

    org_a, org_b = _organisation(app, organiser_a), _organisation(app, organiser_b)
    rows_a = {r.id for r in _rows(app, AuditLog.organisation_id == org_a)}
    rows_b = {r.id for r in _rows(app, AuditLog.organisation_id == org_b)}
    assert rows_a and rows_b
    seen_a = {e["id"] for e in _all(organiser_a)["entries"]}
    seen_b = {e["id"] for e in _all(organiser_b)["entries"]}
    assert rows_a <= seen_a and rows_b <= seen_b
    assert not seen_a & rows_b and not seen_b & rows_a
    # Another organisation's firm and people filter to nothing, on the page and in the CSV.
    assert _all(organiser_a, firm=str(firm_b))["total"] == 0
    assert _all(organiser_b, firm=str(firm_a))["total"] == 0
    assert _all(organiser_a, actor=organiser_b.email)["total"] == 0  # type: ignore[attr-defined]
    text_a = organiser_a.get("/organiser/audit.csv").text
    assert "Firma B BV" not in text_a and organiser_b.email not in text_a  # type: ignore[attr-defined]
    page_b = organiser_b.get("/organiser/audit", params={"page_size": 200}).text
    assert "Firma A BV" not in page_b and "Firma B BV" in page_b
    assert organiser_a.email not in page_b  # type: ignore[attr-defined]
    # The round's rows are all in A's log only.
    round_rows = {r.id for r in _rows(app) if r.object_type in ROUND_OBJECTS}
    assert round_rows <= seen_a and not round_rows & seen_b


def test_other_roles_and_anonymous_are_refused(clients: Clients, anonymous: TestClient) -> None:
    for url in (AUDIT, f"{AUDIT}.csv"):
        assert clients.sme.get(url).status_code == 403
        assert clients.branch_org.get(url).status_code == 403
        assert anonymous.get(url).status_code == 401
    assert clients.organiser.get("/api/sme/decisions").status_code == 403
    assert clients.branch_org.get("/sme/decisions").status_code == 403
    assert anonymous.get("/api/sme/decisions").status_code == 401
    login = anonymous.get("/organiser/audit", follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"].startswith("/login")


# --------------------------------------------------------------------------- CSV


def test_the_csv_has_a_header_and_escapes_formula_cells(app: FastAPI, clients: Clients) -> None:
    firm_id = _firm_with_verified_case(app, clients, clients.sme, '=HYPERLINK("http://x")')
    dutch = clients.organiser.get("/organiser/audit.csv", params={"firm": str(firm_id)})
    assert dutch.status_code == 200
    assert dutch.headers["content-type"].startswith("text/csv")
    assert "attachment" in dutch.headers["content-disposition"]
    assert dutch.text.startswith("\ufeff"), "Dutch Excel reads the file as UTF-8"
    table = list(csv.reader(io.StringIO(dutch.text.removeprefix("\ufeff")), delimiter=";"))
    assert table[0][:3] == ["wanneer (Amsterdam)", "wanneer (UTC)", "wie"]
    verified = next(row for row in table[1:] if row[3] == "business_case.verify")
    assert verified[4] == "Business case goedgekeurd"
    assert verified[9] == '\'=HYPERLINK("http://x")', "a formula-looking cell stays text"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)
    english = clients.organiser.get(f"{AUDIT}.csv", params={"firm": str(firm_id), "lang": "en"})
    table = list(csv.reader(io.StringIO(english.text)))
    assert table[0][:3] == ["when (Amsterdam)", "when (UTC)", "who"]
    assert any(row[4] == "Business case verified" for row in table[1:])
    assert _problems(clients.organiser.get(f"{AUDIT}.csv", params={"lang": "fr"}))[0].startswith(
        "lang: "
    )


# --------------------------------------------------------------------------- firms


def test_an_sme_reads_only_the_decisions_about_its_own_firm(app: FastAPI, clients: Clients) -> None:
    run_id = published_round(app, clients)  # clients.sme owns F1; F1 and F2 are offered
    sme_a = clients.sme
    sme_b = clients.new("sme", "sme-b")
    link_firm(app, sme_b, "R1", "F2")
    mine, theirs = placement_of(app, run_id, "F1"), placement_of(app, run_id, "F2")
    assert sme_a.post(f"/api/sme/placements/{mine.id}/accept").status_code == 200
    declined = sme_b.post(f"/api/sme/placements/{theirs.id}/decline")
    assert declined.status_code == 200, declined.text
    (row,) = _rows(app, AuditLog.action == "placement.decline")
    assert row.after and row.after.get("offers"), "the freed place was offered to F3"

    decisions_a = sme_a.get("/api/sme/decisions").json()["decisions"]
    decisions_b = sme_b.get("/api/sme/decisions").json()["decisions"]
    # Newest first: the answer, then the published result about the firm's own application.
    assert [d["what"]["en"] for d in decisions_a] == ["Place accepted", "Result published"]
    assert [d["what"]["nl"] for d in decisions_b] == ["Plaats afgeslagen", "Uitslag gepubliceerd"]
    assert decisions_a[0]["by"] == {"nl": "U", "en": "You"}
    assert {d["id"] for d in decisions_a}.isdisjoint(d["id"] for d in decisions_b)
    # The decline's row names the firm it offered the place to: the firm reads only its own.
    shown = sme_b.get("/api/sme/decisions").text
    assert all(c["field"] in FIRM_FIELDS for d in decisions_b for c in d["changes"])
    assert "Firm F3 BV" not in shown and "Firm F1 BV" not in shown and "offers" not in shown
    page_b = sme_b.get("/sme/decisions", headers=DUTCH).text
    assert "Besluiten over uw bedrijf" in page_b and "Plaats afgeslagen" in page_b
    assert "Firm F1 BV" not in page_b and "Firm F3 BV" not in page_b
    page_a = sme_a.get("/sme/decisions", headers=DUTCH).text
    assert "Plaats geaccepteerd" in page_a and "Firm F2 BV" not in page_a


def test_every_firm_reads_its_published_result_and_its_offer_from_the_waiting_list(
    app: FastAPI, clients: Clients
) -> None:
    run_id = published_round(app, clients)  # two places: F1 and F2 offered, F3-F5 wait
    sme_c, sme_d = clients.new("sme", "sme-c"), clients.new("sme", "sme-d")
    link_firm(app, sme_c, "R1", "F3")
    link_firm(app, sme_d, "R1", "F4")
    waiting = sme_d.get("/api/sme/decisions").json()["decisions"]
    assert [d["what"]["nl"] for d in waiting] == ["Uitslag gepubliceerd"]
    assert waiting[0]["by"]["nl"] == "KvK Noord-Nederland", "the organisation, not a person"
    told = {c["field"]: c["after"] for c in waiting[0]["changes"]}
    assert told["status"] == {"nl": "niet geplaatst", "en": "not placed"}
    assert told["waiting_list"] == {"nl": "ja", "en": "yes"}
    assert told["reason"]["en"].startswith("the mission is full")
    assert "outranked" not in sme_d.get("/sme/decisions").text, "no reason codes for firms"

    sme_b = clients.new("sme", "sme-b")
    link_firm(app, sme_b, "R1", "F2")
    theirs = placement_of(app, run_id, "F2")
    assert sme_b.post(f"/api/sme/placements/{theirs.id}/decline").status_code == 200
    (offer_row,) = _rows(app, AuditLog.action == "placement.offer_from_waiting_list")
    offered = placement_of(app, run_id, "F3")
    assert offer_row.object_id == str(offered.id) and offer_row.actor_user_id is None
    assert offer_row.after is not None and offer_row.after["freed"] == theirs.id
    newest = sme_c.get("/api/sme/decisions").json()["decisions"][0]
    assert newest["what"]["en"] == "Place offered from the waiting list"
    assert newest["by"] == {"nl": "Het systeem", "en": "The system"}
    told = {c["field"]: c for c in newest["changes"]}
    assert told["status"]["before"]["en"] == "not placed"
    assert told["status"]["after"]["en"] == "place offered"
    assert offered.answer_by is not None
    assert told["answer_by"]["after"]["nl"] == times.amsterdam_time_nl(offered.answer_by)
    assert "freed" not in told, "the freed place is another firm's"
    page = sme_c.get("/sme/decisions", headers=DUTCH).text
    assert "Plaats aangeboden van de wachtlijst" in page and "Firm F2 BV" not in page
    # The organiser reads the same rows, each firm's result among them.
    results = _all(clients.organiser, action="placement.publish")["entries"]
    assert len(results) == 5 and len({e["firm_id"] for e in results}) == 5


def test_an_sme_reads_its_case_review_by_the_organisation(app: FastAPI, clients: Clients) -> None:
    _firm_with_verified_case(app, clients, clients.sme, "Zuivel Noord BV")
    (decision,) = clients.sme.get("/api/sme/decisions").json()["decisions"]
    assert decision["what"]["nl"] == "Business case goedgekeurd"
    assert decision["by"]["nl"] == "KvK Noord-Nederland", "the organisation, not a person"
    assert clients.organiser.email not in clients.sme.get("/sme/decisions").text  # type: ignore[attr-defined]
    assert {c["field"] for c in decision["changes"]} == {"state"}
    # Another SME, with a firm of its own, reads none of it.
    other = clients.new("sme", "sme-other")
    other.post(
        "/api/sme/firm",
        json={
            "kvk": "50000005",
            "name": "Ander BV",
            "region": "FR",
            "sector": "water",
            "employees": 6,
        },
    )
    assert other.get("/api/sme/decisions").json() == {
        "total": 0,
        "page": 1,
        "page_size": 50,
        "decisions": [],
    }


def test_the_dashboards_link_the_audit_pages_in_dutch(app: FastAPI, clients: Clients) -> None:
    home = clients.organiser.get("/organiser")
    assert 'href="/organiser/audit"' in home.text
    page = clients.organiser.get("/organiser/audit", headers=DUTCH)
    assert page.status_code == 200
    assert "Wie wat deed, wanneer" in page.text and "Tot en met" in page.text
    assert "CSV (Nederlands)" in page.text
    _firm_with_verified_case(app, clients, clients.sme, "Kaas BV")
    assert 'href="/sme/decisions"' in clients.sme.get("/sme").text
