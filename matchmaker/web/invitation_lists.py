"""The invitation pages an organiser and a branch organisation both have: the open
invitations, inviting an account, withdrawing an invitation (under the audience's prefix;
its package checks the role)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import mark
from matchmaker.models import Role, User
from matchmaker.services import accounts as account_service
from matchmaker.services import invitations as invitation_service
from matchmaker.web.account_forms import ROLE_LABELS, Email
from matchmaker.web.form_routes import form_post
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render

REVOKED = mark("The invitation is withdrawn: its link no longer works.")


def _list_page(
    request: Request,
    session: Session,
    user: User,
    prefix: str,
    *,
    created: invitation_service.NewInvitation | None = None,
    **shown: Any,
) -> Response:
    """The open invitations and the invite form; `shown` as render takes it (status_code,
    errors, values, notice)."""
    link = None
    if created is not None:
        link = str(request.base_url).rstrip("/") + created.path()
    return render(
        request,
        "invitations/list.html",
        prefix=prefix,
        entries=invitation_service.open_invitations(session=session, actor=user),
        labels=ROLE_LABELS,
        created=created,
        link=link,
        **{"errors": {}, "values": {}, "notice": None, **shown},
    )


def invitation_router(role: Role, prefix: str) -> APIRouter:
    """The list, invite and revoke pages of one audience (organisers or branch organisations),
    inviting accounts of `role` unless the form says otherwise."""
    router = APIRouter(prefix=f"{prefix}/invitations", tags=["pages: invitations"])

    @router.get("", response_class=HTMLResponse)
    def invitations_page(
        request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
    ) -> Response:
        shown = str(REVOKED) if notice else None
        return _list_page(request, session, user, prefix, notice=shown)

    @form_post(router, "")
    def invite(
        request: Request,
        session: SessionDep,
        user: CurrentUser,
        email: Email,
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
            refused = {"status_code": 400, "errors": error.fields(), "values": values}
            return _list_page(request, session, user, prefix, **refused)
        return _list_page(request, session, user, prefix, created=created)

    @form_post(router, "/{invitation_id}/revoke")
    def revoke(session: SessionDep, user: CurrentUser, invitation_id: int) -> Response:
        invitation_service.revoke(session=session, actor=user, invitation_id=invitation_id)
        return see_other(f"{prefix}/invitations?notice=revoked")

    return router
