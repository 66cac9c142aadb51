"""A stored run is reproducible: re-solving its snapshot with its parameters and seed gives
the same result hash; the run page shows the hash, and warns when OR-Tools has changed."""

from __future__ import annotations

import copy

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from matchmaker.models import MatchingRun
from matchmaker.services import runs as run_service
from tests.web.clients import Clients
from tests.web.test_runs_support import (
    finish_runs,
    import_round,
    runner,  # noqa: F401  (fixture)
    waiting_round,
)

pytestmark = pytest.mark.usefixtures("runner")


def _run(app: FastAPI, run_id: int) -> MatchingRun:
    with Session(app.state.engine) as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        session.expunge(run)
        return run


def _start_and_finish(app: FastAPI, clients: Clients, **parameters: object) -> int:
    round_id = import_round(
        app, waiting_round(capacity=2, applicants=7, mission_count=3), clients.organiser
    )
    started = clients.organiser.post(f"/api/rounds/{round_id}/runs", json=parameters)
    assert started.status_code == 202, started.text
    finish_runs(app)
    return started.json()["id"]


def test_the_result_hash_leaves_out_timing_and_nothing_else() -> None:
    document = {
        "status": "OPTIMAL",
        "objective": 10,
        "solve_seconds": 0.21,
        "placements": [{"firm": "F1", "mission": "M1", "score": 1150}],
    }
    digest = run_service.result_digest(document)
    assert len(digest) == 64
    slower = {**document, "solve_seconds": 9.87}
    assert run_service.result_digest(slower) == digest
    reordered = dict(reversed(list(document.items())))
    assert run_service.result_digest(reordered) == digest
    other_score = copy.deepcopy(document)
    other_score["placements"][0]["score"] = 1149
    assert run_service.result_digest(other_score) != digest
    assert run_service.result_digest({**document, "objective": 11}) != digest


def test_re_solving_a_stored_snapshot_gives_the_stored_result_hash(
    app: FastAPI, clients: Clients
) -> None:
    run_id = _start_and_finish(app, clients, seed=7, workers=1, time_limit=60)
    run = _run(app, run_id)
    assert run.state == "succeeded" and run.result is not None
    assert run.result_sha256 == run_service.result_digest(run.result)
    assert run.parameters["seed"] == run.seed == 7

    again = run_service.resolve_snapshot(run)
    assert run_service.result_digest(again) == run.result_sha256
    assert again["placements"] == run.result["placements"]
    assert again["unplaced"] == run.result["unplaced"]

    # The API gives the hash too.
    shown = clients.organiser.get(f"/api/runs/{run_id}").json()
    assert shown["result_sha256"] == run.result_sha256
    assert shown["ortools_version_differs"] is False


def test_the_run_page_shows_the_hash_and_warns_when_or_tools_differs(
    app: FastAPI, clients: Clients
) -> None:
    run_id = _start_and_finish(app, clients)
    run = _run(app, run_id)
    page = clients.organiser.get(f"/organiser/runs/{run_id}")
    assert page.status_code == 200
    assert f'<code class="result-hash">{run.result_sha256}</code>' in page.text
    assert "ortools-differs" not in page.text

    with Session(app.state.engine) as session:
        stored = session.get(MatchingRun, run_id)
        assert stored is not None
        stored.ortools_version = "9.0.0"
        session.add(stored)
        session.commit()
    page = clients.organiser.get(f"/organiser/runs/{run_id}")
    installed = run_service.ortools_version()
    assert 'class="warning ortools-differs"' in page.text
    assert "This run was made with OR-Tools\n9.0.0, and OR-Tools " + installed in page.text
    assert clients.organiser.get(f"/api/runs/{run_id}").json()["ortools_version_differs"] is True
