"""schemathesis against the app's own OpenAPI schema, in process, as two SMEs (and two
organisers and a branch organisation): no server error, every answer as the schema declares
it, auth enforced, and no tenant shown another tenant's objects."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from matchmaker import jobs
from tests.fuzzing import World, dump, fuzz, seed_world
from tests.web.clients import Browser, invite
from tests.web.test_runs_support import finish_runs

# Examples per operation and generation mode (positive, negative); the live script and
# FUZZ_EXAMPLES take more.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
IDENTITIES = ("sme_a", "sme_b", "organiser_a", "organiser_b", "branch")


@pytest.fixture
def world(app: FastAPI) -> Iterator[World]:
    jobs.start(app)
    clients: list[TestClient] = []

    def new_client() -> TestClient:
        client = Browser(app, base_url="https://testserver")
        clients.append(client)
        return client

    try:
        yield seed_world(
            new_client,
            lambda: finish_runs(app),
            lambda role, email, name: invite(app, role, email=email, organisation=name),
        )
    finally:
        for client in clients:
            client.close()
        jobs.stop(app)


def test_the_schema_declares_bearer_auth_and_error_bodies(app: FastAPI) -> None:
    document = app.openapi()
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert all(path.startswith("/api") for path in document["paths"]), "pages are not API"
    me = document["paths"]["/api/me"]["get"]
    assert me["security"] == [{"HTTPBearer": []}]
    assert "security" not in document["paths"]["/api/missions"]["get"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                if code.startswith(("4", "5")):
                    assert "application/json" in answer.get("content", {}), (method, path, code)


def test_schemathesis_finds_nothing_as_any_tenant(app: FastAPI, world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    reports = []
    for name in IDENTITIES:
        identity = world.identities[name]
        reports.append(
            fuzz(
                schema,
                identity,
                world.foreign_markers(name),
                peer=world.peer_of(name),
                max_examples=EXAMPLES,
            )
        )
    figures = dump(reports)
    print(figures)
    for report in reports:
        assert report.operations >= 50, figures
        assert report.failures == [], "\n".join(report.failures)
        assert report.server_errors == 0, figures
    # Every identity got past auth somewhere, and probed each of its peer's objects.
    assert all(report.succeeded for report in reports), figures
    assert all(reports[i].peer_probes >= 20 for i in range(4)), figures
