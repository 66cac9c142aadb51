"""On SQLite, pages and lists read while another connection holds the write lock.

Found by the load benchmark (bench/load.py): every request's transaction began with
BEGIN IMMEDIATE, so reads queued one by one behind writers, and behind a matching run
saving its roster they waited out the busy timeout and failed with "database is locked".
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from matchmaker import resources
from matchmaker.main import create_app
from matchmaker.optimisation.scenario import load_document
from matchmaker.services.scenarios import import_scenario
from matchmaker.settings import Settings


def test_get_requests_do_not_wait_for_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "matchmaker.db"
    app = create_app(
        Settings(database_url=f"sqlite:///{path}", environment="test", secret_key="t" * 48)
    )
    try:
        with TestClient(app, base_url="https://testserver") as client:
            with Session(app.state.engine) as session:
                document = load_document(resources.resolve_scenario("spring-2027-noord"))
                import_scenario(session=session, document=document)
            writer = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                writer.execute("BEGIN IMMEDIATE")  # another writer holds the lock meanwhile
                for route in ("/missions", "/api/missions", "/"):
                    started = time.perf_counter()
                    response = client.get(route)
                    assert response.status_code == 200, (route, response.text[:300])
                    assert time.perf_counter() - started < 2.0, route
            finally:
                writer.execute("ROLLBACK")
                writer.close()
    finally:
        app.state.engine.dispose()
