"""The job runner: recovery of cut-off runs at start-up, the in-process thread (SQLite), the
procrastinate queue and its workers (PostgreSQL), and a server killed mid-solve."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel import Session, col, select

from matchmaker import db, jobs
from matchmaker.models import AuditLog, MatchingRun, Placement, RoundStatus, RunState
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import import_scenario
from matchmaker.synthetic import generate_round
from tests.test_cli_service import free_port, start_server, wait_until_serving
from tests.web.clients import Clients
from tests.web.test_runs_support import (
    finish_runs,
    import_round,
    make_app,
    postgres_apps,
    user_of,
    waiting_round,
)


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[FastAPI]:
    """The app on SQLite alone, for what only the in-process runner does."""
    application = make_app(f"sqlite:///{tmp_path / 'matchmaker.db'}")
    yield application
    application.state.engine.dispose()


@pytest.fixture
def postgres_app() -> Iterator[FastAPI]:
    yield from postgres_apps()


@pytest.fixture
def postgres_clients(postgres_app: FastAPI) -> Iterator[Clients]:
    with Clients(postgres_app) as made:
        yield made


def add_run(app: FastAPI, round_id: str, state: RunState) -> int:
    with Session(app.state.engine) as session:
        run = MatchingRun(
            round_id=round_id,
            state=state,
            input_snapshot={},
            snapshot_sha256="0" * 64,
            ortools_version="test",
        )
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def states(app: FastAPI) -> dict[int, str]:
    with Session(app.state.engine) as session:
        return {
            run.id or 0: str(run.state)
            for run in session.exec(select(MatchingRun).order_by(col(MatchingRun.id)))
        }


def queue_jobs(app: FastAPI) -> list[tuple[int, str]]:
    """(run id, job status) of every matching job in procrastinate's table."""
    with Session(app.state.engine) as session:
        rows = session.execute(
            text("SELECT args, status FROM procrastinate_jobs WHERE task_name = :task"),
            {"task": jobs.RUN_TASK},
        ).all()
    return sorted((int(args["run_id"]), str(status)) for args, status in rows)


def test_start_up_marks_cut_off_runs_interrupted(app: FastAPI) -> None:
    # Runs left behind by a server that crashed: nothing runs them any more.
    round_id = import_round(app, waiting_round())
    queued = add_run(app, round_id, RunState.queued)
    running = add_run(app, round_id, RunState.running)
    done = add_run(app, round_id, RunState.succeeded)

    jobs.start(app)  # what the application's lifespan does when the server starts again
    try:
        assert states(app) == {queued: "interrupted", running: "interrupted", done: "succeeded"}
        with Session(app.state.engine) as session:
            recorded = session.exec(
                select(AuditLog.object_id).where(AuditLog.action == "run.interrupted")
            ).all()
            assert sorted(recorded) == sorted([str(queued), str(running)])
            run = session.get(MatchingRun, running)
            assert run is not None and "restart" in (run.error or "")
            assert session.exec(select(Placement)).all() == []
        # Either can be started again.
        with Clients(app) as clients:
            again = clients.organiser.post(f"/api/runs/{running}/restart")
            assert again.status_code == 202
            finish_runs(app)
            assert states(app)[again.json()["id"]] == "succeeded"
    finally:
        jobs.stop(app)


def test_starts_and_stops_are_counted(app: FastAPI) -> None:
    jobs.start(app)
    jobs.start(app)
    queue = app.state.job_queue
    jobs.stop(app)
    assert app.state.job_queue is queue  # one user left
    jobs.stop(app)
    assert app.state.job_queue is None
    jobs.stop(app)  # stopping a stopped runner is harmless


def test_with_sqlite_the_server_thread_runs_the_job(sqlite_app: FastAPI) -> None:
    app = sqlite_app
    jobs.start(app)
    try:
        with Clients(app) as clients:
            round_id = import_round(app, waiting_round(), clients.organiser)
            started = clients.organiser.post(f"/api/rounds/{round_id}/runs")
            assert isinstance(app.state.job_queue, jobs.ThreadRunner)
            deadline = time.monotonic() + 30
            while states(app)[started.json()["id"]] != "succeeded":
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        jobs.stop(app)


# --------------------------------------------------------------------------- PostgreSQL


def test_with_postgresql_the_server_only_enqueues_and_a_worker_runs_the_job(
    postgres_clients: Clients, postgres_app: FastAPI
) -> None:
    clients, app = postgres_clients, postgres_app
    jobs.start(app)
    try:
        round_id = import_round(app, waiting_round(), clients.organiser)
        started = clients.organiser.post(f"/api/rounds/{round_id}/runs")
        assert started.status_code == 202
        run_id = started.json()["id"]
        time.sleep(0.5)
        assert states(app)[run_id] == "queued"  # nobody in the server solves it
        assert queue_jobs(app) == [(run_id, "todo")]

        jobs.run_worker(
            database_url=app.state.engine.url, burst=True, install_signal_handlers=False
        )
        assert states(app)[run_id] == "succeeded"
        assert queue_jobs(app) == []  # successful jobs are removed
    finally:
        jobs.stop(app)


