"""Organiser pages: rounds, missions and fairs, the verification queue, exports and dashboard."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep, require_role
from matchmaker.models import Mission, Organisation, Role, Round, RoundStatus, User
from matchmaker.services import dashboard as dashboard_service
from matchmaker.services import exports as export_service
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service
from matchmaker.services import runs as run_service
from matchmaker.services import verification as verification_service
from matchmaker.services.errors import Conflict, Invalid, Problem
from matchmaker.text import ascii_int
from matchmaker.web.mission_forms import (
    FormDep,
    create_from_form,
    mission_form_context,
    mission_text,
    save_mission,
)
from matchmaker.web.rendering import render

router = APIRouter(
    prefix="/organiser",
    tags=["pages: organiser"],
    dependencies=[Depends(require_role(Role.organiser))],
)


def _round(session: Session, user: User, round_id: str) -> Round:
    return round_service.get_round(session=session, user=user, round_id=round_id)


def _mission(session: Session, user: User, round_id: str, mission_id: int) -> Mission:
    return mission_service.get_for_organiser(
        session=session, user=user, round_id=round_id, mission_id=mission_id
    )


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def round_url(round_id: str, suffix: str = "") -> str:
    """The page of a round (ids from imported files may hold any character)."""
    return f"/organiser/rounds/{quote(round_id, safe='')}{suffix}"


def download(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --------------------------------------------------------------------------- home, rounds


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


def _lines(text: str) -> list[list[str]]:
    return [
        [part.strip() for part in line.split(",")] for line in text.splitlines() if line.strip()
    ]


def _round_input(form: FormData) -> tuple[round_service.RoundInput, list[Problem]]:
    """The new-round form as input: regions and sectors one per line, comma-separated."""
    problems: list[Problem] = []
    text = {key: str(form.get(key) or "").strip() for key in form}

    def number(name: str, default: Any) -> Any:
        if not text.get(name):
            return default
        number = ascii_int(text[name])
        if number is None:
            problems.append(Problem(name, f"{text[name]!r} is not a whole number"))
            return default
        return number

    regions = []
    for line_number, parts in enumerate(_lines(text.get("regions", "")), start=1):
        priority = 0
        if len(parts) > 2 and parts[2]:
            priority = ascii_int(parts[2])
            if priority is None:
                priority = 0
                problems.append(
                    Problem("regions", f"line {line_number}: priority {parts[2]!r} is not a number")
                )
        if len(parts) < 2 or len(parts) > 3:
            problems.append(
                Problem("regions", f"line {line_number}: write code, name and (optional) priority")
            )
            continue
        regions.append(round_service.RegionInput(parts[0], parts[1], priority))
    sectors = []
    for line_number, parts in enumerate(_lines(text.get("sectors", "")), start=1):
        if len(parts) < 2 or len(parts) > 3 or (len(parts) == 3 and parts[2] not in ("", "focus")):
            problems.append(
                Problem("sectors", f"line {line_number}: write code, name and (optional) 'focus'")
            )
            continue
        sectors.append(
            round_service.SectorInput(parts[0], parts[1], len(parts) == 3 and parts[2] == "focus")
        )
    values = round_service.RoundInput(
        id=text.get("id", ""),
        name=text.get("name", ""),
        description=text.get("description") or None,
        max_places_per_firm=number("max_places_per_firm", 1),
        budget_eur=number("budget_eur", None),
        regions=regions,
        sectors=sectors,
    )
    return values, problems


@router.post("/rounds", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_round(
    request: Request, session: SessionDep, user: CurrentUser, form: FormDep
) -> Response:
    values, problems = _round_input(form)
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
            errors=_row_errors(error),
        )
    return _see_other(round_url(round_row.id))


def _row_errors(error: Invalid) -> dict[str, str]:
    """Form errors by field; all problems of the regions and sectors lists are kept."""
    errors = error.by_field()
    for key in ("regions", "sectors"):
        lines = [
            p.message if p.path == key else _line_of(p)
            for p in error.problems
            if p.path.split("[")[0].split(".")[0] == key
        ]
        if lines:
            errors[key] = "; ".join(lines)
    return errors


def _line_of(problem: Problem) -> str:
    """'regions[1].code: ...' as 'line 2 (code): ...'."""
    head, _, rest = problem.path.partition("[")
    index, _, field = rest.partition("]")
    try:
        return f"line {int(index) + 1} ({field.lstrip('.') or head}): {problem.message}"
    except ValueError:
        return str(problem)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request) -> Response:
    return render(request, "organiser/import.html", problems=[])


@router.post("/import", response_class=HTMLResponse, dependencies=[CsrfChecked])
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
    return _see_other(round_url(round_row.id))


def _owners(session: Session, missions: list[Mission]) -> dict[int, str]:
    ids = {m.owner_organisation_id for m in missions if m.owner_organisation_id is not None}
    if not ids:
        return {}
    query = select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids))
    return {organisation_id: name for organisation_id, name in session.exec(query)}


def _round_page(
    request: Request,
    session: SessionDep,
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
        owners=_owners(session, missions),
        regions=round_service.regions_of(session=session, round_id=round_row.id),
        sectors=round_service.sectors_of(session=session, round_id=round_row.id),
        run=run,
        cancelled=export_service.missions_not_running(run),
        error=error,
        editable=round_row.status != RoundStatus.published,
    )


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    return _round_page(request, session, _round(session, user, round_id))


def _move(request: Request, session: Session, user: User, round_id: str, action: str) -> Response:
    move = round_service.open_round if action == "open" else round_service.close_round
    try:
        move(session=session, actor=user, round_id=round_id)
    except Conflict as error:
        return _round_page(
            request, session, _round(session, user, round_id), status_code=409, error=str(error)
        )
    return _see_other(round_url(round_id))


@router.post("/rounds/{round_id}/open", dependencies=[CsrfChecked])
def open_round(request: Request, session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    return _move(request, session, user, round_id, "open")


@router.post("/rounds/{round_id}/close", dependencies=[CsrfChecked])
def close_round(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str
) -> Response:
    return _move(request, session, user, round_id, "close")


@router.post("/rounds/{round_id}/branch-missions", dependencies=[CsrfChecked])
def invite_branch_missions(
    session: SessionDep, user: CurrentUser, round_id: str, form: FormDep
) -> Response:
    invite = str(form.get("invite") or "") == "1"
    round_service.invite_branch_missions(
        session=session, actor=user, round_id=round_id, invite=invite
    )
    return _see_other(round_url(round_id))


@router.get("/rounds/{round_id}/scenario.json")
def export_scenario(session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    document = round_service.export_round(session=session, user=user, round_id=round_id)
    content = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return download(
        content.encode(), "application/json", export_service.file_name(round_id, extension="json")
    )


@router.get("/rounds/{round_id}/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    round_row = _round(session, user, round_id)
    figures = dashboard_service.round_dashboard(session=session, round_row=round_row)
    return render(request, "organiser/dashboard.html", round=round_row, dashboard=figures)


@router.get("/rounds/{round_id}/calendar.ics")
def calendar(session: SessionDep, user: CurrentUser, round_id: str) -> Response:
    round_row = _round(session, user, round_id)
    content = export_service.round_calendar(session=session, round_row=round_row)
    return download(
        content,
        "text/calendar; charset=utf-8",
        export_service.file_name(round_id, "missions", extension="ics"),
    )


# --------------------------------------------------------------------------- missions


@router.get("/rounds/{round_id}/missions/new", response_class=HTMLResponse)
def new_mission_form(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str
) -> Response:
    round_row = _round(session, user, round_id)
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    values = mission_service.blank_values(organiser=organisation.name if organisation else "")
    return render(
        request,
        "organiser/mission_form.html",
        **mission_form_context(
            session, round_row, text=mission_text(values), checked=[], mission=None
        ),
    )


@router.post("/rounds/{round_id}/missions", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_mission(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str, form: FormDep
) -> Response:
    round_row = _round(session, user, round_id)
    created = create_from_form(
        request,
        session,
        user,
        round_row,
        form,
        template="organiser/mission_form.html",
        branch=False,
    )
    return created if isinstance(created, Response) else _see_other(round_url(round_id))


@router.get("/rounds/{round_id}/missions/{mission_id}", response_class=HTMLResponse)
def edit_mission_form(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str, mission_id: int
) -> Response:
    round_row = _round(session, user, round_id)
    mission = _mission(session, user, round_id, mission_id)
    values = mission_service.values_of(mission)
    context = mission_form_context(
        session,
        round_row,
        text=mission_text(values),
        checked=list(mission.sectors),
        mission=mission,
    )
    return render(request, "organiser/mission_form.html", **context)


@router.post(
    "/rounds/{round_id}/missions/{mission_id}",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def edit_mission(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    mission_id: int,
    form: FormDep,
) -> Response:
    round_row = _round(session, user, round_id)
    mission = _mission(session, user, round_id, mission_id)
    refused = save_mission(
        request,
        session,
        user,
        round_row,
        mission,
        form,
        template="organiser/mission_form.html",
        branch=False,
    )
    return refused or _see_other(round_url(round_id))


@router.get("/rounds/{round_id}/missions/{mission_id}/roster.csv")
def roster_csv(session: SessionDep, user: CurrentUser, round_id: str, mission_id: int) -> Response:
    mission = _mission(session, user, round_id, mission_id)
    roster = export_service.mission_roster(session=session, mission=mission)
    return download(
        export_service.roster_csv(roster).encode("utf-8"),
        "text/csv; charset=utf-8",
        export_service.file_name(round_id, mission.external_id, "roster", extension="csv"),
    )


@router.get("/rounds/{round_id}/missions/{mission_id}/roster.xlsx")
def roster_xlsx(session: SessionDep, user: CurrentUser, round_id: str, mission_id: int) -> Response:
    mission = _mission(session, user, round_id, mission_id)
    roster = export_service.mission_roster(session=session, mission=mission)
    return download(
        export_service.roster_xlsx(roster),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export_service.file_name(round_id, mission.external_id, "roster", extension="xlsx"),
    )


# --------------------------------------------------------------------------- verification


@router.get("/business-cases", response_class=HTMLResponse)
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
    return _see_other(
        back if back.startswith("/organiser/business-cases") else "/organiser/business-cases"
    )


@router.post("/business-cases/{case_id}/verify", dependencies=[CsrfChecked])
def verify_case(
    session: SessionDep,
    user: CurrentUser,
    case_id: int,
    back: Annotated[str, Form(max_length=300)] = "/organiser/business-cases",
) -> Response:
    return _review(session, user, case_id, True, "", back)


@router.post("/business-cases/{case_id}/reject", dependencies=[CsrfChecked])
def reject_case(
    session: SessionDep,
    user: CurrentUser,
    case_id: int,
    note: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=300)] = "/organiser/business-cases",
) -> Response:
    return _review(session, user, case_id, False, note, back)
