"""`matchmaker users add`: the operator makes organiser and branch organisation accounts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from click.testing import Result
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from matchmaker import db
from matchmaker.cli import app
from matchmaker.models import AuditLog, Invitation, Organisation, User
from matchmaker.services import accounts, invitations
from tests.service.conftest import (  # noqa: F401  (database_url: the backend-parametrised URL)
    _postgres_schema,
    database_url,
)

PASSWORD = "correct horse battery"
runner = CliRunner()


def invoke(url: str, *args: str, input: str | None = None) -> Result:
    return runner.invoke(
        app,
        ["users", "add", *args],
        input=input,
        env={"DATABASE_URL": url, "MATCHMAKER_ENV": "development"},
    )


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:  # noqa: F811
    engine = db.create_db_engine(database_url)
    yield engine
    engine.dispose()


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (User, Organisation, Invitation, AuditLog)
        )


def test_add_makes_the_account_in_a_found_or_new_organisation(
    database_url: str,  # noqa: F811
    engine: Engine,
) -> None:
    first = invoke(
        database_url,
        "--role=organiser",
        "--organisation=KvK Noord",
        "--email=Beheer@KvK-Noord.nl",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert first.exit_code == 0, first.output
    assert "Account beheer@kvk-noord.nl made: organiser of KvK Noord" in first.output
    second = invoke(
        database_url,
        "--role",
        "organiser",
        "--organisation",
        "KvK Noord",
        "--email",
        "tweede@kvk-noord.nl",
        input=PASSWORD + "\n" + PASSWORD + "\n",  # asked for, twice
    )
    assert second.exit_code == 0, second.output
    branch = invoke(
        database_url,
        "--role=branch_org",
        "--organisation=KvK Noord",  # the same name, another kind: another organisation
        "--email=water@branche.nl",
        "--password-stdin",
        input=PASSWORD,
    )
    assert branch.exit_code == 0, branch.output
    with Session(engine) as session:
        users = {u.email: u for u in session.exec(select(User))}
        organisations = {o.id: o for o in session.exec(select(Organisation))}
        assert len(organisations) == 2
        first_user, second_user = users["beheer@kvk-noord.nl"], users["tweede@kvk-noord.nl"]
        assert (first_user.role, second_user.role) == ("organiser", "organiser")
        assert first_user.organisation_id == second_user.organisation_id
        assert organisations[first_user.organisation_id].kind == "organiser"
        branch_user = users["water@branche.nl"]
        assert branch_user.role == "branch_org"
        assert organisations[branch_user.organisation_id].kind == "branch_org"
        assert branch_user.organisation_id != first_user.organisation_id
        rows = session.exec(select(AuditLog).where(AuditLog.action == "register")).all()
        assert len(rows) == 3 and all(r.actor_user_id is None for r in rows)
        logged_in = accounts.authenticate(
            session=session, email="tweede@kvk-noord.nl", password=PASSWORD
        )
        assert logged_in is not None and logged_in.id == second_user.id


def test_invite_prints_a_one_time_link_instead(database_url: str, engine: Engine) -> None:  # noqa: F811
    result = invoke(
        database_url,
        "--role=branch_org",
        "--organisation=Wind NL",
        "--email=delegaties@windenergie.nl",
        "--invite",
        "--base-url=https://matchmaker.example/",
    )
    assert result.exit_code == 0, result.output
    assert "shown only now" in result.output
    found = re.search(
        r"https://matchmaker\.example/invitations/([A-Za-z0-9_-]{40,})", result.output
    )
    assert found, result.output
    token = found.group(1)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(User)).one() == 0
        stored = session.exec(select(Invitation)).one()
        assert token not in stored.token_hash and len(stored.token_hash) == 64
        assert stored.created_by_user_id is None and stored.issuer_organisation_id is None
        user = invitations.accept(session=session, token=token, password=PASSWORD)
        organisation = session.get(Organisation, user.organisation_id)
        assert organisation is not None
        assert (user.role, organisation.name, organisation.kind) == (
            "branch_org",
            "Wind NL",
            "branch_org",
        )
        with pytest.raises(invitations.InvitationUnusable):
            invitations.accept(session=session, token=token, password=PASSWORD)


@pytest.mark.parametrize(
    ("args", "input", "option"),
    [
        (("--role=organiser", "--organisation=O", "--email=no-at-sign"), PASSWORD, "--email"),
        (("--role=organiser", "--organisation=  ", "--email=a@b.nl"), PASSWORD, "--organisation"),
        (("--role=organiser", "--organisation=O", "--email=a@b.nl"), "short", "--password-stdin"),
        (
            ("--role=organiser", "--organisation=O", "--email=a@b.nl", "--invite"),
            None,
            "--base-url",
        ),
        (
            ("--role=organiser", "--organisation=O", "--email=a@b.nl", "--invite", "--base-url=x"),
            None,
            "--base-url",
        ),
        (
            ("--role=organiser", "--organisation=O", "--email=a@b.nl", "--base-url=https://x"),
            PASSWORD,
            "--base-url",
        ),
        (("--role=sme", "--organisation=O", "--email=a@b.nl"), PASSWORD, "--role"),
        (("--organisation=O", "--email=a@b.nl"), PASSWORD, "--role"),
    ],
)
def test_bad_input_exits_2_naming_the_option_and_writes_nothing(
    database_url: str,  # noqa: F811
    engine: Engine,
    args: tuple[str, ...],
    input: str | None,
    option: str,
) -> None:
    with_stdin = ("--password-stdin",) if input is not None and "--invite" not in args else ()
    result = invoke(database_url, *args, *with_stdin, input=input)
    assert result.exit_code == 2, result.output
    assert option in result.output
    db.upgrade_to_head(engine)
    assert counts(engine) == (0, 0, 0, 0)


def test_an_address_with_an_account_is_refused(database_url: str, engine: Engine) -> None:  # noqa: F811
    args = ("--role=organiser", "--organisation=O", "--email=a@b.nl", "--password-stdin")
    assert invoke(database_url, *args, input=PASSWORD).exit_code == 0
    before = counts(engine)
    elsewhere = ("--role=branch_org", "--organisation=P", "--email=A@b.nl", "--password-stdin")
    again = invoke(database_url, *elsewhere, input=PASSWORD)
    assert again.exit_code == 2
    assert "--email: an account with this e-mail address exists already" in again.output
    assert counts(engine) == before
