"""The checks of a mission's fields, with the scenario format's rules: every problem named by
its field (`end_date`, `region_min.GR`), in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pycountry
from sqlmodel import Session, SQLModel

from matchmaker.i18n import format_number, gettext
from matchmaker.models import MissionFormat, MissionKind, MissionSpec, Round, Scope
from matchmaker.optimisation.scenario_types import MAX_INTEGER
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Problem

MISSION_FIELDS = (
    "title",
    "kind",
    "format",
    "scope",
    "organiser",
    "country",
    "start_date",
    "end_date",
    "capacity",
    "min_participants",
    "sectors",
    "slipstream_max",
    "sector_max",
    "region_min",
    "subsidy_eur",
)
TITLE_LENGTH = 300
ORGANISER_LENGTH = 200


def shape_values(shape: SQLModel, *, only_set: bool = False) -> dict[str, Any]:
    """A mission shape's SPEC fields as plain values (enums as their text); a field the
    shape lacks (built without pydantic's checks) is None."""
    names = shape.model_fields_set if only_set else type(shape).model_fields
    return {
        name: getattr(value, "value", value)
        for name in MISSION_FIELDS
        if name in names
        for value in (getattr(shape, name, None),)
    }


def _is_country(code: Any) -> bool:
    return (
        isinstance(code, str)
        and len(code) == 2
        and code.isupper()
        and pycountry.countries.get(alpha_2=code) is not None
    )


def _text(problems: list[Problem], name: str, value: Any, limit: int) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(name, gettext("must not be empty")))
    elif len(value) > limit:
        problems.append(
            Problem(
                name,
                gettext(
                    "is %(length)s characters long, at most %(limit)s",
                    length=len(value),
                    limit=limit,
                ),
            )
        )
    elif "\x00" in value:
        problems.append(Problem(name, gettext("must not contain NUL characters")))


def _count(problems: list[Problem], name: str, value: Any, *, nullable: bool = False) -> bool:
    if value is None and nullable:
        return True
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(
            Problem(
                name,
                gettext("must be a whole number or empty")
                if nullable
                else gettext("must be a whole number"),
            )
        )
        return False
    if value < 0:
        problems.append(Problem(name, gettext("must be 0 or more, got %(value)s", value=value)))
        return False
    if value > MAX_INTEGER:
        problems.append(
            Problem(
                name,
                gettext(
                    "must be at most %(most)s, got %(value)s",
                    most=format_number(MAX_INTEGER),
                    value=value,
                ),
            )
        )
        return False
    return True


def _choice(problems: list[Problem], name: str, value: Any, options: Iterable[str]) -> None:
    options = tuple(options)
    if value not in options:
        problems.append(
            Problem(
                name,
                gettext(
                    "%(value)s is not one of %(options)s",
                    value=repr(value),
                    options=", ".join(options),
                ),
            )
        )


def check_mission(
    mission: MissionSpec, *, sector_codes: Iterable[str], region_codes: Iterable[str]
) -> list[Problem]:
    """Every problem of a mission's SPEC fields (all MISSION_FIELDS), each named by its field.

    The shape may come unchecked from a page form (web/mission_forms.py), so any value may
    be of the wrong type: each is refused by its field, in the words the form shows.
    """
    values = shape_values(mission)
    problems: list[Problem] = []
    sector_codes, region_codes = list(sector_codes), list(region_codes)
    _text(problems, "title", values.get("title"), TITLE_LENGTH)
    _choice(problems, "kind", values.get("kind"), [k.value for k in MissionKind])
    _choice(problems, "format", values.get("format"), [f.value for f in MissionFormat])
    _choice(problems, "scope", values.get("scope"), [s.value for s in Scope])
    _text(problems, "organiser", values.get("organiser"), ORGANISER_LENGTH)
    if not _is_country(values.get("country")):
        problems.append(
            Problem(
                "country",
                gettext(
                    "%(code)s is not an ISO 3166-1 alpha-2 code",
                    code=repr(values.get("country")),
                ),
            )
        )
    start, end = values.get("start_date"), values.get("end_date")
    for name, day in (("start_date", start), ("end_date", end)):
        if not isinstance(day, date):
            problems.append(Problem(name, gettext("is not a date")))
    if isinstance(start, date) and isinstance(end, date) and start > end:
        problems.append(
            Problem(
                "end_date",
                gettext(
                    "%(end)s is before the start %(start)s",
                    end=end.isoformat(),
                    start=start.isoformat(),
                ),
            )
        )
    capacity, minimum = values.get("capacity"), values.get("min_participants")
    if (
        _count(problems, "capacity", capacity)
        and _count(problems, "min_participants", minimum)
        and minimum > capacity
    ):
        problems.append(
            Problem(
                "min_participants",
                gettext(
                    "%(minimum)s is more than the capacity %(capacity)s",
                    minimum=minimum,
                    capacity=capacity,
                ),
            )
        )
    sectors = values.get("sectors")
    if not isinstance(sectors, list):
        problems.append(Problem("sectors", gettext("must be a list of sector codes")))
    else:
        for index, code in enumerate(sectors):
            if code not in sector_codes:
                problems.append(
                    Problem(
                        f"sectors[{index}]",
                        gettext("%(code)s is not a sector of the round", code=repr(code)),
                    )
                )
            elif code in sectors[:index]:
                problems.append(
                    Problem(
                        f"sectors[{index}]", gettext("%(code)s is listed twice", code=repr(code))
                    )
                )
    _count(problems, "slipstream_max", values.get("slipstream_max"), nullable=True)
    _count(problems, "sector_max", values.get("sector_max"), nullable=True)
    region_min = values.get("region_min")
    if not isinstance(region_min, dict):
        problems.append(Problem("region_min", gettext("must map region codes to numbers of seats")))
    else:
        for code, seats in region_min.items():
            if code not in region_codes:
                problems.append(
                    Problem(f"region_min.{code}", gettext("is not a region of the round"))
                )
            else:
                _count(problems, f"region_min.{code}", seats)
    _count(problems, "subsidy_eur", values.get("subsidy_eur"))
    return problems


def problems_in_round(*, session: Session, round_row: Round, mission: MissionSpec) -> list[Problem]:
    """check_mission against the round's own sectors and regions."""
    return check_mission(
        mission,
        sector_codes=[
            s.code for s in round_service.sectors_of(session=session, round_id=round_row.id)
        ],
        region_codes=[
            r.code for r in round_service.regions_of(session=session, round_id=round_row.id)
        ],
    )
