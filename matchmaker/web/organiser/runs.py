"""Organiser pages for matching runs: start and list runs, watch progress, read the roster per
mission with the reason for every unplaced application, lock and unlock, publish."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import Session

from matchmaker import jobs
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import gettext
from matchmaker.models import PlacementStatus, RoundStatus, User
from matchmaker.services import reasons, waiting_queues
from matchmaker.services import rosters as roster_service
from matchmaker.services import rounds as round_service
from matchmaker.services import runs as run_service
from matchmaker.services.errors import Invalid
from matchmaker.services.runs import RunRefused
from matchmaker.services.solver_jobs import JobRefused
from matchmaker.web.form_routes import form_answer, form_post
from matchmaker.web.organiser.common import placement_url, run_url
from matchmaker.web.organiser.confirmation import (
    Confirmation,
    ConfirmField,
    add_confirm_route,
    confirm_page,
    confirmed,
)
from matchmaker.web.rendering import render

router = APIRouter(prefix="/organiser", tags=["pages: matching runs"])

# What a start or restart page shows as its own refusal (the rest reach main.py's handler).
START_REFUSALS = (RunRefused, Invalid)


def _runs_page(
    request: Request,
    session: Session,
    user: User,
    round_id: str,
    **shown: Any,
) -> Response:
    """The round's runs and the form to start one; `shown` as render takes it."""
    round_row = run_service.visible_round(session=session, round_id=round_id, user=user)
    return render(
        request,
        "organiser/runs/list.html",
        round=round_row,
        runs=run_service.list_runs(session=session, round_id=round_id),
        locked=roster_service.locked_count(session=session, round_id=round_id),
        **shown,
        default_time_limit=run_service.DEFAULT_TIME_LIMIT_SECONDS,
        max_time_limit=run_service.MAX_TIME_LIMIT_SECONDS,
        max_workers=run_service.MAX_WORKERS,
    )


@router.get("/rounds/{round_id}/runs", response_class=HTMLResponse)
def runs_page(request: Request, session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    return _runs_page(request, session, user, round_id)


@form_post(router, "/rounds/{round_id}/runs")
def start_run(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    time_limit: Annotated[float | None, Form(gt=0, le=run_service.MAX_TIME_LIMIT_SECONDS)] = (
        run_service.DEFAULT_TIME_LIMIT_SECONDS
    ),
    seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0,
    workers: Annotated[int, Form(ge=1, le=run_service.MAX_WORKERS)] = 1,
) -> Response:
    """Queue a run of the round as it is now (its locks kept); the run page shows progress."""
    start = partial(
        run_service.start_run,
        session=session,
        round_id=round_id,
        actor=user,
        options=run_service.solve_options(time_limit=time_limit, seed=seed, workers=workers),
        enqueue=jobs.enqueuer(request.app),
    )
    runs_again = partial(_runs_page, request, session, user, round_id)
    return form_answer(start, refusals=START_REFUSALS, shown_again=runs_again, then=run_url)


def run_page_response(
    request: Request,
    session: Session,
    user: User,
    run_id: int,
    **shown: Any,
) -> Response:
    """The run's page: progress, rosters and what may change; `shown` as render takes it."""
    run = run_service.visible_run(session=session, run_id=run_id, user=user)
    round_row = round_service.round_by_id(session=session, round_id=run.round_id)
    current = run_service.roster_run(session=session, round_row=round_row)
    active = run_service.active_run(session=session, round_id=run.round_id)
    is_current = current is not None and current.id == run.id
    published = round_row.status == RoundStatus.published
    has_roster = run_service.has_roster(run)
    return render(
        request,
        "organiser/runs/detail.html",
        run=run,
        round=round_row,
        progress=run_service.progress_of(run),
        rosters=roster_service.mission_rosters(session=session, run=run) if has_roster else [],
        has_roster=has_roster,
        is_current=is_current,
        published=published,
        can_lock=is_current and not published,
        can_publish=is_current and active is None and round_row.status == RoundStatus.closed,
        waiting_queues=(
            waiting_queues.mission_queues(session=session, run=run)
            if is_current and published
            else []
        ),
        plain_status=reasons.STATUS_FOR_FIRM,
        reason_labels=reasons.LABEL,
        ortools_installed=run_service.ortools_version(),
        **shown,
        statuses=PlacementStatus,
    )


def placement_page_response(
    request: Request, session: Session, user: User, placement_id: int, **shown: Any
) -> Response:
    """The run page of the placement; `shown` as render takes it (why a change was refused)."""
    run_id = roster_service.run_of_placement(session=session, placement_id=placement_id)
    return run_page_response(request, session, user, run_id, **shown)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, session: SessionDep, user: CurrentUser, run_id: int) -> Response:
    return run_page_response(request, session, user, run_id)


