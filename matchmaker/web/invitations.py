"""Invitation pages: organisers and branch organisations invite accounts; the one-time link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matchmaker.deps import SESSION_COOKIE, CsrfChecked, CurrentUser, SessionDep, require_role
from matchmaker.models import Role
from matchmaker.services import accounts as account_service
from matchmaker.services import invitations as invitation_service
from matchmaker.web.auth import HOME_BY_ROLE
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: invitations"])

UNUSABLE = (
    "This invitation link cannot be used: it is unknown, was used already, has expired or "
    "was withdrawn. Ask the person who invited you for a new link."
)
ROLE_LABELS = {"organiser": "organiser", "branch_org": "branch organisation"}


def _unusable() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, UNUSABLE)


def _list_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    prefix: str,
    *,
    status_code: int = 200,
    created: invitation_service.NewInvitation | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    link = None
    if created is not None:
        link = str(request.base_url).rstrip("/") + created.path()
    return render(
        request,
        "invitations/list.html",
        status_code=status_code,
        prefix=prefix,
        entries=invitation_service.open_invitations(session=session, actor=user),
        labels=ROLE_LABELS,
        created=created,
        link=link,
        errors=errors or {},
        values=values or {},
        notice=notice,
    )


def _pages_for(role: Role, prefix: str) -> None:
    """The list, invite and revoke pages of one audience (organisers or branch organisations)."""
    only = [Depends(require_role(role))]

    def invitations_page(
        request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
    ) -> Response:
        shown = "The invitation is withdrawn: its link no longer works." if notice else None
        return _list_page(request, session, user, prefix, notice=shown)

    def invite(
        request: Request,
        session: SessionDep,
        user: CurrentUser,
        email: Annotated[str, Form(max_length=320)],
        role: Annotated[Role, Form()] = role,
        organisation: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        values = {"email": email, "role": role.value, "organisation": organisation}
        try:
            created = invitation_service.invite(
                session=session,
                actor=user,
                email=email,
                role=role,
                branch_organisation=organisation,
            )
        except account_service.AccountError as error:
            return _list_page(
                request,
                session,
                user,
                prefix,
                status_code=400,
                errors={error.field: str(error)},
                values=values,
            )
        return _list_page(request, session, user, prefix, created=created)

    def revoke(session: SessionDep, user: CurrentUser, invitation_id: int) -> Response:
        invitation_service.revoke(session=session, actor=user, invitation_id=invitation_id)
        return RedirectResponse(f"{prefix}/invitations?notice=revoked", status_code=303)

    add: Callable[..., None] = router.add_api_route
    add(
        f"{prefix}/invitations",
        invitations_page,
        methods=["GET"],
        response_class=HTMLResponse,
        dependencies=only,
    )
    add(
        f"{prefix}/invitations",
        invite,
        methods=["POST"],
        response_class=HTMLResponse,
        dependencies=[*only, CsrfChecked],
    )
    add(
        f"{prefix}/invitations/{{invitation_id}}/revoke",
        revoke,
        methods=["POST"],
        dependencies=[*only, CsrfChecked],
    )


_pages_for(Role.organiser, "/organiser")
_pages_for(Role.branch_org, "/branch")


# --------------------------------------------------------------------------- the link


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_form(request: Request, session: SessionDep, token: str) -> Response:
    try:
        offer = invitation_service.pending(session=session, token=token)
    except invitation_service.InvitationUnusable:
        raise _unusable() from None
    return render(
        request, "invitations/accept.html", offer=offer, labels=ROLE_LABELS, token=token, errors={}
    )


@router.post("/invitations/{token}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def accept_invitation(
    request: Request,
    session: SessionDep,
    token: str,
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Make the invited account with this password and log it in; the link is used up."""
    try:
        user = invitation_service.accept(session=session, token=token, password=password)
    except invitation_service.InvitationUnusable:
        raise _unusable() from None
    except account_service.AccountError as error:
        try:
            offer = invitation_service.pending(session=session, token=token)
        except invitation_service.InvitationUnusable:
            raise _unusable() from None
        return render(
            request,
            "invitations/accept.html",
            status_code=409 if error.field == "email" else 400,
            offer=offer,
            labels=ROLE_LABELS,
            token=token,
            errors={error.field: str(error)},
        )
    # The acceptance's audit row stands for this first login as well.
    started = account_service.start_session(session=session, user=user, audited=False)
    response = RedirectResponse(HOME_BY_ROLE[str(user.role)], status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        started.token,
        secure=True,
        httponly=True,
        samesite="lax",
        path="/",
        max_age=int(account_service.SESSION_LIFETIME.total_seconds()),
    )
    return response
