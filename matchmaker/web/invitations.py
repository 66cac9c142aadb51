"""The one-time invitation link: whoever holds it sets a password and has the invited account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CsrfChecked, SessionDep
from matchmaker.services import accounts as account_service
from matchmaker.services import invitations as invitation_service
from matchmaker.web.auth import HOME_BY_ROLE, logged_in
from matchmaker.web.invitation_lists import ROLE_LABELS
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: invitations"])

UNUSABLE = (
    "This invitation link cannot be used: it is unknown, was used already, has expired or "
    "was withdrawn. Ask the person who invited you for a new link."
)


def _unusable() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, UNUSABLE)


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
    return logged_in(HOME_BY_ROLE[str(user.role)], started.token)
