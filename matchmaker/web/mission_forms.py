"""The mission form, for the organiser's and the branch organisation's pages alike: its text
read into typed values (region minimums from `region_min_<CODE>` fields), shown again with
every problem by its field, saved through services/missions.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from matchmaker.i18n import gettext
from matchmaker.models import (
    Mission,
    MissionCreate,
    MissionFormat,
    MissionKind,
    MissionSpec,
    MissionUpdate,
    Round,
    Scope,
    User,
)
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Conflict, Invalid, Problem
from matchmaker.text import ascii_int
from matchmaker.web.form_shapes import unchecked
from matchmaker.web.rendering import render


async def form_data(request: Request) -> FormData:
    """The posted form (read once; the CSRF check has usually read it already)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def _form_int(
    problems: list[Problem],
    name: str,
    raw: str | None,
    *,
    blank: Any = None,
    required: bool = False,
) -> Any:
    text = (raw or "").strip()
    if not text:
        if required:
            problems.append(Problem(name, gettext("is required")))
        return blank
    number = ascii_int(text)
    if number is None:
        problems.append(Problem(name, gettext("%(text)s is not a whole number", text=repr(text))))
    return number


def _form_date(problems: list[Problem], name: str, raw: str | None) -> date | None:
    text = (raw or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(
            Problem(
                name,
                gettext("%(text)s is not a date (YYYY-MM-DD)", text=repr(text))
                if text
                else gettext("is required"),
            )
        )
        return None


def values_from_form(
    form: Mapping[str, Any], *, sectors: list[str], region_codes: Iterable[str]
) -> tuple[dict[str, Any], list[Problem]]:
    """A mission form's text inputs as typed values, and the inputs that are no value at all.

    `sectors` are the checked sector codes; region minimums come from `region_min_<CODE>`.
    Blank slipstream and sector limits mean no limit; a blank region minimum means none.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {
        name: str(form.get(name) or "").strip()
        for name in ("title", "kind", "format", "scope", "organiser")
    }
    values["country"] = str(form.get("country") or "").strip().upper()
    values["start_date"] = _form_date(problems, "start_date", form.get("start_date"))
    values["end_date"] = _form_date(problems, "end_date", form.get("end_date"))
    values["capacity"] = _form_int(problems, "capacity", form.get("capacity"), required=True)
    values["min_participants"] = _form_int(
        problems, "min_participants", form.get("min_participants"), blank=0
    )
    values["sectors"] = list(sectors)
    values["slipstream_max"] = _form_int(problems, "slipstream_max", form.get("slipstream_max"))
    values["sector_max"] = _form_int(problems, "sector_max", form.get("sector_max"))
    region_min: dict[str, int] = {}
    for code in region_codes:
        seats = _form_int(problems, f"region_min.{code}", form.get(f"region_min_{code}"), blank=0)
        if seats:
            region_min[code] = seats
    values["region_min"] = region_min
    values["subsidy_eur"] = _form_int(problems, "subsidy_eur", form.get("subsidy_eur"), blank=0)
    return values, problems


def blank_mission(
    *,
    organiser: str = "",
    scope: Scope = Scope.regional,
    mission_format: MissionFormat = MissionFormat.trade_mission,
) -> MissionSpec:
    """The mission a new-mission form starts with (no dates, no capacity yet)."""
    return unchecked(
        MissionSpec,
        title="",
        kind=MissionKind.promotional,
        format=mission_format,
        scope=scope,
        organiser=organiser,
        country="",
        start_date=None,
        end_date=None,
        capacity=None,
    )


def mission_text(mission: MissionSpec | Mission) -> dict[str, str]:
    """A mission's SPEC fields as the strings a form shows."""
    values = {name: getattr(mission, name, None) for name in mission_service.MISSION_FIELDS}
    text = {
        name: "" if value is None else str(value)
        for name, value in values.items()
        if name not in ("sectors", "region_min", "start_date", "end_date")
    }
    for name in ("start_date", "end_date"):
        day = values[name]
        text[name] = day.isoformat() if day is not None else ""
    for code, seats in (values["region_min"] or {}).items():
        text[f"region_min_{code}"] = str(seats)
    return text


def mission_form_context(
    session: Session,
    round_row: Round,
    *,
    text: dict[str, str],
    checked: list[str],
    errors: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "round": round_row,
        "text": text,
        "checked": checked,
        "errors": errors or {},
        "sectors": round_service.sectors_of(session=session, round_id=round_row.id),
        "regions": round_service.regions_of(session=session, round_id=round_row.id),
        "kinds": [k.value for k in MissionKind],
        "formats": [f.value for f in MissionFormat],
        "scopes": [s.value for s in Scope],
        **extra,
    }


def saved_mission_context(
    session: Session, round_row: Round, mission: Mission, **extra: Any
) -> dict[str, Any]:
    """The edit form of a mission as it is saved now."""
    return mission_form_context(
        session,
        round_row,
        text=mission_text(mission),
        checked=list(mission.sectors),
        mission=mission,
        **extra,
    )


def read_mission_form(
    session: Session, round_row: Round, form: FormData
) -> tuple[dict[str, Any], list[Problem], dict[str, str], list[str]]:
    """Typed values, unparsable inputs, the raw text and the checked sectors of a mission form."""
    checked = [str(code) for code in form.getlist("sectors")]
    regions = round_service.regions_of(session=session, round_id=round_row.id)
    values, problems = values_from_form(
        form, sectors=checked, region_codes=[r.code for r in regions]
    )
    text = {key: str(form.get(key) or "") for key in form if key not in ("csrf_token", "sectors")}
    return values, problems, text, checked


def refuse_unreadable(
    session: Session,
    round_row: Round,
    values: dict[str, Any],
    problems: list[Problem],
    *,
    external_id: str | None = None,
) -> None:
    """Refuse a form with inputs that are no value at all, listing every other problem too.

    external_id is given for a new mission, whose id is checked as well.
    """
    if problems:
        unread = {p.path for p in problems}
        others = mission_service.problems_in_round(
            session=session, round_row=round_row, mission=unchecked(MissionSpec, **values)
        )
        if external_id is not None:
            others = (
                mission_service.external_id_problems(
                    session=session, round_id=round_row.id, external_id=external_id.strip()
                )
                + others
            )
        raise Invalid(problems + [p for p in others if p.path not in unread])


def create_from_form(
    request: Request,
    session: Session,
    user: User,
    round_row: Round,
    form: FormData,
    *,
    template: str,
    branch: bool,
) -> Mission | Response:
    """Create a mission from a new-mission form: the mission, or the form again with the
    reason (422 or 409). A branch organisation's mission is national and its own."""
    values, problems, text, checked = read_mission_form(session, round_row, form)
    if branch:
        values["scope"] = Scope.national.value
    context = {"text": text, "checked": checked, "mission": None, "scope_fixed": branch}
    try:
        external_id = str(form.get("external_id") or "")
        refuse_unreadable(session, round_row, values, problems, external_id=external_id)
        return mission_service.create_mission(
            session=session,
            actor=user,
            round_row=round_row,
            mission_in=unchecked(MissionCreate, **values, external_id=external_id),
            owner_organisation_id=user.organisation_id if branch else None,
        )
    except Invalid as error:
        context = mission_form_context(session, round_row, errors=error.by_field(), **context)
        return render(request, template, status_code=422, **context)
    except Conflict as error:
        context = mission_form_context(session, round_row, conflict=str(error), **context)
        return render(request, template, status_code=409, **context)


def yours_versus_theirs(
    mission: Mission, values: dict[str, Any], text: dict[str, str], checked: list[str]
) -> list[tuple[str, str, str]]:
    """Fields where the refused edit differs from the mission as it is now: (field, yours, now)."""
    now = mission_text(mission)
    differences = []
    for name in mission_service.MISSION_FIELDS:
        if name == "sectors":
            if sorted(checked) != sorted(mission.sectors):
                differences.append(
                    (
                        name,
                        ", ".join(checked) or gettext("all"),
                        ", ".join(mission.sectors) or gettext("all"),
                    )
                )
        elif name == "region_min":
            yours = {k: v for k, v in (values.get("region_min") or {}).items() if v}
            if yours != dict(mission.region_min):
                differences.append(
                    (
                        name,
                        ", ".join(f"{k} {v}" for k, v in yours.items()) or gettext("none"),
                        ", ".join(f"{k} {v}" for k, v in mission.region_min.items())
                        or gettext("none"),
                    )
                )
        elif name in text and text[name].strip() != now.get(name, ""):
            differences.append((name, text[name], now.get(name, "")))
    return differences


def save_mission(
    request: Request,
    session: Session,
    user: User,
    round_row: Round,
    mission: Mission,
    form: FormData,
    *,
    template: str,
    branch: bool,
) -> Response | None:
    """Apply an edit form; None when saved, else the form again with the reason (422 or 409)."""
    values, problems, text, checked = read_mission_form(session, round_row, form)
    if branch:
        values["scope"] = Scope.national.value
    version = ascii_int(str(form.get("version") or ""))
    if version is None:
        raise HTTPException(400, gettext("the form lacks the mission's version; reload it"))
    try:
        if mission.version != version:
            raise mission_service.Stale(mission, version)
        refuse_unreadable(session, round_row, values, problems)
        mission_service.update_mission(
            session=session,
            actor=user,
            mission=mission,
            changes=unchecked(MissionUpdate, version=version, **values),
            branch=branch,
        )
    except Invalid as error:
        context = mission_form_context(
            session,
            round_row,
            text=text,
            checked=checked,
            errors=error.by_field(),
            mission=mission,
            version=version,
        )
        return render(request, template, status_code=422, **context)
    except mission_service.Stale as error:
        session.refresh(mission)
        context = saved_mission_context(
            session,
            round_row,
            mission,
            conflict=str(error),
            differences=yours_versus_theirs(mission, values, text, checked),
        )
        return render(request, template, status_code=409, **context)
    except Conflict as error:
        context = mission_form_context(
            session,
            round_row,
            text=text,
            checked=checked,
            mission=mission,
            conflict=str(error),
            version=version,
        )
        return render(request, template, status_code=409, **context)
    return None
