"""Stopping solver jobs, on both databases: a queued job stops at once and is never solved; a
running matching run or meeting schedule run ends within seconds, marked stopped, keeping
the best answer its solver found (a valid roster or schedule, stored like any other)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from matchmaker import jobs
from matchmaker.models import (
    MatchingRun,
    MeetingDay,
    MeetingRequest,
    MeetingScheduleRun,
    Partner,
    Placement,
    RequestedBy,
    RunState,
    ScheduledMeeting,
)
from matchmaker.optimisation.meetings.generate import generate_day
from matchmaker.optimisation.meetings.schedule_check import check
from matchmaker.optimisation.validate import Round
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import run_execution
from matchmaker.services import runs as run_service
from matchmaker.synthetic import generate_round
from tests.web.clients import Clients, csrf
from tests.web.test_meetings import published_mission, set_up_day
from tests.web.test_runs_support import import_round, waiting_round

# Big enough that a solve takes well over the seconds a stop needs to arrive.
BIG_ROUND = {"firms": 5000, "missions": 200, "seed": 3}
# No fairness bound: the quick first pass is then a schedule from the start.
HARD_DAY = {"firms": 40, "partners": 30, "requests": 300, "slots": 16, "fairness": None}
STOPPED_WITHIN_SECONDS = 30.0


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"still waiting for {what} after {timeout} s")


def worker(app: FastAPI) -> threading.Thread | None:
    """On PostgreSQL, a worker process's loop in a thread (it takes the queued jobs one by
    one and ends when the queue is empty); on SQLite the server's own runner thread works."""
    engine = app.state.engine
    if engine.dialect.name != "postgresql":
        return None
    thread = threading.Thread(
        target=jobs.run_worker,
        kwargs={"database_url": engine.url, "burst": True, "install_signal_handlers": False},
        daemon=True,
    )
    thread.start()
    return thread


def run_state(organiser: TestClient, run_id: int) -> dict[str, Any]:
    response = organiser.get(f"/api/runs/{run_id}")
    assert response.status_code == 200, response.text
    return response.json()


def placements_of(app: FastAPI, run_id: int) -> int:
    with Session(app.state.engine) as session:
        return session.exec(
            select(func.count()).select_from(Placement).where(Placement.run_id == run_id)
        ).one()


