"""History from the record: a firm's missions of the last three years are its accepted
places in the service's published rounds plus the missions outside matchmaker an organiser
entered (in its own world only); the firm cannot enter the number itself."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from matchmaker.models import ExternalMission, RoundFirm
from matchmaker.services import scenario_exports
from tests.web.clients import Clients, post_form
from tests.web.test_runs_support import (
    import_round,
    link_firm,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    waiting_round,
)
from tests.web.test_sme_firm import FIRM, FIRM_JSON, bearer, register_firm

pytestmark = pytest.mark.usefixtures("runner")

FROM_THE_RECORD = "comes from the record"


def _firm_id(app: FastAPI, round_id: str, key: str) -> int:
    with Session(app.state.engine) as session:
        return session.exec(
            select(RoundFirm.firm_id).where(
                RoundFirm.round_id == round_id, RoundFirm.external_id == key
            )
        ).one()


def _history(app: FastAPI, round_id: str) -> dict[str, int]:
    with Session(app.state.engine) as session:
        document = scenario_exports.export_round(session=session, round_id=round_id)
    return {firm["id"]: firm["missions_last_3_years"] for firm in document["firms"]}


def test_the_firm_cannot_enter_its_history(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    headers = bearer(sme)
    refused = sme.post(
        "/api/sme/firm", headers=headers, json={**FIRM_JSON, "missions_last_3_years": 2}
    )
    assert refused.status_code == 422
    assert refused.json()["problems"][0].startswith(f"missions_last_3_years: {FROM_THE_RECORD}")
    form = sme.get("/sme/firm")
    assert 'name="missions_last_3_years"' not in form.text
    page = post_form(sme, "/sme/firm", {**FIRM, "missions_last_3_years": "2"})
    assert page.status_code == 400 and FROM_THE_RECORD in page.text
    register_firm(sme)
    changed = sme.patch("/api/sme/firm", headers=headers, json={"missions_last_3_years": 0})
    assert changed.status_code == 422
    assert "missions_last_3_years" in changed.json()["problems"][0]


def test_history_counts_accepted_places_and_missions_outside(
    app: FastAPI, clients: Clients
) -> None:
    organiser, sme = clients.organiser, clients.sme
    past = import_round(app, waiting_round("R-PAST", capacity=2, applicants=3), organiser)
    run = run_round(app, organiser, past)
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    link_firm(app, sme, past, "F1")
    f1_place = placement_of(app, run["id"], "F1")
    assert post_form(sme, f"/sme/placements/{f1_place.id}/accept").status_code == 303
    # F2 was offered a place too but did not accept it: that does not count.

    document = waiting_round("R-NOW", capacity=2, applicants=3)
    for mission in document["missions"]:
        mission["start"] = mission["end"] = "2029-01-10"
    now = import_round(app, document, organiser)
    f1 = _firm_id(app, now, "F1")
    assert _history(app, now) == {"F1": 1, "F2": 0, "F3": 1}  # F3 imported with 1

    url = f"/api/organiser/firms/{f1}/external-missions"
    inside = organiser.post(
        url, json={"title": "Hannover Messe", "country": "de", "mission_date": "2026-04-20"}
    )
    assert inside.status_code == 201, inside.text
    assert inside.json()["country"] == "DE" and inside.json()["outside_matchmaker"] is True
    too_old = organiser.post(
        url, json={"title": "Vakbeurs", "country": "BE", "mission_date": "2025-04-01"}
    )
    assert too_old.status_code == 201
    assert _history(app, now) == {"F1": 2, "F2": 0, "F3": 1}  # the 2025 one is outside
    assert [e["title"] for e in organiser.get(url).json()] == ["Hannover Messe", "Vakbeurs"]

    # The firm sees both kinds on its profile, the organiser's marked as outside.
    profile = sme.get("/sme/firm").text
    assert "Hannover Messe" in profile and "outside matchmaker" in profile
    assert "2027-01-10: Mission M1 (Germany)" in profile
    assert '<span class="tag tag-ok">matchmaker</span>' in profile

    assert (
        organiser.delete(f"/api/organiser/external-missions/{inside.json()['id']}").status_code
        == 204
    )
    assert _history(app, now)["F1"] == 1


def test_entering_history_checks_input_and_tenancy(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    stranger = clients.new("organiser", organisation="Vreemde Kamer")
    round_id = import_round(app, waiting_round(), organiser)
    firm_id = _firm_id(app, round_id, "F1")
    url = f"/api/organiser/firms/{firm_id}/external-missions"

    bad = organiser.post(url, json={"title": " ", "country": "XX", "mission_date": "2999-01-01"})
    assert bad.status_code == 422
    assert {line.split(":")[0] for line in bad.json()["problems"]} == {
        "title",
        "country",
        "mission_date",
    }
    page = post_form(
        organiser, f"/organiser/firms/{firm_id}/history", {"title": "Expo", "country": "ZZ"}
    )
    assert page.status_code == 400 and "ISO 3166-1" in page.text
    added = post_form(
        organiser,
        f"/organiser/firms/{firm_id}/history",
        {"title": "Expo Posen", "country": "PL", "mission_date": "2026-03-02", "note": "eigen"},
    )
    assert added.status_code == 303
    shown = organiser.get(f"/organiser/firms/{firm_id}/history")
    assert "Expo Posen" in shown.text and "outside matchmaker" in shown.text
    with Session(app.state.engine) as session:
        entry_id = session.exec(select(ExternalMission.id)).one()

    # A peer organiser: the firm is not in its world, nor the entry its organisation's.
    assert stranger.get(url).status_code == 404
    assert (
        stranger.post(
            url, json={"title": "X", "country": "DE", "mission_date": "2026-01-01"}
        ).status_code
        == 404
    )
    assert stranger.get(f"/organiser/firms/{firm_id}/history").status_code == 404
    assert stranger.delete(f"/api/organiser/external-missions/{entry_id}").status_code == 404
    assert post_form(stranger, f"/organiser/external-missions/{entry_id}/delete").status_code == 404
    assert organiser.get("/api/organiser/firms/99999999999/external-missions").status_code == 404

    deleted = post_form(organiser, f"/organiser/external-missions/{entry_id}/delete")
    assert deleted.status_code == 303
    assert deleted.headers["location"] == f"/organiser/firms/{firm_id}/history"
    assert organiser.get(url).json() == []


def test_a_round_with_history_from_the_record_imports_again(app: FastAPI, clients: Clients) -> None:
    """Its export states F1's counted history (1, from the record); importing that file as a
    new round matches the registered firm instead of refusing it for a different number."""
    organiser, sme = clients.organiser, clients.sme
    past = import_round(app, waiting_round("R-PAST", capacity=2, applicants=3), organiser)
    run = run_round(app, organiser, past)
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    link_firm(app, sme, past, "F1")
    assert post_form(sme, f"/sme/placements/{placement_of(app, run['id'], 'F1').id}/accept")
    document = waiting_round("R-NOW", capacity=2, applicants=3)
    for mission in document["missions"]:
        mission["start"] = mission["end"] = "2029-01-10"
    now = import_round(app, document, organiser)
    with Session(app.state.engine) as session:
        exported = scenario_exports.export_round(session=session, round_id=now)
    assert {f["id"]: f["missions_last_3_years"] for f in exported["firms"]}["F1"] == 1
    exported["round"]["id"] = "R-AGAIN"
    again = import_round(app, exported, organiser)
    assert _firm_id(app, again, "F1") == _firm_id(app, now, "F1")
    assert _history(app, again)["F1"] == 1
