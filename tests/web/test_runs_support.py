"""Helpers shared by the run, placement, waiting-list and job tests (no tests of their own):
tiny rounds, linking test accounts to firms, and waiting for a run on either database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from matchmaker import jobs
from matchmaker.main import create_app
from matchmaker.models import (
    Application,
    Firm,
    MatchingRun,
    Mission,
    Placement,
    PlacementStatus,
    Round,
    RoundFirm,
    RoundStatus,
    RunState,
    User,
)
from matchmaker.services.scenarios import import_scenario
from matchmaker.settings import Settings
from tests import builders as b
from tests.service.conftest import _postgres_schema, postgres_server_url

HOLDING = (PlacementStatus.placed, PlacementStatus.offered, PlacementStatus.accepted)


@pytest.fixture
def runner(app: FastAPI) -> Iterator[None]:
    """The app's job runner, as the lifespan starts it (a worker thread on SQLite)."""
    jobs.start(app)
    yield
    jobs.stop(app)


def make_app(url: str) -> FastAPI:
    return create_app(Settings(database_url=url, environment="test", secret_key="t" * 48))


def postgres_apps() -> Iterator[FastAPI]:
    """The app on a fresh PostgreSQL schema, for what only the procrastinate queue does
    (skipped, like every PostgreSQL test, where no server is configured)."""
    base_url = postgres_server_url()
    for url in _postgres_schema(base_url):
        application = make_app(url)
        yield application
        application.state.engine.dispose()


def waiting_round(
    round_id: str = "R1", *, capacity: int = 2, applicants: int = 5, mission_count: int = 1
) -> dict[str, Any]:
    """Promotional missions M1.. of `capacity` places and firms F1.. applying to each in turn.

    Scores fall with the firm's number: F1 and F2 are first-timers (1150 on a rank-1
    application), F3 has one earlier mission (1090), F4 two (1080), F5 and later three
    (1070), so the waiting list is F3, F4, F5, ... in that order.
    """
    missions = [
        b.mission(f"M{m}", start=f"2027-0{m}-10", capacity=capacity)
        for m in range(1, mission_count + 1)
    ]
    firms = [
        b.firm(f"F{n}", history=0 if n <= 2 else min(3, n - 2)) for n in range(1, applicants + 1)
    ]
    applications = [
        b.application(f"F{n}", f"M{m}", rank=m)
        for n in range(1, applicants + 1)
        for m in range(1, mission_count + 1)
    ]
    document = b.round_doc(missions=missions, firms=firms, applications=applications)
    document["round"]["id"] = round_id
    return document


def user_of(app: FastAPI, client: TestClient) -> User:
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == client.email)).one()  # type: ignore[attr-defined]
        session.expunge(user)
        return user


def import_round(
    app: FastAPI,
    document: dict[str, Any],
    organiser: TestClient | None = None,
    status: RoundStatus = RoundStatus.closed,
) -> str:
    """Import a scenario as a round of the organiser's organisation, in this status."""
    organisation_id = user_of(app, organiser).organisation_id if organiser else None
    with Session(app.state.engine) as session:
        round_row = import_scenario(
            session=session, document=document, organisation_id=organisation_id
        )
        round_row.status = status
        session.add(round_row)
        session.commit()
        return round_row.id


def set_round_status(app: FastAPI, round_id: str, status: RoundStatus) -> None:
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None
        round_row.status = status
        session.add(round_row)
        session.commit()


def link_firm(app: FastAPI, client: TestClient, round_id: str, firm_key: str) -> int:
    """Make the SME client's account the owner of the round's firm `firm_key`."""
    with Session(app.state.engine) as session:
        firm = session.exec(
            select(Firm)
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Firm.id))
            .where(RoundFirm.round_id == round_id, RoundFirm.external_id == firm_key)
        ).one()
        user = session.exec(select(User).where(User.email == client.email)).one()  # type: ignore[attr-defined]
        user.firm_id = firm.id
        firm.owner_user_id = user.id
        session.add_all([user, firm])
        session.commit()
        assert firm.id is not None
        return firm.id


def finish_runs(app: FastAPI, timeout: float = 60.0) -> None:
    """Wait until no run is queued or running: on PostgreSQL a worker takes the jobs (in
    burst mode, returning when the queue is empty); on SQLite the server's thread does."""
    engine = app.state.engine
    if engine.dialect.name == "postgresql":
        jobs.run_worker(database_url=engine.url, burst=True, install_signal_handlers=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            active = session.exec(
                select(MatchingRun.id).where(
                    col(MatchingRun.state).in_([RunState.queued, RunState.running])
                )
            ).all()
        if not active:
            return
        time.sleep(0.05)
    raise AssertionError(f"runs still active after {timeout} s: {active}")


def run_round(app: FastAPI, organiser: TestClient, round_id: str, **body: Any) -> dict[str, Any]:
    """Start a run over the API, wait for it, and return it as the API shows it."""
    response = organiser.post(f"/api/rounds/{round_id}/runs", json=body or None)
    assert response.status_code == 202, response.text
    finish_runs(app)
    run = organiser.get(f"/api/runs/{response.json()['id']}").json()
    return run


def placement_of(app: FastAPI, run_id: int, firm_key: str, mission_key: str = "M1") -> Placement:
    """The placement of firm `firm_key` on mission `mission_key` in the run."""
    with Session(app.state.engine) as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        placement = session.exec(
            select(Placement)
            .join(Application, col(Application.id) == col(Placement.application_id))
            .join(Mission, col(Mission.id) == col(Application.mission_id))
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Application.firm_id))
            .where(
                Placement.run_id == run_id,
                Mission.external_id == mission_key,
                RoundFirm.external_id == firm_key,
                RoundFirm.round_id == run.round_id,
            )
        ).one()
        session.expunge(placement)
        return placement


def standings(app: FastAPI, run_id: int) -> dict[tuple[str, str], str]:
    """(firm, mission) -> placement status, for every application of the run."""
    with Session(app.state.engine) as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        rows = session.exec(
            select(RoundFirm.external_id, Mission.external_id, Placement.status)
            .join(Application, col(Application.id) == col(Placement.application_id))
            .join(Mission, col(Mission.id) == col(Application.mission_id))
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Application.firm_id))
            .where(Placement.run_id == run_id, RoundFirm.round_id == run.round_id)
        ).all()
        return {(firm, mission): str(status) for firm, mission, status in rows}


def holding_per_mission(app: FastAPI, run_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (_, mission), status in standings(app, run_id).items():
        if status in HOLDING:
            counts[mission] = counts.get(mission, 0) + 1
    return counts