def test_a_queued_run_stops_at_once_and_a_running_one_keeps_its_best_roster(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    document = generate_round(**BIG_ROUND)
    big = import_round(app, document, organiser)
    small = import_round(app, waiting_round("R-SMALL"), organiser)

    started = organiser.post(f"/api/rounds/{big}/runs", json={"time_limit": 600})
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    queued = organiser.post(f"/api/rounds/{small}/runs", json={})
    assert queued.status_code == 202, queued.text
    queued_id = queued.json()["id"]
    thread = worker(app)  # one job at a time: the small run waits behind the big one
    wait_for(lambda: run_state(organiser, run_id)["state"] == "running", "the big run to run")
    assert run_state(organiser, queued_id)["state"] == "queued"

    # The page shows a stop button while the run is going on.
    page = organiser.get(f"/organiser/runs/{run_id}")
    assert f'action="/organiser/runs/{run_id}/stop"' in page.text

    # A queued run, stopped from its page: stopped at once, never solved, nothing stored.
    stopped = organiser.post(
        f"/organiser/runs/{queued_id}/stop",
        data={"csrf_token": csrf(organiser)},
        follow_redirects=False,
    )
    assert stopped.status_code == 303, stopped.text
    assert run_state(organiser, queued_id)["state"] == "stopped"
    assert run_state(organiser, queued_id)["error"] == "stopped before it started"
    assert "stopped before it started" in organiser.get(f"/organiser/runs/{queued_id}").text

    # Another organisation's organiser cannot stop it: as if it did not exist.
    stranger = clients.new("organiser", "organiser-stranger", organisation="Other chamber")
    assert stranger.post(f"/api/runs/{run_id}/stop").status_code == 404

    # The running run, stopped over the API: it ends soon with the best roster so far.
    asked = time.monotonic()
    response = organiser.post(f"/api/runs/{run_id}/stop")
    assert response.status_code == 200, response.text
    assert response.json()["stop_requested_at"] is not None
    assert organiser.post(f"/api/runs/{run_id}/stop").status_code in (200, 409)  # harmless
    final = wait_for(
        lambda: (view := run_state(organiser, run_id))["finished"] and view,
        "the stopped run to end",
        STOPPED_WITHIN_SECONDS,
    )
    assert time.monotonic() - asked < STOPPED_WITHIN_SECONDS
    assert final["state"] == "stopped", final
    assert final["status"] in ("OPTIMAL", "FEASIBLE")
    assert final["error"] is None and final["elapsed_seconds"] < 600

    # Its roster is stored whole and keeps every hard rule.
    roster = organiser.get(f"/api/runs/{run_id}/placements").json()
    assert len(roster) == len(document["applications"])
    placed = [(row["firm"], row["mission"]) for row in roster if row["status"] == "placed"]
    assert placed
    assert Round(document).hard_violations(placed) == []

    # The page says it was stopped and shows the roster, a proposal the organiser may publish.
    page = organiser.get(f"/organiser/runs/{run_id}").text
    assert "Stopped at your request" in page and "Roster per mission" in page
    assert organiser.post(f"/api/runs/{run_id}/stop").status_code == 409
    assert organiser.post(f"/api/runs/{run_id}/publish").status_code == 200

    if thread is not None:
        thread.join(120)
        assert not thread.is_alive()
    # The worker took the stopped run's job afterwards and left it alone.
    assert run_execution.execute_run(engine=app.state.engine, run_id=queued_id) is None
    assert run_state(organiser, queued_id)["state"] == "stopped"
    assert placements_of(app, queued_id) == 0


def _hard_day_run(app: FastAPI, mission_id: int, firm_ids: list[int]) -> int:
    """A queued schedule run of the mission's day whose snapshot is a generated day too big
    to solve in seconds; the day gets one request row per requested meeting, so the schedule
    can be stored."""
    document = generate_day(3, **HARD_DAY)
    with Session(app.state.engine) as session:
        day = session.exec(select(MeetingDay).where(MeetingDay.mission_id == mission_id)).one()
        partners = [
            Partner(
                meeting_day_id=day.id or 0,
                name=f"Partner {i}",
                organisation=f"Partner {i} Ltd",
                country="GH",
                sector="energy",
            )
            for i in range(len(document["requested"]) // len(firm_ids) + 1)
        ]
        session.add_all(partners)
        session.flush()
        for index, requested in enumerate(document["requested"]):
            row = MeetingRequest(
                meeting_day_id=day.id or 0,
                firm_id=firm_ids[index % len(firm_ids)],
                partner_id=partners[index // len(firm_ids)].id or 0,
                priority=requested["priority"],
                requested_by=RequestedBy.organiser,
            )
            session.add(row)
            session.flush()
            requested["id"] = f"request-{row.id}"
        run = MeetingScheduleRun(
            meeting_day_id=day.id or 0,
            input_snapshot=document,
            snapshot_sha256=run_service.snapshot_digest(document),
            ortools_version=run_service.ortools_version(),
            parameters={"time_limit": 600, "seed": 0, "workers": 2, "left_out": []},
            day_version=day.version,
        )
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def schedule_state(organiser: TestClient, run_id: int) -> dict[str, Any]:
    response = organiser.get(f"/api/meeting-runs/{run_id}")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_running_schedule_run_stops_and_keeps_its_best_schedule(
    app: FastAPI, clients: Clients
) -> None:
    s = published_mission(app, clients)
    set_up_day(s)
    run_id = _hard_day_run(app, s.mission_id, list(s.firms.values()))
    # Whoever claims the run first solves it: this thread, or on SQLite the server's runner.
    thread = threading.Thread(
        target=schedule_service.execute_schedule,
        kwargs={"engine": app.state.engine, "run_id": run_id},
        daemon=True,
    )
    thread.start()
    wait_for(lambda: schedule_state(s.organiser, run_id)["state"] == "running", "the solve")
    page = s.organiser.get(s.day).text
    assert f'action="/organiser/meeting-runs/{run_id}/stop"' in page

    stranger = clients.new("organiser", "organiser-stranger", organisation="Other chamber")
    assert stranger.post(f"/api/meeting-runs/{run_id}/stop").status_code == 404
    assert (
        stranger.post(
            f"/organiser/meeting-runs/{run_id}/stop",
            data={"csrf_token": csrf(stranger)},
            follow_redirects=False,
        ).status_code
        == 404
    )

    # A schedule found (the breaks are being minimised): stopping now keeps it.
    wait_for(
        lambda: schedule_state(s.organiser, run_id)["best_objective"] is not None,
        "a first schedule",
    )
    asked = time.monotonic()
    stopped = s.organiser.post(
        f"/organiser/meeting-runs/{run_id}/stop",
        data={"csrf_token": csrf(s.organiser)},
        follow_redirects=False,
    )
    assert stopped.status_code == 303, stopped.text
    assert schedule_state(s.organiser, run_id)["stop_requested_at"] is not None
    final = wait_for(
        lambda: (view := schedule_state(s.organiser, run_id))["finished"] and view,
        "the stopped schedule run to end",
        STOPPED_WITHIN_SECONDS,
    )
    assert time.monotonic() - asked < STOPPED_WITHIN_SECONDS
    thread.join(30)
    assert final["state"] == "stopped", final
    assert final["status"] == "FEASIBLE" and final["error"] is None
    assert 0 < final["scheduled"] < final["requested"] == HARD_DAY["requests"]

    # The schedule kept is valid, stored meeting by meeting, and is the day's schedule now.
    current = s.organiser.get(f"{s.api}/schedule")
    assert current.status_code == 200, current.text
    assert current.json()["run"]["id"] == run_id
    with Session(app.state.engine) as session:
        run = session.get(MeetingScheduleRun, run_id)
        assert run is not None and run.result is not None
        assert check(run.input_snapshot, run.result) == []
        stored = session.exec(
            select(func.count())
            .select_from(ScheduledMeeting)
            .where(ScheduledMeeting.run_id == run_id, col(ScheduledMeeting.slot).is_not(None))
        ).one()
        assert stored == final["scheduled"]
        assert session.get(MeetingDay, run.meeting_day_id).status == "scheduled"  # type: ignore[union-attr]
    page = s.organiser.get(s.day).text
    assert "Stopped at your request" in page
    assert s.organiser.post(f"/api/meeting-runs/{run_id}/stop").status_code == 409


def test_a_queued_schedule_run_stops_at_once_over_the_api(app: FastAPI, clients: Clients) -> None:
    s = published_mission(app, clients)
    set_up_day(s)
    queue = getattr(app.state, "job_queue", None)
    if isinstance(queue, jobs.ThreadRunner):
        queue.close()  # SQLite: the server's runner would take the run; it stays queued now
    run_id = _hard_day_run(app, s.mission_id, list(s.firms.values()))
    assert schedule_state(s.organiser, run_id)["state"] == "queued"
    response = s.organiser.post(f"/api/meeting-runs/{run_id}/stop")
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "stopped"
    assert response.json()["error"] == "stopped before it started"
    assert schedule_service.execute_schedule(engine=app.state.engine, run_id=run_id) is None
    with Session(app.state.engine) as session:
        assert session.get(MeetingScheduleRun, run_id).state == RunState.stopped  # type: ignore[union-attr]
        assert not session.exec(
            select(ScheduledMeeting).where(ScheduledMeeting.run_id == run_id)
        ).all()


def test_stopped_runs_start_again(app: FastAPI, clients: Clients) -> None:
    organiser = clients.organiser
    round_id = import_round(app, waiting_round(), organiser)
    with Session(app.state.engine) as session:
        run = MatchingRun(
            round_id=round_id,
            state=RunState.stopped,
            input_snapshot={},
            snapshot_sha256="0" * 64,
            ortools_version="test",
            parameters={"time_limit": 30, "workers": 1, "engine": "auto"},
        )
        session.add(run)
        session.commit()
        stopped_id = run.id
    restarted = organiser.post(f"/api/runs/{stopped_id}/restart")
    assert restarted.status_code == 202, restarted.text
    assert restarted.json()["id"] != stopped_id
