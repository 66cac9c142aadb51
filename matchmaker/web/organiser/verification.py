"""Organiser pages of the verification queue: the business cases to verify or reject."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import User
from matchmaker.services import verification as verification_service
from matchmaker.web.form_routes import form_post
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render

router = APIRouter(prefix="/organiser/business-cases", tags=["pages: organiser"])

QUEUE = "/organiser/business-cases"


@router.get("", response_class=HTMLResponse)
def verification_queue(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    state: verification_service.ReviewState = verification_service.ReviewState.pending,
    scope: verification_service.QueueScope = verification_service.QueueScope.mine,
) -> Response:
    entries = verification_service.queue(session=session, user=user, state=state, scope=scope)
    return render(
        request,
        "organiser/verification.html",
        entries=entries,
        state=state.value,
        scope=scope.value,
        states=[s.value for s in verification_service.ReviewState],
    )


def _review(
    session: Session, user: User, case_id: int, verified: bool, note: str, back: str
) -> Response:
    verification_service.review(
        session=session, actor=user, case_id=case_id, verified=verified, note=note
    )
    return see_other(back if back.startswith(QUEUE) else QUEUE)


Back = Annotated[str, Form(max_length=300)]


@form_post(router, "/{case_id}/verify")
def verify_case(
    session: SessionDep, user: CurrentUser, case_id: int, back: Back = QUEUE
) -> Response:
    return _review(session, user, case_id, True, "", back)


@form_post(router, "/{case_id}/reject")
def reject_case(
    session: SessionDep,
    user: CurrentUser,
    case_id: int,
    note: Annotated[str, Form(max_length=2000)] = "",
    back: Back = QUEUE,
) -> Response:
    return _review(session, user, case_id, False, note, back)
