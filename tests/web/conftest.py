"""HTTP fixtures: the app on each database backend and logged-in clients per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matchmaker.main import create_app
from matchmaker.settings import Settings
from tests.service.conftest import database_url  # noqa: F401  (the backend-parametrised URL)
from tests.web.clients import Clients


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:  # noqa: F811
    settings = Settings(database_url=database_url, environment="test", secret_key="t" * 48)
    application = create_app(settings)
    yield application
    # A runner started by a request outside a lifespan (jobs.queue_for) stops here too.
    queue = getattr(application.state, "job_queue", None)
    if queue is not None:
        queue.close()
        application.state.job_queue = None
    application.state.engine.dispose()


@pytest.fixture
def clients(app: FastAPI) -> Iterator[Clients]:
    with Clients(app) as made:
        yield made


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as client:
        yield client
