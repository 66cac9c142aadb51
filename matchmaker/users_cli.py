"""The `matchmaker users` commands: the operator makes organiser and branch accounts."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from matchmaker.console import EXIT_BAD_INPUT, command_group, load_settings_or_exit, open_database

users_app = command_group("Accounts the operator makes: organisers and branch organisations.")

# The service's fields, as this command's options name them.
OPTION_OF_FIELD = {
    "email": "--email",
    "password": "--password-stdin",
    "organisation": "--organisation",
    "role": "--role",
}


class InvitedRole(StrEnum):
    organiser = "organiser"
    branch_org = "branch_org"


def _refuse(err: Console, option: str, message: str) -> typer.Exit:
    err.print(f"{option}: {message}", highlight=False, markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


@users_app.command("add")
def add_user(
    role: Annotated[
        InvitedRole, typer.Option(help="organiser or branch_org (SMEs register themselves).")
    ],
    organisation: Annotated[
        str,
        typer.Option(
            help="The organisation's name: found among those of the role's kind, or created."
        ),
    ],
    email: Annotated[str, typer.Option(help="The account's e-mail address (its login).")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from the first line of standard input."
        ),
    ] = False,
    invite: Annotated[
        bool,
        typer.Option(
            "--invite",
            help="Make no account now: print a one-time invitation link (7 days) instead.",
        ),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(help="With --invite: the service's address, e.g. https://matchmaker.example"),
    ] = None,
) -> None:
    """Make an organiser or branch organisation account in the database DATABASE_URL names
    (brought to the current schema first). Without --password-stdin or --invite the password
    is asked for. Bad input exits 2 naming the option."""
    from sqlmodel import Session

    from matchmaker.models import Role
    from matchmaker.services import accounts, invitations

    err = Console(stderr=True)
    out = Console(highlight=False)
    if invite and password_stdin:
        raise _refuse(err, "--invite", "give either --invite or --password-stdin, not both")
    if invite and not base_url:
        raise _refuse(err, "--base-url", "--invite needs the service's address to make the link")
    if base_url and not invite:
        raise _refuse(err, "--base-url", "only used with --invite")
    if base_url and not base_url.startswith(("https://", "http://")):
        raise _refuse(err, "--base-url", "an address starting with https:// (or http://)")
    try:
        accounts.check_email(email)
        invitations.check_organisation_name(organisation)
    except accounts.AccountError as error:
        raise _refuse(err, OPTION_OF_FIELD.get(error.field, error.field), str(error)) from None
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not invite:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    if password is not None:
        try:
            accounts.check_password(password)
        except accounts.AccountError as error:
            option = "--password-stdin" if password_stdin else "password"
            raise _refuse(err, option, str(error)) from None

    settings = load_settings_or_exit(err)
    engine = open_database(err, settings.database_url)
    try:
        with Session(engine) as session:
            if invite:
                created, found = invitations.operator_invite(
                    session=session, role=Role(role.value), organisation=organisation, email=email
                )
                assert base_url is not None
                link = base_url.rstrip("/") + created.path()
                out.print(
                    f"Invitation for {created.record.email} as {role.value} of {found.name} "
                    f"(organisation {found.id}), valid until "
                    f"{created.record.expires_at:%Y-%m-%d %H:%M} UTC. Pass this link on; it "
                    "is shown only now and works once:"
                )
                out.print(link, soft_wrap=True)
            else:
                assert password is not None
                user, found = invitations.operator_add_user(
                    session=session,
                    role=Role(role.value),
                    organisation=organisation,
                    email=email,
                    password=password,
                )
                out.print(
                    f"Account {user.email} made: {role.value} of {found.name} "
                    f"(organisation {found.id}). It logs in at /login."
                )
    except accounts.AccountError as error:
        raise _refuse(err, OPTION_OF_FIELD.get(error.field, error.field), str(error)) from None
    finally:
        engine.dispose()
