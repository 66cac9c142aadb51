"""Placement pages: the SME reads its result and accepts, declines or withdraws; organisers
offer a waiting application a place or record a firm's withdrawal."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep, require_role
from matchmaker.models import Placement, Role, User
from matchmaker.services import placement_views
from matchmaker.services import placements as placement_service
from matchmaker.services.placements import PlacementRefused
from matchmaker.web import runs as run_pages
from matchmaker.web.rendering import refusal, render

router = APIRouter(tags=["pages: placements"])
AS_SME = [Depends(require_role(Role.sme))]
AS_ORGANISER = [Depends(require_role(Role.organiser))]

# --------------------------------------------------------------------------- the firm's pages


@router.get("/sme/placements", response_class=HTMLResponse, dependencies=AS_SME)
def my_placements(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The firm's results in published rounds, each linking to its placement page."""
    views = placement_views.firm_placements(session=session, user=user)
    return render(request, "placements/list.html", views=views)


def _placement_page(
    request: Request,
    session: Session,
    user: User,
    placement_id: int,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    view = placement_views.firm_placement(session=session, placement_id=placement_id, user=user)
    return render(
        request,
        "placements/detail.html",
        status_code=status_code,
        view=view,
        error=error,
        notice=notice,
    )


NOTICES = {
    "accepted": "You accepted the place. The organiser will be in touch about the mission.",
    "declined": "You declined the place; it goes to the next firm on the waiting list.",
    "withdrawn": "Your firm is withdrawn; a place it held goes to the waiting list.",
}


@router.get("/sme/placements/{placement_id}", response_class=HTMLResponse, dependencies=AS_SME)
def placement_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    placement_id: int,
    notice: str | None = None,
) -> Response:
    return _placement_page(request, session, user, placement_id, notice=NOTICES.get(notice or ""))


def _answered(placement_id: int, notice: str) -> Response:
    return RedirectResponse(f"/sme/placements/{placement_id}?notice={notice}", status_code=303)


@router.post("/sme/placements/{placement_id}/accept", dependencies=[*AS_SME, CsrfChecked])
def accept(request: Request, session: SessionDep, user: CurrentUser, placement_id: int) -> Response:
    try:
        placement_service.accept(session=session, placement_id=placement_id, user=user)
    except PlacementRefused as error:
        return _placement_page(request, session, user, placement_id, **refusal(error))
    return _answered(placement_id, "accepted")


@router.post("/sme/placements/{placement_id}/decline", dependencies=[*AS_SME, CsrfChecked])
def decline(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    try:
        placement_service.decline(session=session, placement_id=placement_id, user=user)
    except PlacementRefused as error:
        return _placement_page(request, session, user, placement_id, **refusal(error))
    return _answered(placement_id, "declined")


@router.post("/sme/placements/{placement_id}/withdraw", dependencies=[*AS_SME, CsrfChecked])
def withdraw(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    try:
        placement_service.withdraw(session=session, placement_id=placement_id, actor=user)
    except PlacementRefused as error:
        return _placement_page(request, session, user, placement_id, **refusal(error))
    return _answered(placement_id, "withdrawn")


# --------------------------------------------------------------------------- organisers


def _on_run_page(
    request: Request, session: Session, user: User, placement_id: int, error: PlacementRefused
) -> Response:
    """The run page of the placement, showing why the change was refused."""
    placement = session.get(Placement, placement_id)
    assert placement is not None  # the service found it before refusing
    return run_pages.run_page_response(request, session, user, placement.run_id, **refusal(error))


def _changed(change: placement_service.Change) -> Response:
    placement = change.placement
    return RedirectResponse(
        f"/organiser/runs/{placement.run_id}#placement-{placement.id}", status_code=303
    )


@router.post(
    "/organiser/placements/{placement_id}/offer", dependencies=[*AS_ORGANISER, CsrfChecked]
)
def offer(request: Request, session: SessionDep, user: CurrentUser, placement_id: int) -> Response:
    """Offer a place to an application on the waiting list, if the round can hold it."""
    try:
        change = placement_service.offer(session=session, placement_id=placement_id, actor=user)
    except PlacementRefused as error:
        return _on_run_page(request, session, user, placement_id, error)
    return _changed(change)


@router.post(
    "/organiser/placements/{placement_id}/withdraw", dependencies=[*AS_ORGANISER, CsrfChecked]
)
def record_withdrawal(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    """Record a firm's withdrawal on its behalf; its place goes to the waiting list."""
    try:
        change = placement_service.withdraw(session=session, placement_id=placement_id, actor=user)
    except PlacementRefused as error:
        return _on_run_page(request, session, user, placement_id, error)
    return _changed(change)
