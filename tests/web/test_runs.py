"""Matching runs over HTTP: start, progress, roster with reasons, locks, re-runs, publish."""

from __future__ import annotations

import hashlib
import json
import re
import time

from fastapi import FastAPI
from sqlmodel import Session, col, func, select

from matchmaker.models import (
    AuditLog,
    Firm,
    MatchingRun,
    Placement,
    Round,
    RoundFirm,
    RoundStatus,
    RunState,
)
from matchmaker.optimisation import Progress
from matchmaker.optimisation.stopping import StopRequest
from matchmaker.services import run_execution, solver_jobs
from matchmaker.services import runs as run_service
from tests import builders as b
from tests.web.clients import Clients, post_form
from tests.web.test_runs_support import (
    finish_runs,
    import_round,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    set_round_status,
    standings,
    user_of,
    waiting_round,
)

pytestmark = __import__("pytest").mark.usefixtures("runner")


def test_an_organiser_starts_a_run_and_reads_the_roster_with_reasons(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(capacity=2, applicants=4), organiser)

    page = organiser.get(f"/organiser/rounds/{round_id}/runs")
    assert page.status_code == 200
    assert "No runs yet" in page.text
    assert 'action="/organiser/rounds/R1/runs"' in page.text

    started = post_form(
        organiser,
        f"/organiser/rounds/{round_id}/runs",
        {"time_limit": "20", "seed": "3", "workers": "1"},
    )
    assert started.status_code == 303
    run_url = started.headers["location"]
    run_id = int(run_url.rsplit("/", 1)[1])

    queued_page = organiser.get(run_url)
    assert queued_page.status_code == 200
    assert "<progress" in queued_page.text
    finish_runs(app)

    progress = organiser.get(f"/organiser/runs/{run_id}/progress").json()
    assert progress["state"] == "succeeded"
    assert progress["finished"] is True
    assert progress["percent"] == 100
    assert progress["best_objective"] is not None

    page = organiser.get(run_url)
    assert page.status_code == 200
    assert "data-progress-url" not in page.text  # a finished run is not polled
    assert "Roster per mission" in page.text
    assert page.text.count('class="holder"') == 2
    assert page.text.count('class="other"') == 2
    assert "outranked" in page.text
    assert "mission full" in page.text  # the engine's detail next to the reason
    # Fairness you can show: in this round nobody envies a lower-scored firm's place.
    assert "no firm could take the place of a lower-scored firm" in page.text

    with Session(app.state.engine) as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        assert run.parameters == {"time_limit": 20.0, "workers": 1, "seed": 3, "engine": "auto"}
        assert run.seed == 3
        assert run.result is not None and run.result["status"] == "OPTIMAL"
        placements = session.exec(select(Placement).where(Placement.run_id == run_id)).all()
        assert len(placements) == 4  # every application, placed or not
        unplaced = [p for p in placements if p.status == "unplaced"]
        assert all(p.reason == "outranked" and p.detail for p in unplaced)
        assert all(p.score is not None for p in placements)
        actions = session.exec(
            select(AuditLog.action)
            .where(AuditLog.object_type == "matching_run", AuditLog.object_id == str(run_id))
            .order_by(col(AuditLog.id))
        ).all()
        assert actions == ["run.start", "run.running", "run.succeeded"]
    assert standings(app, run_id) == {
        ("F1", "M1"): "placed",
        ("F2", "M1"): "placed",
        ("F3", "M1"): "unplaced",
        ("F4", "M1"): "unplaced",
    }


def test_the_api_reports_the_snapshot_its_digest_and_the_result(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(capacity=1, applicants=3), organiser)
    # F1 and F2 tie; the lottery of seed 5 draws F1 first.
    response = organiser.post(f"/api/rounds/{round_id}/runs", json={"seed": 5, "time_limit": 30})
    assert response.status_code == 202
    assert response.json()["state"] in ("queued", "running", "succeeded")  # the thread is quick
    run_id = response.json()["id"]
    finish_runs(app)

    run = organiser.get(f"/api/runs/{run_id}").json()
    assert run["state"] == "succeeded" and run["status"] == "OPTIMAL"
    assert run["seed"] == 5 and run["parameters"]["time_limit"] == 30
    assert re.fullmatch(r"\d+\.\d+.*", run["ortools_version"])

    snapshot = organiser.get(f"/api/runs/{run_id}/scenario").json()
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode()).hexdigest() == run["snapshot_sha256"]
    assert snapshot["round"]["id"] == round_id and snapshot["locked"] == []

    result = organiser.get(f"/api/runs/{run_id}/result").json()
    assert result["format"] == "matchmaker-result/1"
    assert [p["firm"] for p in result["placements"]] == ["F1"]

    roster = organiser.get(f"/api/runs/{run_id}/placements").json()
    assert {(r["firm"], r["status"]) for r in roster} == {
        ("F1", "placed"),
        ("F2", "unplaced"),
        ("F3", "unplaced"),
    }
    assert all(r["reason"] == "outranked" for r in roster if r["status"] == "unplaced")

    listed = organiser.get(f"/api/rounds/{round_id}/runs").json()
    assert [r["id"] for r in listed] == [run_id]


