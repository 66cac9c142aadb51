"""A firm whose latest readiness scan recommends not_now or innovation_support is warned on
the mission pages and in the API before it applies, and its organiser sees a flag on the
roster; a later scan with another track takes the warning away."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker.models import Mission, RoundStatus
from tests.web.clients import Clients
from tests.web.test_readiness import READY
from tests.web.test_runs_support import (
    import_round,
    link_firm,
    run_round,
    runner,  # noqa: F401  (fixture)
    waiting_round,
)
from tests.web.test_sme_firm import bearer, register_firm

NOT_NOW = "Your latest readiness scan recommends no mission now"
INNOVATION = "Your latest readiness scan recommends innovation support first"


def _scan(client: TestClient, headers: dict[str, str], **changes: str) -> dict[str, Any]:
    response = client.post(
        "/api/sme/readiness", headers=headers, json={"answers": {**READY, **changes}}
    )
    assert response.status_code == 201, response.text
    return response.json()


def _mission_id(app: FastAPI, round_id: str) -> int:
    with Session(app.state.engine) as session:
        mission = session.exec(select(Mission).where(Mission.round_id == round_id)).first()
        assert mission is not None and mission.id is not None
        return mission.id


def test_the_firm_is_warned_before_it_applies(app: FastAPI, clients: Clients) -> None:
    sme = clients.sme
    round_id = import_round(app, waiting_round("R-OPEN"), status=RoundStatus.open)
    mission_id = _mission_id(app, round_id)
    register_firm(sme)
    headers = bearer(sme)
    assert "track-warning" not in sme.get(f"/missions/{mission_id}").text  # no scan yet
    assert sme.get(f"/api/missions/{mission_id}", headers=headers).json()["warning"] is None

    _scan(sme, headers, export_wish="no")
    page = sme.get(f"/missions/{mission_id}")
    assert NOT_NOW in page.text and "Uw laatste exportscan raadt nu geen missie aan" in page.text
    assert NOT_NOW in sme.get(f"/api/missions/{mission_id}", headers=headers).json()["warning"]
    listed = sme.get("/api/missions", headers=headers).json()
    assert listed and all(NOT_NOW in entry["warning"] for entry in listed)
    assert NOT_NOW in sme.get(f"/sme/rounds/{round_id}/preferences").text

    # The scan advises; applying stays possible, and the answer carries the warning.
    applied = sme.post(
        "/api/sme/applications", headers=headers, json={"mission_id": mission_id, "rank": 1}
    )
    assert applied.status_code == 201, applied.text
    assert NOT_NOW in applied.json()["warning"]
    assert NOT_NOW in sme.get(f"/missions/{mission_id}").text  # shown once applied too

    _scan(sme, headers, product_fit="needs_work")
    assert INNOVATION in sme.get(f"/missions/{mission_id}").text
    _scan(sme, headers)  # only the latest scan counts
    assert "track-warning" not in sme.get(f"/missions/{mission_id}").text
    assert sme.get("/api/sme/applications", headers=headers).json()[0]["warning"] is None


@pytest.mark.parametrize("who", ["anonymous", "organiser"])
def test_no_warning_for_anyone_but_a_firm(app: FastAPI, clients: Clients, who: str) -> None:
    round_id = import_round(app, waiting_round("R-OPEN"), status=RoundStatus.open)
    mission_id = _mission_id(app, round_id)
    client = clients.new_anonymous() if who == "anonymous" else clients.organiser
    assert client.get(f"/api/missions/{mission_id}").json()["warning"] is None


def test_the_organiser_sees_the_flag_on_the_roster(app: FastAPI, clients: Clients) -> None:
    organiser, sme = clients.organiser, clients.sme
    round_id = import_round(app, waiting_round(capacity=2, applicants=3), organiser)
    link_firm(app, sme, round_id, "F2")
    _scan(sme, bearer(sme), export_wish="later")
    run = run_round(app, organiser, round_id)
    assert run["state"] == "succeeded", run

    rows = organiser.get(f"/api/runs/{run['id']}/placements").json()
    flags = {row["firm"]: row["track_flag"] for row in rows}
    assert flags["F1"] is None and flags["F3"] is None
    assert flags["F2"] == "scan: niet nu / not now"
    page = organiser.get(f"/organiser/runs/{run['id']}")
    assert page.text.count('class="tag track-flag"') == 1
    assert "scan: niet nu / not now" in page.text