@router.get("/runs/{run_id}/progress")
def run_progress(session: SessionDep, user: CurrentUser, run_id: int) -> JSONResponse:
    """The run's progress as JSON, polled by the run page's progress bar."""
    run = run_service.visible_run(session=session, run_id=run_id, user=user)
    return JSONResponse(run_service.progress_of(run), headers={"Cache-Control": "no-store"})


@form_post(router, "/runs/{run_id}/restart")
def restart_run(request: Request, session: SessionDep, user: CurrentUser, run_id: int) -> Response:
    """Start a failed or interrupted run again (same parameters and seed, today's round)."""
    restart = partial(
        run_service.restart_run,
        session=session,
        run_id=run_id,
        actor=user,
        enqueue=jobs.enqueuer(request.app),
    )
    run_again = partial(run_page_response, request, session, user, run_id)
    return form_answer(restart, refusals=START_REFUSALS, shown_again=run_again, then=run_url)


@form_post(router, "/runs/{run_id}/stop")
def stop_run(request: Request, session: SessionDep, user: CurrentUser, run_id: int) -> Response:
    """Stop a queued or running run; a running one keeps the best roster found so far."""
    return form_answer(
        partial(run_service.stop_run, session=session, run_id=run_id, actor=user),
        refusals=(JobRefused,),
        shown_again=partial(run_page_response, request, session, user, run_id),
        then=f"/organiser/runs/{run_id}",
    )


def _publish_confirmation(session: SessionDep, user: CurrentUser, run_id: int) -> Confirmation:
    run = run_service.visible_run(session=session, run_id=run_id, user=user)
    round_row = round_service.round_by_id(session=session, round_id=run.round_id)
    return Confirmation(
        question=gettext("Publish the roster of matching run %(run)s?", run=run_id),
        happens=(
            gettext(
                "Every placement of this run becomes an offer to its firm in %(round)s.",
                round=round_row.name,
            ),
            gettext(
                "Every firm that applied sees its result, with the reason for each application "
                "that has no place, and gets an e-mail about it."
            ),
            gettext(
                "The round's missions no longer change; a firm that declines or withdraws frees "
                "its place for the waiting list."
            ),
        ),
        undo=gettext("No: publishing cannot be undone, and the e-mails cannot be called back."),
        action=f"/organiser/runs/{run_id}/publish",
        yes=gettext("Yes, publish the roster"),
        back=f"/organiser/runs/{run_id}",
        back_label=gettext("Matching run %(run)s", run=run_id),
    )


add_confirm_route(router, "/runs/{run_id}/publish/confirm", _publish_confirmation)


@form_post(router, "/runs/{run_id}/publish")
def publish_run(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    run_id: int,
    confirm: ConfirmField = "",
) -> Response:
    """Publish the run's roster once confirmed (confirm=yes): its placements become offers to
    the firms. Without it, the confirmation page."""
    if not confirmed(confirm):
        return confirm_page(request, _publish_confirmation(session, user, run_id))
    return form_answer(
        partial(roster_service.publish_run, session=session, run_id=run_id, actor=user),
        refusals=(RunRefused,),
        shown_again=partial(run_page_response, request, session, user, run_id),
        then=f"/organiser/runs/{run_id}",
    )


def _set_lock(
    request: Request, session: Session, user: User, placement_id: int, locked: bool
) -> Response:
    return form_answer(
        partial(
            roster_service.set_lock,
            session=session,
            placement_id=placement_id,
            actor=user,
            locked=locked,
        ),
        refusals=(RunRefused,),
        shown_again=partial(placement_page_response, request, session, user, placement_id),
        then=placement_url,
    )


@form_post(router, "/placements/{placement_id}/lock")
def lock_placement(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    """Lock a placement: every later run of the round must place it."""
    return _set_lock(request, session, user, placement_id, True)


@form_post(router, "/placements/{placement_id}/unlock")
def unlock_placement(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    return _set_lock(request, session, user, placement_id, False)