def test_bad_run_settings_answer_422_with_the_field(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    response = organiser.post(f"/api/rounds/{round_id}/runs", json={"workers": 0, "typo": 1})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert any(p.startswith("workers") for p in problems)
    assert any(p.startswith("typo") for p in problems)
    page = post_form(organiser, f"/organiser/rounds/{round_id}/runs", {"time_limit": "-1"})
    assert page.status_code == 422
    with Session(app.state.engine) as session:
        assert session.exec(select(func.count()).select_from(MatchingRun)).one() == 0


def test_a_lock_keeps_a_placement_through_a_rerun_and_an_unlock_releases_it(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(capacity=2, applicants=4), organiser)
    first = run_round(app, organiser, round_id)
    f1 = placement_of(app, first["id"], "F1")
    assert f1.status == "placed"

    locked = post_form(organiser, f"/organiser/placements/{f1.id}/lock")
    assert locked.status_code == 303
    assert locked.headers["location"] == f"/organiser/runs/{first['id']}#placement-{f1.id}"
    page = organiser.get(f"/organiser/runs/{first['id']}")
    assert "Unlock" in page.text
    # An unplaced application cannot be locked.
    f3 = placement_of(app, first["id"], "F3")
    assert post_form(organiser, f"/organiser/placements/{f3.id}/lock").status_code == 409
    assert organiser.post(f"/api/placements/{f3.id}/lock").status_code == 409

    # F1 now has the weakest claim of all, yet the re-run keeps it because it is locked.
    with Session(app.state.engine) as session:
        firm = session.exec(
            select(Firm)
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Firm.id))
            .where(RoundFirm.external_id == "F1", RoundFirm.round_id == round_id)
        ).one()
        firm.missions_last_3_years = 3
        session.add(firm)
        session.commit()
    second = run_round(app, organiser, round_id)
    assert second["state"] == "succeeded"
    snapshot = organiser.get(f"/api/runs/{second['id']}/scenario").json()
    assert snapshot["locked"] == [{"firm": "F1", "mission": "M1"}]
    kept = placement_of(app, second["id"], "F1")
    assert (kept.status, kept.locked) == ("placed", True)
    # Locks change only on the newest run's roster.
    assert post_form(organiser, f"/organiser/placements/{f1.id}/unlock").status_code == 409

    unlocked = organiser.post(f"/api/placements/{kept.id}/unlock")
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    third = run_round(app, organiser, round_id)
    assert placement_of(app, third["id"], "F1").status == "unplaced"
    assert organiser.get(f"/api/runs/{third['id']}/scenario").json()["locked"] == []


