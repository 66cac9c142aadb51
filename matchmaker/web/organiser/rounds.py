"""Organiser pages of rounds: the home page, a new or imported round, the round's page with
its missions, opening and closing it, its exports and its dashboard."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker import times
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import gettext, mark
from matchmaker.models import Round, RoundStatus, User
from matchmaker.models.rounds import MAX_ANSWER_DAYS
from matchmaker.services import dashboard as dashboard_service
from matchmaker.services import exports as export_service
from matchmaker.services import missions as mission_service
from matchmaker.services import offer_terms
from matchmaker.services import rounds as round_service
from matchmaker.services import runs as run_service
from matchmaker.services import verification as verification_service
from matchmaker.services.errors import Conflict, Invalid, Problem, ServiceError
from matchmaker.web.form_routes import form_post
from matchmaker.web.mission_forms import FormDep
from matchmaker.web.organiser.common import round_url, visible_round
from matchmaker.web.organiser.confirmation import (
    Confirmation,
    ConfirmField,
    add_confirm_route,
    confirm_page,
    confirmed,
)
from matchmaker.web.organiser.round_form import round_input, row_errors
from matchmaker.web.pages import download, see_other
from matchmaker.web.rendering import render

router = APIRouter(prefix="/organiser", tags=["pages: organiser"])


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    rounds = round_service.list_rounds(session=session, user=user)
    pending = verification_service.queue(session=session, user=user)
    return render(request, "organiser/home.html", rounds=rounds, pending=len(pending))


@router.get("/new-round", response_class=HTMLResponse)
def new_round_form(request: Request) -> Response:
    return render(
        request,
        "organiser/round_form.html",
        values={"max_places_per_firm": "1", "regions": "", "sectors": ""},
        errors={},
    )


@form_post(router, "/rounds")
def create_round(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    values, problems = round_input(form)
    try:
        if problems:
            raise Invalid(problems + round_service.check_round(values))
        round_row = round_service.create_round(session=session, actor=user, values=values)
    except Invalid as error:
        return render(
            request,
            "organiser/round_form.html",
            status_code=422,
            values={key: str(form.get(key) or "") for key in form},
            errors=row_errors(error),
        )
    return see_other(round_url(round_row.id))


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request) -> Response:
    return render(request, "organiser/import.html", problems=[])


@form_post(router, "/import")
def import_scenario(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    scenario: Annotated[UploadFile, File()],
) -> Response:
    try:
        content = scenario.file.read(round_service.MAX_UPLOAD_BYTES + 1)
        round_row = round_service.import_file(
            session=session, actor=user, content=content, filename=scenario.filename
        )
    except Invalid as error:
        return render(request, "organiser/import.html", status_code=422, problems=error.lines())
    except Conflict as error:
        return render(request, "organiser/import.html", status_code=409, problems=[str(error)])
    return see_other(round_url(round_row.id))


def _round_page(
    request: Request,
    session: Session,
    round_row: Round,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    missions = mission_service.list_missions(session=session, round_id=round_row.id)
    run = run_service.roster_run(session=session, round_row=round_row)
    return render(
        request,
        "organiser/round.html",
        status_code=status_code,
        round=round_row,
        missions=missions,
        owners=mission_service.owner_names(session=session, missions=missions),
        regions=round_service.regions_of(session=session, round_id=round_row.id),
        sectors=round_service.sectors_of(session=session, round_id=round_row.id),
        run=run,
        cancelled=export_service.missions_not_running(run),
        error=error,
        editable=round_row.status != RoundStatus.published,
    )


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    return _round_page(request, session, visible_round(session, user, round_id))


def _move(request: Request, session: Session, user: User, round_id: str, action: str) -> Response:
    move = {
        "open": round_service.open_round,
        "close": round_service.close_round,
        "reopen": round_service.reopen_round,
    }[action]
    try:
        move(session=session, actor=user, round_id=round_id)
    except Conflict as error:
        round_row = visible_round(session, user, round_id)
        return _round_page(request, session, round_row, status_code=409, error=str(error))
    return see_other(round_url(round_id))


@form_post(router, "/rounds/{round_id}/open")
def open_round(request: Request, session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    return _move(request, session, user, round_id, "open")


def _close_confirmation(session: SessionDep, user: CurrentUser, round_id: str) -> Confirmation:
    round_row = visible_round(session, user, round_id)
    return Confirmation(
        question=gettext("Close %(name)s for applications?", name=round_row.name),
        happens=(
            gettext(
                "Firms can no longer apply, withdraw or change their preferences in this round."
            ),
            gettext("You can then run the matching and review the roster before publishing it."),
        ),
        undo=gettext(
            "Yes: you can re-open the round for applications until a roster is published."
        ),
        action=round_url(round_row.id, "/close"),
        yes=gettext("Yes, close the round"),
        back=round_url(round_row.id),
        back_label=round_row.name,
    )


add_confirm_route(router, "/rounds/{round_id}/close/confirm", _close_confirmation)


@form_post(router, "/rounds/{round_id}/close")
def close_round(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    confirm: ConfirmField = "",
) -> Response:
    """Close the round once confirmed (confirm=yes); without it, the confirmation page."""
    if not confirmed(confirm):
        return confirm_page(request, _close_confirmation(session, user, round_id))
    return _move(request, session, user, round_id, "close")


@form_post(router, "/rounds/{round_id}/reopen")
def reopen_round(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str
) -> Response:
    return _move(request, session, user, round_id, "reopen")


_SETTING_LABELS = {"answer_days": mark("Answer days"), "applications_close_at": mark("Deadline")}


def _setting_refused(
    request: Request, session: Session, user: User, round_id: str, error: ServiceError
) -> Response:
    """The round page again with the service's reason for refusing a setting, and its status."""
    round_row = visible_round(session, user, round_id)
    message = str(error)
    if isinstance(error, Invalid):
        message = "; ".join(
            f"{_SETTING_LABELS.get(problem.path, problem.path)}: {problem.message}"
            for problem in error.problems
        )
    return _round_page(request, session, round_row, status_code=error.status, error=message)