def test_with_postgresql_the_job_is_part_of_the_runs_transaction(
    postgres_clients: Clients, postgres_app: FastAPI
) -> None:
    clients, app = postgres_clients, postgres_app
    jobs.start(app)
    try:
        round_id = import_round(app, waiting_round(), clients.organiser)
        queue = app.state.job_queue

        def defer_then_fail(session: Session, run_id: int) -> None:
            queue.defer(session, run_id)
            raise RuntimeError("the server died before committing")

        with Session(app.state.engine) as session, pytest.raises(RuntimeError):
            run_service.start_run(
                session=session,
                round_id=round_id,
                actor=user_of(app, clients.organiser),
                options=run_service.solve_options(),
                enqueue=defer_then_fail,
            )
        assert states(app) == {}
        assert queue_jobs(app) == []
    finally:
        jobs.stop(app)


def test_with_postgresql_a_restart_keeps_waiting_runs_and_interrupts_dead_ones(
    postgres_clients: Clients, postgres_app: FastAPI
) -> None:
    clients, app = postgres_clients, postgres_app
    jobs.start(app)
    try:
        round_id = import_round(app, waiting_round(), clients.organiser)
        waiting = clients.organiser.post(f"/api/rounds/{round_id}/runs").json()["id"]
        orphan = add_run(app, round_id, RunState.running)  # its worker died with its job
        assert jobs.recover(app.state.engine) == [orphan]
        assert states(app) == {waiting: "queued", orphan: "interrupted"}
        finish_runs(app)
        assert states(app)[waiting] == "succeeded"
    finally:
        jobs.stop(app)


def test_with_postgresql_several_workers_share_the_queue(
    postgres_clients: Clients, postgres_app: FastAPI
) -> None:
    clients, app = postgres_clients, postgres_app
    jobs.start(app)
    try:
        organiser = clients.organiser
        run_ids = []
        for round_id in ("R1", "R2", "R3"):
            import_round(app, waiting_round(round_id), organiser)
            run_ids.append(organiser.post(f"/api/rounds/{round_id}/runs").json()["id"])
        errors: list[BaseException] = []

        def work(name: str) -> None:
            try:
                jobs.run_worker(
                    database_url=app.state.engine.url,
                    burst=True,
                    name=name,
                    install_signal_handlers=False,
                )
            except BaseException as error:  # reported below
                errors.append(error)

        workers = [threading.Thread(target=work, args=(f"w{n}",)) for n in (1, 2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert errors == []
        assert [states(app)[run_id] for run_id in run_ids] == ["succeeded"] * 3
    finally:
        jobs.stop(app)


# --------------------------------------------------------------------------- kill -9


def test_a_server_killed_mid_solve_leaves_an_interrupted_run_and_no_roster(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    port = free_port()
    server = start_server(url, port, "--demo")
    try:
        wait_until_serving(server, port)
        assert server.stdout is not None
        output = ""
        while "organiser@demo" not in output:
            output += server.stdout.readline()
        password = re.search(r"organiser@demo\.matchmaker\.example\s*│\s*(\S+)", output)
        assert password is not None
        # A round big enough that its solve takes a few seconds (no organisation: every
        # organiser sees it).
        engine = db.create_db_engine(url)
        with Session(engine) as session:
            document: dict[str, Any] = generate_round(firms=500, missions=30, seed=11)
            round_row = import_scenario(session=session, document=document)
            round_row.status = RoundStatus.closed  # a run takes only a closed round
            session.add(round_row)
            session.commit()
            round_id = round_row.id
        engine.dispose()

        base = f"http://127.0.0.1:{port}"
        token = httpx.post(
            f"{base}/api/tokens",
            json={"email": "organiser@demo.matchmaker.example", "password": password.group(1)},
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        started = httpx.post(
            f"{base}/api/rounds/{round_id}/runs", headers=headers, json={}, timeout=30
        )
        assert started.status_code == 202, started.text
        run_id = started.json()["id"]
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/api/runs/{run_id}", headers=headers).json()["state"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    engine = db.create_db_engine(url)
    try:
        with Session(engine) as session:
            run = session.get(MatchingRun, run_id)
            assert run is not None and run.state == RunState.running  # cut off as it was
        restarted = start_server(url, port)
        try:
            wait_until_serving(restarted, port)
            run_page = httpx.get(f"{base}/api/runs/{run_id}", headers=headers).json()
            assert run_page["state"] == "interrupted"
            assert run_page["error"].startswith("cut off while running")
            with Session(engine) as session:
                placements = session.exec(select(Placement).where(Placement.run_id == run_id)).all()
                assert placements == []  # no partial roster
            again = httpx.post(f"{base}/api/runs/{run_id}/restart", headers=headers, timeout=30)
            assert again.status_code == 202
        finally:
            restarted.terminate()
            try:
                restarted.wait(timeout=15)
            except subprocess.TimeoutExpired:
                restarted.kill()
                restarted.wait()
    finally:
        engine.dispose()


def test_closing_the_test_clients_stops_the_apps_job_runner(app: FastAPI) -> None:
    """Test clients end the app's lifespan when closed: no runner thread outlives its test."""
    with Clients(app) as clients:
        assert clients.sme.get("/sme").status_code == 200
        runner = app.state.job_queue
        sqlite = app.state.engine.dialect.name == "sqlite"
        assert isinstance(runner, jobs.ThreadRunner) == sqlite
    assert getattr(app.state, "job_queue", None) is None
    if isinstance(runner, jobs.ThreadRunner):
        assert not runner._thread.is_alive()
