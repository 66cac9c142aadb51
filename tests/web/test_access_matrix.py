"""Every route of the app is classified by role, and no role reaches a route it may not."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

import tests.web
from matchmaker.security import file_routes
from tests.web.clients import Clients, csrf

ROLES = ("anonymous", "sme", "organiser", "branch_org")


def matrix() -> dict[tuple[str, str], set[str]]:
    """The union of the access_*.py tables, one per audience."""
    rows: dict[tuple[str, str], set[str]] = {}
    for info in pkgutil.iter_modules(tests.web.__path__):
        if info.name.startswith("access_"):
            table = importlib.import_module(f"tests.web.{info.name}").ACCESS
            overlap = rows.keys() & table.keys()
            assert not overlap, f"classified twice: {overlap}"
            rows.update(table)
    return rows


def _flatten(routes: list) -> list[Route]:
    """Routes of the app, looking inside included routers (FastAPI >= 0.160 wraps them)."""
    flat: list[Route] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            flat.extend(_flatten(inner.routes))
        elif isinstance(route, APIRoute | Route):
            flat.append(route)
    return flat


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in _flatten(app.routes)
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_every_route_is_in_the_matrix_and_every_row_is_a_route(app: FastAPI) -> None:
    routes, rows = app_routes(app), set(matrix())
    assert routes - rows == set(), "routes nobody classified"
    assert rows - routes == set(), "matrix rows without a route"


@pytest.mark.parametrize("role", ROLES)
def test_a_role_never_reaches_a_route_it_may_not(app: FastAPI, role: str) -> None:
    with Clients(app) as clients:
        client = clients.get(role) if role != "anonymous" else None
        if client is None:
            client = clients.new_anonymous()
        token = csrf(client)
        uploads = file_routes(app.routes)
        for (method, path), allowed in sorted(matrix().items()):
            if role in allowed:
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            # Pages and file uploads take forms, the API JSON (other bodies get 415 first).
            form = not path.startswith("/api/") or any(p.match(url) for p in uploads)
            body = {"data": {"csrf_token": token}} if form else {"json": {}}
            response = client.request(method, url, follow_redirects=False, **body)
            if role == "anonymous" and response.status_code == 303:
                assert response.headers["location"].startswith("/login"), (method, path)
                continue
            assert response.status_code in (401, 403, 404), (
                f"{role} reached {method} {path}: {response.status_code}"
            )
