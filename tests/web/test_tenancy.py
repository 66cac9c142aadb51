"""The issue's reproductions of one organisation reaching into another's world, each refused:
another organisation's firms' cases, reviews and accounts, and a KvK clash naming the firm;
the operator imports a round into an organisation."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI
from sqlmodel import Session, select
from typer.testing import CliRunner

from matchmaker.cli import app as cli
from matchmaker.models import BusinessCase, Firm, Round
from tests.web.clients import Clients, into_world, post_form
from tests.web.test_organiser_builders import import_round, organisation_of, scenario


def case_row(app: FastAPI, case_id: int) -> BusinessCase:
    with Session(app.state.engine) as session:
        case = session.get(BusinessCase, case_id)
        assert case is not None
        session.expunge(case)
        return case


def test_another_organisations_firms_stay_out_of_reach(app: FastAPI, clients: Clients) -> None:
    mine, stranger = clients.organiser, clients.new("organiser", organisation="Vreemde Kamer")
    sme = clients.sme
    firm_id = into_world(app, mine, sme)
    case_id = _case(sme)
    # The owner's organisation sees the case and the account...
    assert case_id in {c["id"] for c in mine.get("/api/organiser/business-cases?scope=all").json()}
    assert sme.email in {a["email"] for a in mine.get("/api/organiser/accounts").json()}  # type: ignore[attr-defined]
    # ...the stranger neither lists, nor reviews, nor manages it.
    for state in ("pending", "verified", "rejected"):
        listed = stranger.get(f"/api/organiser/business-cases?state={state}&scope=all").json()
        assert listed == [], state
    assert "Windkracht" not in stranger.get("/organiser/business-cases?scope=all").text
    note = {"note": "not convincing"}
    refused = stranger.post(f"/api/organiser/business-cases/{case_id}/reject", json=note)
    assert refused.status_code == 404
    assert stranger.post(f"/api/organiser/business-cases/{case_id}/verify").status_code == 404
    page = post_form(stranger, f"/organiser/business-cases/{case_id}/reject", note)
    assert page.status_code == 404
    case = case_row(app, case_id)
    assert (case.verified, case.verified_at, case.review_note) == (False, None, None)
    assert "not convincing" not in sme.get("/sme/cases").text
    accounts = stranger.get("/api/organiser/accounts").json()
    assert sme.email not in {a["email"] for a in accounts}  # type: ignore[attr-defined]
    user_id = sme.get("/api/me").json()["id"]
    assert stranger.post(f"/api/organiser/accounts/{user_id}/disable").status_code == 404
    assert post_form(stranger, f"/organiser/accounts/{user_id}/disable").status_code == 404
    assert sme.get("/api/me").status_code == 200
    # Once the stranger's organisation has the firm in a round of its own, it may review.
    into_world(app, stranger, sme)
    assert stranger.post(f"/api/organiser/business-cases/{case_id}/verify").status_code == 200
    assert case_row(app, case_id).firm_id == firm_id


def _case(sme: object) -> int:
    from tests.web.test_sme_applications import WATER_CASE

    made = sme.post("/api/sme/cases", json=WATER_CASE)  # type: ignore[attr-defined]
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_a_kvk_clash_on_import_names_no_other_firm(app: FastAPI, clients: Clients) -> None:
    """The issue: importing a scenario with another organisation's firm's KvK number told the
    importer that firm's name."""
    theirs = clients.new("organiser", organisation="Eerste Kamer")
    import_round(app, theirs, scenario("theirs"))
    with Session(app.state.engine) as session:
        firm = session.exec(select(Firm).where(Firm.kvk == "10000001")).one()
        name = firm.name
    document = scenario("mine")
    document["firms"][0]["name"] = "Een heel ander bedrijf"
    answer = clients.organiser.post("/api/organiser/rounds/import", json=document)
    assert answer.status_code == 422
    text = json.dumps(answer.json())
    assert "10000001 is already taken" in text
    assert name not in text
    page = post_form(
        clients.organiser,
        "/organiser/import",
        files={"scenario": ("r.json", json.dumps(document).encode(), "application/json")},
    )
    assert page.status_code == 422 and "is already taken" in page.text and name not in page.text


def test_the_operator_imports_a_round_into_an_organisation(
    app: FastAPI, clients: Clients, tmp_path: Path
) -> None:
    organiser = clients.organiser
    organisation_id = organisation_of(organiser)
    with Session(app.state.engine) as session:
        from matchmaker.models import Organisation

        name = session.get(Organisation, organisation_id).name  # type: ignore[union-attr]
    path = tmp_path / "round.json"
    path.write_text(json.dumps(scenario("by-operator")))
    url = app.state.engine.url.render_as_string(hide_password=False)
    env = {"DATABASE_URL": url}
    unknown = CliRunner().invoke(cli, ["import", str(path), "--organisation", "Nobody"], env=env)
    assert unknown.exit_code == 2 and "Nobody" in unknown.output
    done = CliRunner().invoke(cli, ["import", str(path), "--organisation", name], env=env)
    assert done.exit_code == 0, done.output
    with Session(app.state.engine) as session:
        assert session.get(Round, "by-operator").organisation_id == organisation_id  # type: ignore[union-attr]
    assert organiser.get("/organiser/rounds/by-operator").status_code == 200
    other = clients.new("organiser", organisation="Andere Kamer")
    assert other.get("/organiser/rounds/by-operator").status_code == 404
