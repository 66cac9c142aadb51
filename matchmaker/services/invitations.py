"""Invitations: one-time links that make organiser and branch organisation accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matchmaker import i18n
from matchmaker.i18n import LANGUAGES, gettext, mark
from matchmaker.models import Invitation, Organisation, OrganisationKind, Role, User
from matchmaker.services import (
    NotFound,
    mail_texts,
    one_time_links,
    outbox,
    read_back,
    row_audit,
)
from matchmaker.services.account_audit import record_account_event
from matchmaker.services.accounts import (
    AccountError,
    AccountRefused,
    _now,
    check_email,
    check_password,
    hash_password,
)
from matchmaker.services.row_locks import locked_rows

INVITATION_LIFETIME = timedelta(days=7)
KIND_OF_ROLE = {
    Role.organiser: OrganisationKind.organiser,
    Role.branch_org: OrganisationKind.branch_org,
}
# The role an invitation is for, as its e-mail names it.
ROLE_NAMES = {Role.organiser: mark("organiser"), Role.branch_org: mark("branch organisation")}


class InvitationUnusable(NotFound):
    """No usable invitation for this link: unknown, used, expired or revoked (all alike)."""

    def __init__(self) -> None:
        super().__init__("invitation", "link")
        self.args = (gettext("no usable invitation"),)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class NewInvitation:
    token: str  # goes in the link; only its digest is stored, so it is shown once
    record: Invitation

    def path(self) -> str:
        return invitation_path(self.token)


@dataclass(frozen=True, slots=True)
class InvitationEntry:
    invitation: Invitation
    organisation: str  # the name of the organisation the account will act for


def invitation_path(token: str) -> str:
    return f"/invitations/{token}"


def check_organisation_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise AccountError("organisation", gettext("name the organisation"))
    if len(name) > 200:
        raise AccountError(
            "organisation", gettext("an organisation's name has at most 200 characters")
        )
    return name


def find_or_create_organisation(
    *, session: Session, kind: OrganisationKind, name: str
) -> Organisation:
    """The oldest organisation of this kind with exactly this name, or a new one."""
    name = check_organisation_name(name)
    found = session.exec(
        select(Organisation)
        .where(Organisation.name == name, Organisation.kind == kind)
        .order_by(col(Organisation.id))
    ).first()
    if found is not None:
        return found
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    session.flush()
    return organisation


def create_invitation(
    *,
    session: Session,
    actor: User | None,
    organisation: Organisation,
    role: Role,
    email: str,
    lifetime: timedelta = INVITATION_LIFETIME,
    site: str | None = None,
) -> NewInvitation:
    """A new invitation into `organisation` (no permission check: the callers do that).

    actor is None for the operator's command. With `site` (the address the service is
    opened at) the link is also mailed to the invitee, in the same transaction. Audited and
    committed.
    """
    email = check_email(email)
    if role not in KIND_OF_ROLE or KIND_OF_ROLE[role] != OrganisationKind(organisation.kind):
        raise AccountError(
            "role", gettext("an invitation is for an organiser or a branch organisation")
        )
    token = one_time_links.new_token()
    now = _now()
    record = Invitation(
        token_hash=one_time_links.digest(token),
        email=email,
        role=role,
        organisation_id=organisation.id,  # type: ignore[arg-type]
        issuer_organisation_id=actor.organisation_id if actor is not None else None,
        created_by_user_id=actor.id if actor is not None else None,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(record)
    session.flush()
    if site is not None:
        # The invitee has no account yet, so no language of their own: the service's.
        with i18n.language(mail_texts.default_language()):
            subject, body = mail_texts.render(
                "invitation",
                organisation=organisation.name,
                role=str(ROLE_NAMES[role]),
                link=site.rstrip("/") + invitation_path(token),
                days=lifetime.days,
            )
        outbox.queue(session=session, kind="invitation", to=email, subject=subject, body=body)
    row_audit.commit_change(
        session=session,
        actor=actor,
        row=record,
        action="invite",
        after={"email": email, "role": role.value, "organisation_id": organisation.id},
    )
    return NewInvitation(token=token, record=record)


def invite(
    *,
    session: Session,
    actor: User,
    email: str,
    role: Role,
    branch_organisation: str | None = None,
    site: str | None = None,
) -> NewInvitation:
    """An invitation an organiser or branch organisation user makes.

    An organiser invites colleagues (role organiser, its own organisation) or the first
    account of a new branch organisation it names (role branch_org; the organisation is
    created now). A branch organisation user invites colleagues of its own organisation.
    """
    own = session.get(Organisation, actor.organisation_id) if actor.organisation_id else None
    if own is None:
        raise AccountRefused(gettext("your account acts for no organisation, so it cannot invite"))
    actor_role = Role(str(actor.role))
    if actor_role is Role.organiser and role is Role.branch_org:
        check_email(email)  # refuse a bad address before an organisation is made for it
        organisation = Organisation(
            name=check_organisation_name(branch_organisation), kind=OrganisationKind.branch_org
        )
        session.add(organisation)
        session.flush()
    elif role is actor_role and role in KIND_OF_ROLE:
        organisation = own
    else:
        raise AccountError(
            "role", gettext("you may invite colleagues of your own organisation only")
        )
    return create_invitation(
        session=session, actor=actor, organisation=organisation, role=role, email=email, site=site
    )


def _visible_to(actor: User) -> ColumnElement[bool]:
    """Invitations into the actor's organisation or made by it (none without one)."""
    mine = actor.organisation_id if actor.organisation_id is not None else -1
    return or_(
        col(Invitation.organisation_id) == mine, col(Invitation.issuer_organisation_id) == mine
    )


