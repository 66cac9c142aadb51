"""A matching run starts only on a closed round: on an open round or a draft, the web page and
the API answer 409 "close the round first" (in Dutch and English) and no run is made."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session, func, select

from matchmaker.models import MatchingRun, RoundStatus
from tests.web.clients import Clients, post_form
from tests.web.test_runs_support import (
    import_round,
    run_round,
    runner,  # noqa: F401  (fixture)
    set_round_status,
    waiting_round,
)

pytestmark = pytest.mark.usefixtures("runner")


def _runs(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(MatchingRun)).one()


@pytest.mark.parametrize("status", [RoundStatus.open, RoundStatus.draft])
def test_a_round_that_is_not_closed_is_not_matched(
    clients: Clients, app: FastAPI, status: RoundStatus
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser, status=status)

    api = organiser.post(f"/api/rounds/{round_id}/runs", json={"seed": 1})
    assert api.status_code == 409
    assert "Close the round first" in api.json()["detail"]
    assert "Sluit eerst de ronde" in api.json()["detail"]

    page = post_form(organiser, f"/organiser/rounds/{round_id}/runs", {"seed": "1"})
    assert page.status_code == 409
    assert "Close the round first" in page.text and "Sluit eerst de ronde" in page.text
    assert _runs(app) == 0

    shown = organiser.get(f"/organiser/rounds/{round_id}/runs")
    assert shown.status_code == 200
    assert 'id="close-first"' in shown.text
    assert f'action="/organiser/rounds/{round_id}/runs"' not in shown.text


def test_a_failed_run_of_a_round_opened_again_does_not_restart(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    document = waiting_round("R-FAILED", capacity=1, applicants=3)
    document["locked"] = [{"firm": "F1", "mission": "M1"}, {"firm": "F2", "mission": "M1"}]
    round_id = import_round(app, document, organiser)
    run = run_round(app, organiser, round_id)
    assert run["state"] == "failed"
    set_round_status(app, round_id, RoundStatus.open)

    refused = organiser.post(f"/api/runs/{run['id']}/restart")
    assert refused.status_code == 409
    assert "Close the round first" in refused.json()["detail"]
    page = post_form(organiser, f"/organiser/runs/{run['id']}/restart")
    assert page.status_code == 409
    assert _runs(app) == 1

    set_round_status(app, round_id, RoundStatus.closed)
    assert organiser.post(f"/api/runs/{run['id']}/restart").status_code == 202
