"""The invitation pages an organiser and a branch organisation both have: the open
invitations, inviting an account, withdrawing an invitation (under the audience's prefix;
its package checks the role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.models import Role, User
from matchmaker.services import accounts as account_service
from matchmaker.services import invitations as invitation_service
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render

ROLE_LABELS = {"organiser": "organiser", "branch_org": "branch organisation"}


def _list_page(
    request: Request,
    session: Session,
    user: User,
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


def invitation_router(role: Role, prefix: str) -> APIRouter:
    """The list, invite and revoke pages of one audience (organisers or branch organisations),
    inviting accounts of `role` unless the form says otherwise."""
    router = APIRouter(prefix=f"{prefix}/invitations", tags=["pages: invitations"])

    @router.get("", response_class=HTMLResponse)
    def invitations_page(
        request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
    ) -> Response:
        shown = "The invitation is withdrawn: its link no longer works." if notice else None
        return _list_page(request, session, user, prefix, notice=shown)

    @router.post("", response_class=HTMLResponse, dependencies=[CsrfChecked])
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
                site=str(request.base_url),
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

    @router.post("/{invitation_id}/revoke", dependencies=[CsrfChecked])
    def revoke(session: SessionDep, user: CurrentUser, invitation_id: int) -> Response:
        invitation_service.revoke(session=session, actor=user, invitation_id=invitation_id)
        return see_other(f"{prefix}/invitations?notice=revoked")

    return router
