"""Test clients that register and log in as an SME, an organiser or a branch organisation."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def csrf(client: TestClient) -> str:
    """The CSRF token of this client's browser (fetching a page mints it)."""
    token = client.cookies.get("mm_csrf")
    if token is None:
        client.get("/login")
        token = client.cookies.get("mm_csrf")
    assert token, "pages set the CSRF cookie"
    return token


def post_form(
    client: TestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    """POST a form as a browser does: with the CSRF token, without following redirects."""
    fields = {"csrf_token": csrf(client), **(data or {})}
    return client.post(url, data=fields, follow_redirects=False, **kwargs)


def register(
    client: TestClient,
    role: str,
    *,
    email: str | None = None,
    organisation: str = "KvK Noord-Nederland",
) -> str:
    email = email or f"{role}{next(_numbers)}@example.nl"
    response = post_form(
        client,
        "/register",
        {"email": email, "password": PASSWORD, "role": role, "organisation": organisation},
    )
    assert response.status_code == 303, response.text
    return email


class Clients:
    """A logged-in client per role, created on first use (each its own browser)."""

    def __init__(self, app: FastAPI):
        self.app = app
        self._made: dict[str, TestClient] = {}

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self._made.values():
            client.__exit__(None, None, None)  # ends the app's lifespan: its job runner stops

    def new(self, role: str, name: str | None = None, **kwargs: Any) -> TestClient:
        client = TestClient(self.app, base_url="https://testserver")
        client.__enter__()
        client.email = register(client, role, **kwargs)  # type: ignore[attr-defined]
        self._made[name or f"{role}-{len(self._made)}"] = client
        return client

    def new_anonymous(self) -> TestClient:
        """A client that is not logged in (closed with the others)."""
        client = TestClient(self.app, base_url="https://testserver")
        client.__enter__()
        self._made[f"anonymous-{len(self._made)}"] = client
        return client

    def get(self, name: str) -> TestClient:
        if name not in self._made:
            role = name.split("-")[0]
            client = self.new(role, name)
            return client
        return self._made[name]

    @property
    def sme(self) -> TestClient:
        return self.get("sme")

    @property
    def organiser(self) -> TestClient:
        return self.get("organiser")

    @property
    def branch_org(self) -> TestClient:
        return self.get("branch_org")
