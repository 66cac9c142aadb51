"""The demonstration set-up of `matchmaker serve --demo`: a round and one account per role.

On an empty database it loads the bundled Northern Netherlands round (open for
applications) with an organiser who owns it, a branch organisation that owns its national
missions, and an SME account for the round's first firm. Each start with --demo gives the
demo accounts fresh random passwords, printed by the command, so a newcomer can always log
in; a database that holds other data and no demo accounts is left alone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from matchmaker.models import (
    Firm,
    Mission,
    Organisation,
    OrganisationKind,
    Role,
    Round,
    RoundFirm,
    RoundStatus,
    Scope,
    User,
)
from matchmaker.services import accounts, audit
from matchmaker.services.account_audit import record_account_event
from matchmaker.services.scenarios import import_scenario

DEMO_DOMAIN = "demo.matchmaker.example"
DEMO_ACCOUNTS = (
    (Role.organiser, f"organiser@{DEMO_DOMAIN}", "KvK Noord-Nederland (demo)"),
    (Role.branch_org, f"branch@{DEMO_DOMAIN}", "Branchevereniging Water (demo)"),
    (Role.sme, f"sme@{DEMO_DOMAIN}", None),
)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    role: str
    email: str
    password: str


@dataclass(frozen=True, slots=True)
class DemoSetup:
    loaded_round: str | None  # the round loaded now, None when the database had data
    accounts: list[DemoAccount]


def _new_password() -> str:
    return secrets.token_urlsafe(12)


def is_empty(session: Session) -> bool:
    rounds = session.exec(select(func.count()).select_from(Round)).one()
    users = session.exec(select(func.count()).select_from(User)).one()
    return rounds == 0 and users == 0


def set_up(*, session: Session, document: dict[str, Any]) -> DemoSetup:
    """Load the demo into an empty database, or renew the demo accounts' passwords."""
    round_id = str(document["round"]["id"])
    users = session.exec(select(func.count()).select_from(User)).one()
    if is_empty(session):
        round_id = import_scenario(session=session, document=document).id
    elif users or session.get(Round, round_id) is None:
        return DemoSetup(loaded_round=None, accounts=_renew_passwords(session))
    # else: an earlier load stopped after the round; give it its accounts now.
    try:
        organisations = {
            role: Organisation(
                name=name,
                kind=(
                    OrganisationKind.organiser
                    if role == Role.organiser
                    else OrganisationKind.branch_org
                ),
            )
            for role, _, name in DEMO_ACCOUNTS
            if name is not None
        }
        session.add_all(organisations.values())
        session.flush()
        first_firm = session.exec(
            select(Firm)
            .join(RoundFirm, col(RoundFirm.firm_id) == col(Firm.id))
            .where(RoundFirm.round_id == round_id)
            .order_by(col(RoundFirm.id))
            .limit(1)
        ).one()
        made = []
        for role, email, _ in DEMO_ACCOUNTS:
            password = _new_password()
            organisation = organisations.get(role)
            user = User(
                email=email,
                password_hash=accounts.hash_password(password),
                role=role,
                organisation_id=organisation.id if organisation else None,
                firm_id=first_firm.id if role == Role.sme else None,
            )
            session.add(user)
            session.flush()
            if role == Role.sme:
                first_firm.owner_user_id = user.id
                session.add(first_firm)
            made.append(DemoAccount(role.value, email, password))
        branch = organisations[Role.branch_org]
        for mission in session.exec(
            select(Mission).where(Mission.round_id == round_id, Mission.scope == Scope.national)
        ):
            mission.owner_organisation_id = branch.id
            session.add(mission)
        round_row = session.get(Round, round_id)
        assert round_row is not None
        round_row.status = RoundStatus.open
        round_row.organisation_id = organisations[Role.organiser].id
        round_row.invites_branch_missions = True  # the demo's branch organisation takes part
        audit.record(
            session=session,
            actor=None,
            action="demo.load",
            object_type="round",
            object_id=round_id,
            after={"accounts": [a.email for a in made], "status": RoundStatus.open.value},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return DemoSetup(loaded_round=round_id, accounts=made)


def _renew_passwords(session: Session) -> list[DemoAccount]:
    emails = [email for _, email, _ in DEMO_ACCOUNTS]
    users = session.exec(select(User).where(col(User.email).in_(emails))).all()
    renewed = []
    try:
        for user in sorted(users, key=lambda u: emails.index(u.email)):
            password = _new_password()
            user.password_hash = accounts.hash_password(password)
            session.add(user)
            record_account_event(session, None, "demo.password", user.id)
            renewed.append(DemoAccount(str(user.role), user.email, password))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return renewed
