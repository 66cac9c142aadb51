"""Starting and finishing a matching run keep the write lock short (found by the load
benchmark: on SQLite logins and applications timed out with "database is locked" while
the request starting a run exported the round under the lock, and while a run stored its
roster row by row)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, text
from sqlmodel import Session, select

from matchmaker import db, jobs
from matchmaker.models import Placement, Role, Round, RoundStatus, RunState, User
from matchmaker.services import accounts, run_execution, scenario_exports
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import import_scenario
from tests import builders as b


def _round(engine: Engine, applicants: int = 6) -> None:
    missions = [b.mission("M1", start="2027-01-10", capacity=2)]
    firms = [b.firm(f"F{n}") for n in range(1, applicants + 1)]
    applications = [b.application(f"F{n}", "M1") for n in range(1, applicants + 1)]
    document = b.round_doc(missions=missions, firms=firms, applications=applications)
    document["round"]["id"] = "R1"
    with Session(engine) as session:
        round_row = import_scenario(session=session, document=document)
        round_row.status = RoundStatus.closed  # a run takes only a closed round
        session.add(round_row)
        session.commit()


def _organiser(engine: Engine) -> int:
    with Session(engine) as session:
        user = accounts.register_user(
            session=session,
            email="organiser@example.org",
            password="a long password",
            role=Role.organiser,
            organisation_name="Agency",
        )
        assert user.id is not None
        return user.id


def _write_meanwhile(engine: Engine) -> None:
    """Commit a change to the round and its mission from another connection, failing at
    once (instead of waiting) if the write lock, or on PostgreSQL the round's row lock, is
    held: the round's name and M1's capacity."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database or "", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" at once if it were held
            other.execute("UPDATE round SET name = 'Renamed' WHERE id = 'R1'")
            other.execute("UPDATE mission SET capacity = capacity + 7 WHERE external_id = 'M1'")
            other.execute("COMMIT")
        finally:
            other.close()
        return
    with engine.connect() as other:
        other.execute(text("SET lock_timeout = '500ms'"))
        other.execute(text("UPDATE round SET name = 'Renamed' WHERE id = 'R1'"))
        other.execute(text("UPDATE mission SET capacity = capacity + 7 WHERE external_id = 'M1'"))
        other.commit()


