"""Organiser API: the accounts an organiser manages, to disable or enable them."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from matchmaker.api.errors import NO_TOKEN, refusals
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import Role, User
from matchmaker.services import accounts as account_service

ERRORS = refusals(
    login=NO_TOKEN,
    forbidden="Only organisers may do this",
    not_found="No such account among those you manage",
    conflict="The account is in that state already",
    invalid=None,
)
router = APIRouter(prefix="/api/organiser/accounts", tags=["organiser"], responses=ERRORS)


class AccountView(BaseModel):
    id: int
    email: str
    role: Role
    active: bool
    acts_for: str
    created_at: datetime


def _view(user: User, acts_for: str) -> AccountView:
    assert user.id is not None
    return AccountView(
        id=user.id,
        email=user.email,
        role=Role(user.role),
        active=user.active,
        acts_for=acts_for,
        created_at=user.created_at,
    )


@router.get("")
def list_accounts(session: SessionDep, user: CurrentUser) -> list[AccountView]:
    """The accounts you may disable or enable: SMEs, branch organisations and the other
    organisers of your organisation."""
    entries = account_service.manageable_accounts(session=session, actor=user)
    return [_view(entry.user, entry.acts_for) for entry in entries]


def _change(session: SessionDep, user: CurrentUser, user_id: int, active: bool) -> AccountView:
    changed = account_service.change_active(
        session=session, actor=user, user_id=user_id, active=active
    )
    return _view(changed, "")


@router.post("/{user_id}/disable")
def disable(session: SessionDep, user: CurrentUser, user_id: int) -> AccountView:
    """Disable the account: its sessions and tokens end at once, and it cannot log in."""
    return _change(session, user, user_id, active=False)


@router.post("/{user_id}/enable")
def enable(session: SessionDep, user: CurrentUser, user_id: int) -> AccountView:
    """Enable the account again; its owner logs in anew (old sessions stay ended)."""
    return _change(session, user, user_id, active=True)
