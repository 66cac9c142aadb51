"""Checking a password holds no write lock on SQLite (found by the load benchmark: logins
held the lock through Argon2, and concurrent writers timed out with "database is locked")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session

from matchmaker import db
from matchmaker.models import Role
from matchmaker.services import accounts, logins


def test_authenticate_hashes_outside_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "login.db"
    engine = db.create_db_engine(f"sqlite:///{path}")
    db.upgrade_to_head(engine)
    try:
        with Session(engine) as session:
            accounts.register_user(
                session=session, email="a@example.org", password="a password!", role=Role.sme
            )
        seen: list[str] = []
        real = accounts._hasher

        class Hasher:
            """The real hasher, checking the write lock is free while it verifies."""

            def verify(self, stored: str, password: str) -> bool:
                other = sqlite3.connect(path, timeout=0, isolation_level=None)
                try:
                    other.execute("BEGIN IMMEDIATE")  # fails at once if the lock were held
                    other.execute("ROLLBACK")
                    seen.append("free")
                finally:
                    other.close()
                return real.verify(stored, password)

            def __getattr__(self, name: str) -> object:
                return getattr(real, name)

        monkeypatch.setattr(accounts, "_hasher", Hasher())
        with Session(engine) as session:
            user = accounts.authenticate(
                session=session, email="a@example.org", password="a password!"
            )
            assert user is not None and user.email == "a@example.org"
            started = accounts.start_session(session=session, user=user)
            assert accounts.user_for_session(session=session, token=started.token) is not None
        with Session(engine) as session:  # as in a request: the check starts the session
            assert (
                accounts.authenticate(session=session, email="a@example.org", password="wrong")
                is None
            )
        with Session(engine) as session:  # through the throttled login of the pages and API
            with pytest.raises(accounts.AccountError):
                logins.login(
                    session=session,
                    email="a@example.org",
                    password="wrong",
                    address="192.0.2.1",
                    secret="k" * 32,
                )
            user = logins.login(
                session=session,
                email="a@example.org",
                password="a password!",
                address="192.0.2.1",
                secret="k" * 32,
            )
            assert user.email == "a@example.org"
        assert seen == ["free", "free", "free", "free"]
    finally:
        engine.dispose()