@form_post(router, "/rounds/{round_id}/deadline")
def set_deadline(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str, form: FormDep
) -> Response:
    """The deadline form: a date and a time in Amsterdam; both empty removes it."""
    day_text = str(form.get("close_date") or "").strip()
    clock_text = str(form.get("close_time") or "").strip() or "23:59"
    try:
        close_at = None
        if day_text:
            try:
                close_at = times.from_amsterdam(
                    date.fromisoformat(day_text), time.fromisoformat(clock_text)
                )
            except ValueError:
                problem = gettext(
                    "%(day)s %(time)s is not a date (YYYY-MM-DD) and time (HH:MM)",
                    day=day_text,
                    time=clock_text,
                )
                raise Invalid([Problem("applications_close_at", problem)]) from None
        round_service.set_deadline(
            session=session, actor=user, round_id=round_id, close_at=close_at
        )
    except (Conflict, Invalid) as error:
        return _setting_refused(request, session, user, round_id, error)
    return see_other(round_url(round_id))


@form_post(router, "/rounds/{round_id}/answer-days")
def set_answer_days(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str, form: FormDep
) -> Response:
    """How many days firms get to answer an offered place."""
    text = str(form.get("answer_days") or "").strip()
    try:
        if not (text.isdigit() and len(text) <= 3):
            raise Invalid(
                [
                    Problem(
                        "answer_days",
                        gettext(
                            "%(text)s is not a whole number of days from 1 to %(most)s",
                            text=text or gettext("nothing"),
                            most=MAX_ANSWER_DAYS,
                        ),
                    )
                ]
            )
        offer_terms.set_answer_days(session=session, actor=user, round_id=round_id, days=int(text))
    except Invalid as error:
        return _setting_refused(request, session, user, round_id, error)
    return see_other(round_url(round_id))


@form_post(router, "/rounds/{round_id}/branch-missions")
def invite_branch_missions(
    session: SessionDep, user: CurrentUser, round_id: str, form: FormDep
) -> Response:
    invite = str(form.get("invite") or "") == "1"
    round_service.invite_branch_missions(
        session=session, actor=user, round_id=round_id, invite=invite
    )
    return see_other(round_url(round_id))


@router.get("/rounds/{round_id}/scenario.json")
def export_scenario(session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    document = round_service.export_round(session=session, user=user, round_id=round_id)
    content = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return download(
        content.encode(), "application/json", export_service.file_name(round_id, extension="json")
    )


@router.get("/rounds/{round_id}/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    round_row = visible_round(session, user, round_id)
    figures = dashboard_service.round_dashboard(session=session, round_row=round_row)
    return render(request, "organiser/dashboard.html", round=round_row, dashboard=figures)


@router.get("/rounds/{round_id}/calendar.ics")
def calendar(session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    round_row = visible_round(session, user, round_id)
    content = export_service.round_calendar(session=session, round_row=round_row)
    return download(
        content,
        "text/calendar; charset=utf-8",
        export_service.file_name(round_id, "missions", extension="ics"),
    )