def test_start_run_exports_a_consistent_snapshot_without_holding_the_lock(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = migrated_engine
    _round(engine)
    organiser_id = _organiser(engine)
    real_export = scenario_exports.export_round
    exports: list[dict[str, Any]] = []

    def export_with_a_write_meanwhile(*, session: Session, round_id: str) -> dict[str, Any]:
        _write_meanwhile(engine)  # another writer gets through while the snapshot is built
        document = real_export(session=session, round_id=round_id)
        exports.append(document)
        return document

    monkeypatch.setattr(scenario_exports, "export_round", export_with_a_write_meanwhile)
    enqueued: list[int] = []
    with Session(engine) as session:
        actor = session.get(User, organiser_id)
        assert actor is not None
        session.exec(select(func.count()).select_from(Placement))  # a request's transaction
        run = run_service.start_run(
            session=session,
            round_id="R1",
            actor=actor,
            options=run_service.solve_options(time_limit=10),
            enqueue=lambda _session, run_id: enqueued.append(run_id),
        )
        assert run.id is not None and enqueued == [run.id]
        assert run.state == RunState.queued
        # The snapshot is the round as it was when its transaction began: the write that
        # committed meanwhile is in none of it, and the digest is of what was stored.
        snapshot = run.input_snapshot
        assert len(exports) == 1 and snapshot == exports[0]
        assert [m["capacity"] for m in snapshot["missions"]] == [2]
        assert run.snapshot_sha256 == run_service.snapshot_digest(snapshot)
    with Session(engine) as session:  # the concurrent write did commit
        round_row = session.get(Round, "R1")
        assert round_row is not None and round_row.name == "Renamed"
        document = real_export(session=session, round_id="R1")
        assert [m["capacity"] for m in document["missions"]] == [9]


def test_start_run_checks_again_under_the_lock(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run started by someone else while the snapshot was being built wins; this start
    is refused and adds nothing."""
    engine = migrated_engine
    _round(engine)
    organiser_id = _organiser(engine)
    real_export = scenario_exports.export_round
    options = run_service.solve_options(time_limit=10)

    def export_while_another_starts(*, session: Session, round_id: str) -> dict[str, Any]:
        document = real_export(session=session, round_id=round_id)
        monkeypatch.setattr(scenario_exports, "export_round", real_export)
        with Session(engine) as other:
            other_actor = other.get(User, organiser_id)
            assert other_actor is not None
            run_service.start_run(
                session=other,
                round_id=round_id,
                actor=other_actor,
                options=options,
                enqueue=lambda *_: None,
            )
        return document

    monkeypatch.setattr(scenario_exports, "export_round", export_while_another_starts)
    with Session(engine) as session:
        actor = session.get(User, organiser_id)
        assert actor is not None
        with pytest.raises(run_service.RunRefused, match="still queued"):
            run_service.start_run(
                session=session, round_id="R1", actor=actor, options=options, enqueue=print
            )
        assert len(run_service.list_runs(session=session, round_id="R1")) == 1


def test_the_roster_is_stored_with_one_bulk_insert(migrated_engine: Engine) -> None:
    engine = migrated_engine
    applicants = 6
    _round(engine, applicants=applicants)
    organiser_id = _organiser(engine)
    with Session(engine) as session:
        actor = session.get(User, organiser_id)
        assert actor is not None
        run_id = run_service.start_run(
            session=session,
            round_id="R1",
            actor=actor,
            options=run_service.solve_options(time_limit=10),
            enqueue=lambda *_: None,
        ).id
    assert run_id is not None

    inserts: list[int] = []
    statements: list[str] = []

    def count_placement_inserts(_conn, clause, multiparams, params, _options) -> None:
        table = getattr(clause, "table", None)
        if clause.is_insert and getattr(table, "name", None) == "placement":
            inserts.append(len(multiparams) or 1)

    def placement_sql(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PLACEMENT"):
            statements.append(statement)

    event.listen(engine, "before_execute", count_placement_inserts)
    event.listen(engine, "before_cursor_execute", placement_sql)
    try:
        assert run_execution.execute_run(engine=engine, run_id=run_id) == RunState.succeeded
    finally:
        event.remove(engine, "before_execute", count_placement_inserts)
        event.remove(engine, "before_cursor_execute", placement_sql)
    # One INSERT with every application's row, sent as one executemany that asks for no
    # ids back (the ORM's unit of work would build an object per row and fetch its id).
    assert inserts == [applicants]
    assert len(statements) == 1 and "RETURNING" not in statements[0].upper()
    with Session(engine) as session:
        placements = session.exec(select(Placement).where(Placement.run_id == run_id)).all()
        assert len(placements) == applicants
        assert sorted(str(p.status) for p in placements) == ["placed"] * 2 + ["unplaced"] * 4
        assert all(p.reason for p in placements if str(p.status) == "unplaced")
        assert all(p.reason is None for p in placements if str(p.status) == "placed")
        assert all(p.created_at is not None and p.score is not None for p in placements)


def test_a_file_database_has_a_connection_for_every_request_thread(tmp_path: Path) -> None:
    """40 request threads (anyio's default) plus the job runner each get a connection at
    once instead of the 16th waiting out the pool timeout and answering 500."""
    engine = db.create_db_engine(f"sqlite:///{tmp_path / 'pool.db'}", pool_timeout=0.5)
    try:
        connections = [
            engine.connect().execution_options(**{db.READ_ONLY: True}) for _ in range(42)
        ]
        assert all(c.exec_driver_sql("SELECT 1").scalar() == 1 for c in connections)
        for connection in connections:
            connection.close()
    finally:
        engine.dispose()


def test_the_job_runner_thread_runs_at_a_lower_priority(tmp_path: Path) -> None:
    """Solves in the server process (SQLite) yield the CPU to requests; nice is per thread
    on Linux. (With PostgreSQL, `matchmaker worker` processes solve.)"""
    engine = db.create_db_engine(f"sqlite:///{tmp_path / 'runner.db'}")
    db.upgrade_to_head(engine)
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    runner = jobs.ThreadRunner(engine)
    try:
        thread = next(t for t in threading.enumerate() if t.name == "matching-runs")
        assert thread.native_id is not None
        deadline = time.monotonic() + 5
        while os.getpriority(os.PRIO_PROCESS, thread.native_id) == base:
            assert time.monotonic() < deadline, "the runner's priority never changed"
            time.sleep(0.01)
        expected = min(19, base + jobs.RUNNER_NICENESS)
        assert os.getpriority(os.PRIO_PROCESS, thread.native_id) == expected
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base
    finally:
        runner.close()
        engine.dispose()