def _open(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        col(Invitation.used_at).is_(None),
        col(Invitation.revoked_at).is_(None),
        col(Invitation.expires_at) > now,
    )


def open_invitations(*, session: Session, actor: User) -> list[InvitationEntry]:
    """The usable invitations into or made by the actor's organisation, newest first."""
    rows = session.exec(
        select(Invitation, Organisation)
        .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
        .where(_visible_to(actor), *_open(_now()))
        .order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
    ).all()
    return [InvitationEntry(invitation=row, organisation=org.name) for row, org in rows]


def revoke(*, session: Session, actor: User, invitation_id: int) -> Invitation:
    """Withdraw an open invitation; NotFound for one the actor may not see, AccountRefused
    for one used, revoked or expired already (nothing is written then)."""
    record = locked_rows(
        session, Invitation, col(Invitation.id) == invitation_id, _visible_to(actor)
    ).first()
    if record is None:
        raise NotFound("invitation", invitation_id)
    now = _now()
    if record.used_at is not None or record.revoked_at is not None or record.expires_at <= now:
        message = (
            gettext("the invitation for %(email)s is used already", email=record.email)
            if record.used_at is not None
            else gettext("the invitation for %(email)s is revoked already", email=record.email)
            if record.revoked_at is not None
            else gettext("the invitation for %(email)s is expired already", email=record.email)
        )
        raise AccountRefused(message)
    record.revoked_at = now
    row_audit.commit_change(
        session=session,
        actor=actor,
        row=record,
        action="revoke_invitation",
        after={"revoked_at": now.isoformat()},
    )
    return record


@dataclass(frozen=True, slots=True)
class PendingInvitation:
    email: str
    role: Role
    organisation: str


def pending(*, session: Session, token: str) -> PendingInvitation:
    """What an invitation link offers; InvitationUnusable unless it is open."""
    row = session.exec(
        select(Invitation, Organisation)
        .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
        .where(col(Invitation.token_hash) == one_time_links.digest(token), *_open(_now()))
    ).first()
    if row is None:
        raise InvitationUnusable()
    invitation, organisation = row
    return PendingInvitation(
        email=invitation.email, role=Role(str(invitation.role)), organisation=organisation.name
    )


def accept(*, session: Session, token: str, password: str, language: str | None = None) -> User:
    """The account an open invitation makes, with this password; the link is used up.

    The password is hashed before the transaction begins (it takes a good part of a
    second). Claiming the link is one conditional UPDATE, so of two acceptances at once
    one makes the account and the other finds it used (InvitationUnusable). An e-mail
    address with an account already is refused (AccountError) and the link stays open.
    `language`, the one chosen with the switch before accepting, is kept with the account.
    """
    check_password(password)
    password_hash = hash_password(password)
    now = _now()
    invitation = one_time_links.claim(session, Invitation, token, still_open=_open(now), now=now)
    if invitation is None:
        raise InvitationUnusable()
    if session.exec(select(User.id).where(User.email == invitation.email)).first() is not None:
        session.rollback()
        raise AccountError(
            "email",
            gettext("an account with this e-mail address exists already: log in with it"),
        )
    user = User(
        email=invitation.email,
        password_hash=password_hash,
        role=Role(str(invitation.role)),
        organisation_id=invitation.organisation_id,
        language=language if language in LANGUAGES else None,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # the same address registered meanwhile
        session.rollback()
        raise AccountError(
            "email",
            gettext("an account with this e-mail address exists already: log in with it"),
        ) from None
    row_audit.commit_change(
        session=session,
        actor=user,
        row=user,
        action="accept_invitation",
        object_type="user",
        after={
            "email": user.email,
            "role": str(user.role),
            "organisation_id": user.organisation_id,
            "invitation_id": invitation.id,
        },
    )
    return user


# --------------------------------------------------------------------------- the operator


def operator_add_user(
    *, session: Session, role: Role, organisation: str, email: str, password: str
) -> tuple[User, Organisation]:
    """An organiser or branch organisation account made by the operator (command line), in
    the organisation of that kind and name (found, or created)."""
    email = check_email(email)
    check_password(password)
    if role not in KIND_OF_ROLE:
        raise AccountError("role", "the command makes organiser and branch_org accounts")
    password_hash = hash_password(password)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise AccountError("email", "an account with this e-mail address exists already")
    found = find_or_create_organisation(session=session, kind=KIND_OF_ROLE[role], name=organisation)
    user = User(email=email, password_hash=password_hash, role=role, organisation_id=found.id)
    session.add(user)
    session.flush()
    after = {"email": email, "role": role.value, "organisation_id": found.id, "by": "operator"}
    record_account_event(session, None, "register", user.id, after)
    session.commit()
    read_back(session, user, found)
    return user, found


def operator_invite(
    *, session: Session, role: Role, organisation: str, email: str
) -> tuple[NewInvitation, Organisation]:
    """An invitation made by the operator into the organisation of that kind and name."""
    check_email(email)
    if role not in KIND_OF_ROLE:
        raise AccountError("role", "the command makes organiser and branch_org accounts")
    found = find_or_create_organisation(session=session, kind=KIND_OF_ROLE[role], name=organisation)
    new = create_invitation(session=session, actor=None, organisation=found, role=role, email=email)
    read_back(session, found)
    return new, found