def test_publishing_makes_the_placements_offers_and_ends_the_runs(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    run = run_round(app, organiser, round_id)
    set_round_status(app, round_id, RoundStatus.open)  # re-opened after the run

    # An open round is not published: applications are still coming in.
    refused = post_form(organiser, f"/organiser/runs/{run['id']}/publish", {"confirm": "yes"})
    assert refused.status_code == 409
    assert "close it" in refused.text
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None
        round_row.status = RoundStatus.closed
        session.add(round_row)
        session.commit()

    published = post_form(organiser, f"/organiser/runs/{run['id']}/publish", {"confirm": "yes"})
    assert published.status_code == 303
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None and round_row.status == RoundStatus.published
    statuses = standings(app, run["id"])
    assert sorted(statuses.values()) == ["offered", "offered", "unplaced", "unplaced", "unplaced"]

    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 409
    again = organiser.post(f"/api/rounds/{round_id}/runs")
    assert again.status_code == 409
    assert "published" in again.json()["detail"]
    assert post_form(organiser, f"/organiser/rounds/{round_id}/runs").status_code == 409
    page = organiser.get(f"/organiser/runs/{run['id']}")
    assert "Waiting list" in page.text and "Offer a place" in page.text


def test_only_the_newest_succeeded_run_can_be_published(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    older = run_round(app, organiser, round_id)
    newer = run_round(app, organiser, round_id)
    assert organiser.post(f"/api/runs/{older['id']}/publish").status_code == 409
    response = organiser.post(f"/api/runs/{newer['id']}/publish")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_a_second_run_waits_for_the_first_and_an_interrupted_run_starts_again(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    with Session(app.state.engine) as session:
        busy = MatchingRun(
            round_id=round_id,
            state=RunState.running,
            input_snapshot={},
            snapshot_sha256="0" * 64,
            ortools_version="test",
            parameters={"time_limit": 10, "workers": 1, "seed": 5, "engine": "auto"},
            seed=5,
        )
        session.add(busy)
        session.commit()
        busy_id = busy.id
    refused = organiser.post(f"/api/rounds/{round_id}/runs")
    assert refused.status_code == 409
    assert f"run {busy_id}" in refused.json()["detail"]
    assert organiser.post(f"/api/runs/{busy_id}/restart").status_code == 409

    assert run_execution.recover_interrupted(engine=app.state.engine) == [busy_id]
    page = organiser.get(f"/organiser/runs/{busy_id}")
    assert "interrupted" in page.text and "Start this run again" in page.text
    restarted = post_form(organiser, f"/organiser/runs/{busy_id}/restart")
    assert restarted.status_code == 303
    new_id = int(restarted.headers["location"].rsplit("/", 1)[1])
    assert new_id != busy_id
    finish_runs(app)
    run = organiser.get(f"/api/runs/{new_id}").json()
    assert run["state"] == "succeeded"
    assert run["seed"] == 5 and run["parameters"]["time_limit"] == 10


def test_impossible_locks_fail_the_run_with_the_pairs_named(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    document = waiting_round(capacity=1, applicants=3)
    document["locked"] = [{"firm": "F1", "mission": "M1"}, {"firm": "F2", "mission": "M1"}]
    round_id = import_round(app, document, organiser)
    run = run_round(app, organiser, round_id)
    assert run["state"] == "failed"
    assert "F1 on M1" in run["error"] and "F2 on M1" in run["error"]
    assert run["status"] == "INFEASIBLE"
    assert organiser.get(f"/api/runs/{run['id']}/placements").json() == []
    page = organiser.get(f"/organiser/runs/{run['id']}")
    assert "Start this run again" in page.text
    again = organiser.post(f"/api/runs/{run['id']}/restart")
    assert again.status_code == 202


def test_another_organisation_sees_none_of_it(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    run = run_round(app, organiser, round_id)
    placement = placement_of(app, run["id"], "F1")
    stranger = clients.new("organiser", "organiser-other", organisation="Export Club Drenthe")
    assert user_of(app, stranger).organisation_id != user_of(app, organiser).organisation_id
    for url in (
        f"/organiser/rounds/{round_id}/runs",
        f"/organiser/runs/{run['id']}",
        f"/organiser/runs/{run['id']}/progress",
        f"/api/rounds/{round_id}/runs",
        f"/api/runs/{run['id']}",
        f"/api/runs/{run['id']}/result",
        f"/api/runs/{run['id']}/scenario",
        f"/api/runs/{run['id']}/placements",
    ):
        assert stranger.get(url).status_code == 404, url
    for url in (
        f"/organiser/rounds/{round_id}/runs",
        f"/organiser/runs/{run['id']}/publish",
        f"/organiser/runs/{run['id']}/restart",
        f"/organiser/placements/{placement.id}/lock",
    ):
        assert post_form(stranger, url).status_code == 404, url
    assert stranger.post(f"/api/runs/{run['id']}/publish").status_code == 404
    assert stranger.post(f"/api/placements/{placement.id}/lock").status_code == 404
    # A round imported by the command line belongs to no organisation: every organiser sees it.
    shared = b.round_doc()
    shared["round"]["id"] = "shared"
    import_round(app, shared)
    assert stranger.get("/organiser/rounds/shared/runs").status_code == 200


def test_progress_is_written_while_solving_at_most_twice_a_second(
    clients: Clients, app: FastAPI
) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    with Session(app.state.engine) as session:
        run = MatchingRun(
            round_id=round_id,
            state=RunState.running,
            input_snapshot={},
            snapshot_sha256="0" * 64,
            ortools_version="test",
        )
        session.add(run)
        session.commit()
        run_id = run.id
    assert run_id is not None
    engine = app.state.engine
    writer = solver_jobs.ProgressWriter(engine, run_service.MATCHING, run_id, StopRequest())
    writes = []
    write = writer._write
    writer._write = lambda progress: (writes.append(progress), write(progress))  # type: ignore[method-assign]
    writer.start()
    started = time.monotonic()
    for step in range(1200):
        writer.update(Progress(elapsed=0.1, objective=1000 + step, bound=5000))
        time.sleep(0.0005)
    time.sleep(0.6)
    writer.stop()
    elapsed = time.monotonic() - started
    assert 1 <= len(writes) <= elapsed / solver_jobs.PROGRESS_INTERVAL_SECONDS + 1
    progress = organiser.get(f"/organiser/runs/{run_id}/progress").json()
    assert progress["best_objective"] == 2199 and progress["best_bound"] == 5000
    assert progress["percent"] == 43 and progress["finished"] is False
    page = organiser.get(f"/organiser/runs/{run_id}")
    assert f'data-progress-url="/organiser/runs/{run_id}/progress"' in page.text
    assert '<script src="/static/run_progress.js" defer></script>' in page.text
    assert organiser.get("/static/run_progress.js").status_code == 200
