"""API: invitations to organiser and branch organisation accounts (the routes each of those
audiences includes), and the link anyone may open and accept."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from matchmaker.api.errors import BAD_BODY, NO_TOKEN, declare, refusals
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import Invitation, Role, UserPublic
from matchmaker.services import Conflict
from matchmaker.services import accounts as account_service
from matchmaker.services import invitations as invitation_service

ERRORS = refusals(
    login=NO_TOKEN,
    forbidden="Your role may not do this",
    not_found="No such invitation among those of your organisation",
    conflict="The invitation is used, revoked or expired already",
    invalid=BAD_BODY,
)
LINK_ERRORS = declare(
    {
        404: "The link is unknown, used, expired or revoked (all answer alike)",
        409: "An account with the invitation's e-mail address exists already",
        422: BAD_BODY,
    }
)
router = APIRouter(prefix="/api", tags=["invitations"], responses=LINK_ERRORS)


class InvitationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    role: Role = Field(description="organiser (a colleague) or branch_org")
    organisation: str | None = Field(
        default=None,
        max_length=200,
        description="for an organiser inviting a branch_org account: the new branch "
        "organisation's name (it is created now)",
    )


class InvitationView(BaseModel):
    id: int
    email: str
    role: Role
    organisation_id: int
    organisation: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


class CreatedInvitation(InvitationView):
    token: str = Field(description="shown once; only its digest is stored")
    path: str = Field(description="the one-time link's path, to pass on to the person")


class PendingView(BaseModel):
    email: str
    role: Role
    organisation: str


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=10, max_length=200)


def _view(invitation: Invitation, organisation: str) -> InvitationView:
    assert invitation.id is not None
    return InvitationView(
        id=invitation.id,
        email=invitation.email,
        role=Role(str(invitation.role)),
        organisation_id=invitation.organisation_id,
        organisation=organisation,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        used_at=invitation.used_at,
        revoked_at=invitation.revoked_at,
    )


def invitation_routes(role: Role, prefix: str) -> APIRouter:
    """Create, list and revoke for one audience (organisers or branch organisations), under
    /api/<prefix>/invitations; the audience's own router checks the role."""
    routes = APIRouter(prefix="/api", tags=["invitations"], responses=ERRORS)

    def list_invitations(session: SessionDep, user: CurrentUser) -> list[InvitationView]:
        """The open invitations into or made by your organisation, newest first."""
        entries = invitation_service.open_invitations(session=session, actor=user)
        return [_view(entry.invitation, entry.organisation) for entry in entries]

    def create_invitation(
        body: InvitationRequest, request: Request, session: SessionDep, user: CurrentUser
    ) -> CreatedInvitation:
        """A one-time link (7 days) for an account: organisers invite colleagues (role
        organiser) or a new branch organisation's first account (role branch_org, with
        `organisation`); branch organisations invite colleagues (role branch_org). The link
        is mailed to the address too, and returned here to pass on."""
        created = invitation_service.invite(
            session=session,
            actor=user,
            email=body.email,
            role=body.role,
            branch_organisation=body.organisation,
            site=str(request.base_url),
        )
        entry = next(
            e
            for e in invitation_service.open_invitations(session=session, actor=user)
            if e.invitation.id == created.record.id
        )
        return CreatedInvitation(
            **_view(created.record, entry.organisation).model_dump(),
            token=created.token,
            path=created.path(),
        )

    def revoke_invitation(
        session: SessionDep, user: CurrentUser, invitation_id: int
    ) -> InvitationView:
        """Withdraw an open invitation: its link stops working."""
        revoked = invitation_service.revoke(
            session=session, actor=user, invitation_id=invitation_id
        )
        return _view(revoked, "")

    tags = ["organiser" if role is Role.organiser else "branch organisation"]
    base = f"/{prefix}/invitations"
    name = prefix.replace("/", "_")
    for path, endpoint, method, status_code in (
        (base, list_invitations, "GET", None),
        (base, create_invitation, "POST", 201),
        (f"{base}/{{invitation_id}}/revoke", revoke_invitation, "POST", None),
    ):
        routes.add_api_route(
            path,
            endpoint,
            methods=[method],
            status_code=status_code,
            tags=tags,
            name=f"{endpoint.__name__}_{name}",
        )
    return routes


@router.get("/invitations/{token}")
def pending_invitation(session: SessionDep, token: str) -> PendingView:
    """What an invitation link offers: the e-mail address, role and organisation."""
    offer = invitation_service.pending(session=session, token=token)
    return PendingView(email=offer.email, role=offer.role, organisation=offer.organisation)


@router.post("/invitations/{token}/accept", status_code=201)
def accept_invitation(body: AcceptRequest, session: SessionDep, token: str) -> UserPublic:
    """Make the invited account with this password (the link is used up); then get a
    token from POST /api/tokens."""
    try:
        user = invitation_service.accept(session=session, token=token, password=body.password)
    except account_service.AccountError as error:  # the address has an account already
        raise Conflict(str(error)) from None
    return UserPublic.model_validate(user, from_attributes=True)
