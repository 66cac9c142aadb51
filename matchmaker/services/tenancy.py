"""Who belongs to what: the rounds, firms and accounts in an organisation's world.

Organisations are the tenants. An organiser acts for its organisation and sees only:
- the rounds its organisation owns (a round owned by no organisation is nobody's),
  with their missions, runs and meeting days;
- the firms in those rounds (imported with the round, or applying to it) and the firms
  whose business case someone of its organisation has reviewed, with their cases and
  SME accounts;
- the branch organisations it invited or that offer a mission in one of its rounds,
  with their accounts, and its own organisation's other organisers.
A branch organisation sees its own missions and the open rounds that invite branch
missions; an SME only its own firm. Everything else answers 404 ("not found"), never 403,
so nobody learns that another tenant's object exists.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, false
from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    BusinessCase,
    Invitation,
    Mission,
    Role,
    Round,
    RoundFirm,
    RoundStatus,
    User,
)


def owns_round(user: User) -> ColumnElement[bool]:
    """The rounds of the user's organisation (none for a user without one)."""
    if user.organisation_id is None:
        return false()
    return col(Round.organisation_id) == user.organisation_id


def own_round_ids(user: User) -> Select:
    return select(Round.id).where(owns_round(user))


def world_firm_ids(user: User) -> Select:
    """The firms in the organiser's world, as a subquery of firm ids."""
    rounds = own_round_ids(user)
    imported = select(RoundFirm.firm_id).where(col(RoundFirm.round_id).in_(rounds))
    applied = select(Application.firm_id).where(col(Application.round_id).in_(rounds))
    colleagues = select(User.id).where(
        User.organisation_id == user.organisation_id, col(User.organisation_id).isnot(None)
    )
    reviewed = select(BusinessCase.firm_id).where(col(BusinessCase.verified_by).in_(colleagues))
    return imported.union(applied, reviewed)


def firm_in_world(*, session: Session, user: User, firm_id: int) -> bool:
    if str(user.role) != Role.organiser.value or user.organisation_id is None:
        return False
    query = world_firm_ids(user).subquery()
    found = session.exec(select(query.c[0]).where(query.c[0] == firm_id)).first()
    return found is not None


def world_branch_organisation_ids(user: User) -> Select:
    """Branch organisations the organiser's organisation invited or that offer a mission
    in one of its rounds."""
    if user.organisation_id is None:
        return select(Invitation.organisation_id).where(false())
    invited = select(Invitation.organisation_id).where(
        Invitation.issuer_organisation_id == user.organisation_id
    )
    offering = select(Mission.owner_organisation_id).where(
        col(Mission.round_id).in_(own_round_ids(user)),
        col(Mission.owner_organisation_id).isnot(None),
    )
    return invited.union(offering)


def rounds_inviting_branches() -> ColumnElement[bool]:
    """Rounds a branch organisation sees: open, and inviting branch missions (never drafts)."""
    return and_(col(Round.status) == RoundStatus.open, col(Round.invites_branch_missions).is_(True))
