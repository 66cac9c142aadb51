"""Bursts and held locks, on SQLite and PostgreSQL: a write that cannot get its lock in time
answers 503 with Retry-After and saves nothing; reads and the token lookup never wait for
the write lock; and 50 concurrent offers against the real server give no server error and
keep every write they acknowledged (the reproduction of the tenancy issue's race)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from matchmaker.db import create_db_engine
from matchmaker.main import create_app
from matchmaker.models import AuditLog
from matchmaker.services.placement_audit import FOLLOW_ON_ACTIONS
from matchmaker.settings import Settings
from tests.live_server import LiveServer
from tests.web.clients import PASSWORD, Clients, post_form
from tests.web.test_runs_support import (
    holding_per_mission,
    import_round,
    placement_of,
    run_round,
    runner,  # noqa: F401  (fixture)
    standings,
    waiting_round,
)
from tests.web.test_waiting_list import one_free_place

pytestmark = pytest.mark.usefixtures("runner")

LOCK_TIMEOUT = 0.5  # seconds; the tests hold the lock for longer than that


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    """The app with a short lock timeout, so a held lock is given up on quickly."""
    settings = Settings(
        database_url=database_url,
        environment="test",
        secret_key="t" * 48,
        db_lock_timeout=LOCK_TIMEOUT,
    )
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@contextmanager
def lock_held(app: FastAPI, round_id: str) -> Iterator[None]:
    """Another connection holds what a change of the round's placements needs: SQLite's
    write lock (BEGIN IMMEDIATE), or on PostgreSQL the round's row (FOR UPDATE)."""
    engine = app.state.engine
    if engine.dialect.name == "sqlite":
        raw = sqlite3.connect(engine.url.database, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            raw.execute("ROLLBACK")
            raw.close()
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT id FROM round WHERE id = :id FOR UPDATE"), {"id": round_id})
        try:
            yield
        finally:
            connection.rollback()


def published(app: FastAPI, organiser: TestClient, applicants: int) -> tuple[str, int]:
    round_id = import_round(app, waiting_round(capacity=2, applicants=applicants), organiser)
    run = run_round(app, organiser, round_id)
    assert run["state"] == "succeeded"
    assert organiser.post(f"/api/runs/{run['id']}/publish").status_code == 200
    return round_id, run["id"]


def placement_changes(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return session.exec(
            select(func.count()).where(
                col(AuditLog.action).startswith("placement."),
                col(AuditLog.action).not_in(FOLLOW_ON_ACTIONS),  # rows about other firms
            )
        ).one()


def bearer(client: TestClient) -> dict[str, str]:
    made = client.post("/api/tokens", json={"email": client.email, "password": PASSWORD})  # type: ignore[attr-defined]
    assert made.status_code in (200, 201), made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


def test_a_write_that_cannot_get_its_lock_answers_503_and_saves_nothing(
    app: FastAPI, clients: Clients
) -> None:
    organiser = clients.organiser
    round_id, run_id = published(app, organiser, applicants=4)
    f1 = placement_of(app, run_id, "F1")
    before, changes = standings(app, run_id), placement_changes(app)

    with lock_held(app, round_id):
        api = organiser.post(f"/api/placements/{f1.id}/withdraw")
        page = post_form(organiser, f"/organiser/placements/{f1.id}/withdraw")
    assert api.status_code == 503, api.text
    assert api.headers["retry-after"] == "2"
    assert "busy" in api.json()["detail"] and "did not save anything" in api.json()["detail"]
    assert page.status_code == 503 and page.headers["retry-after"] == "2"
    assert "busy right now" in page.text and organiser.email in page.text  # type: ignore[attr-defined]
    assert standings(app, run_id) == before and placement_changes(app) == changes

    retried = organiser.post(f"/api/placements/{f1.id}/withdraw")  # the lock is free again
    assert retried.status_code == 200, retried.text
    after = standings(app, run_id)
    assert after[("F1", "M1")] == "withdrawn" and after[("F3", "M1")] == "offered"


def test_reads_and_the_token_lookup_never_wait_for_the_write_lock(
    app: FastAPI, clients: Clients
) -> None:
    organiser, sme = clients.organiser, clients.sme
    round_id, run_id = published(app, organiser, applicants=3)
    f1 = placement_of(app, run_id, "F1")
    organiser_token, sme_token = bearer(organiser), bearer(sme)

    with lock_held(app, round_id):
        assert organiser.get(f"/organiser/runs/{run_id}").status_code == 200
        assert organiser.get(f"/api/runs/{run_id}", headers=organiser_token).status_code == 200
        assert sme.get("/sme/placements").status_code == 200
        # Writes refused for who is asking are answered after the (read-only) user lookup,
        # without waiting for the lock a write would need.
        refused = sme.post(f"/api/placements/{f1.id}/withdraw", headers=sme_token)
        assert refused.status_code in (403, 404), refused.text
        stranger = sme.post(f"/api/runs/{run_id}/publish", headers=sme_token)
        assert stranger.status_code in (403, 404), stranger.text
        revoked = sme.post(
            f"/api/placements/{f1.id}/withdraw", headers={"Authorization": "Bearer mm_nothing"}
        )
        assert revoked.status_code == 401


BURST = 50


def test_a_burst_of_offers_on_the_real_server_gives_no_server_error(
    database_url: str,
) -> None:
    with LiveServer(database_url) as server, Clients(server.app) as clients:
        app = server.app
        organiser = clients.organiser
        run_id = one_free_place(app, organiser, BURST)
        token = bearer(organiser)
        waiting = {f"W{n}": placement_of(app, run_id, f"W{n}").id for n in range(1, BURST + 1)}
        f2 = placement_of(app, run_id, "F2").id
        changes = placement_changes(app)

        def send(path: str) -> tuple[str, int]:
            answer = http.post(server.url + path, headers=token)
            return path, answer.status_code

        paths = [f"/api/placements/{p}/offer" for p in waiting.values()]
        paths.insert(BURST // 2, f"/api/placements/{f2}/withdraw")  # the organiser's own
        limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=len(paths))
        with (
            httpx.Client(timeout=60, limits=limits) as http,
            ThreadPoolExecutor(max_workers=len(paths)) as pool,
        ):
            answers = dict(pool.map(send, paths))

        codes = Counter(answers.values())
        assert set(codes) <= {200, 409}, codes  # no 500, and no 503 either
        assert answers[f"/api/placements/{f2}/withdraw"] == 200
        after = standings(app, run_id)
        assert after[("F2", "M1")] == "withdrawn"
        assert holding_per_mission(app, run_id) == {"M1": 2}  # both free places filled once
        offered = [f for f, p in waiting.items() if answers[f"/api/placements/{p}/offer"] == 200]
        assert 1 <= len(offered) <= 2
        assert all(after[(firm, "M1")] == "offered" for firm in offered)  # acknowledged, kept
        assert placement_changes(app) == changes + codes[200]


def test_every_operation_declares_the_busy_answer(app: FastAPI) -> None:
    schema = app.openapi()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) > 50
    assert all("Retry-After" in op["responses"]["503"]["headers"] for op in operations)


def test_no_free_connection_is_a_503_too(database_url: str) -> None:
    engine = create_db_engine(database_url, lock_timeout=LOCK_TIMEOUT, pool_size=1, max_overflow=0)
    settings = Settings(database_url=database_url, environment="test", secret_key="t" * 48)
    application = create_app(settings, engine=engine)
    try:
        with TestClient(application, base_url="https://testserver") as client:
            assert client.get("/api/missions").status_code == 200
            with engine.connect():  # the pool's only connection, held
                busy = client.get("/api/missions")
                page = client.get("/missions")
            assert busy.status_code == 503 and busy.headers["retry-after"] == "2"
            assert page.status_code == 503 and "busy right now" in page.text
            assert client.get("/api/missions").status_code == 200
    finally:
        engine.dispose()
