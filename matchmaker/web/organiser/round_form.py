"""The new-round form read into a RoundInput (regions and sectors one per line,
comma-separated), and its problems shown by field and line."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from matchmaker.i18n import gettext
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Invalid, Problem
from matchmaker.text import ascii_int


def _lines(text: str) -> list[list[str]]:
    return [
        [part.strip() for part in line.split(",")] for line in text.splitlines() if line.strip()
    ]


def round_input(form: FormData) -> tuple[round_service.RoundInput, list[Problem]]:
    """The new-round form as input: regions and sectors one per line, comma-separated."""
    problems: list[Problem] = []
    text = {key: str(form.get(key) or "").strip() for key in form}

    def number(name: str, default: Any) -> Any:
        if not text.get(name):
            return default
        number = ascii_int(text[name])
        if number is None:
            problems.append(
                Problem(name, gettext("%(text)s is not a whole number", text=repr(text[name])))
            )
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
                    Problem(
                        "regions",
                        gettext(
                            "line %(line)s: priority %(priority)s is not a number",
                            line=line_number,
                            priority=repr(parts[2]),
                        ),
                    )
                )
        if len(parts) < 2 or len(parts) > 3:
            problems.append(
                Problem(
                    "regions",
                    gettext(
                        "line %(line)s: write code, name and (optional) priority", line=line_number
                    ),
                )
            )
            continue
        regions.append(round_service.RegionInput(parts[0], parts[1], priority))
    sectors = []
    for line_number, parts in enumerate(_lines(text.get("sectors", "")), start=1):
        if len(parts) < 2 or len(parts) > 3 or (len(parts) == 3 and parts[2] not in ("", "focus")):
            problems.append(
                Problem(
                    "sectors",
                    gettext(
                        "line %(line)s: write code, name and (optional) 'focus'", line=line_number
                    ),
                )
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


def row_errors(error: Invalid) -> dict[str, str]:
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
        line = int(index) + 1
    except ValueError:
        return str(problem)
    # "message" is gettext's own argument, so the values are filled in here.
    return gettext("line %(line)s (%(field)s): %(message)s") % {
        "line": line,
        "field": field.lstrip(".") or head,
        "message": problem.message,
    }
