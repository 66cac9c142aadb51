"""The services' refusals: one family, each class knowing its meaning and its HTTP status.

Services raise these; `main.py` turns any of them into the API's JSON error body or the
page's error page in one handler, and a page that shows a refusal on its own form gets
the message and status from the error itself. Nothing else maps errors to answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matchmaker.i18n import LazyText, mark

if TYPE_CHECKING:
    from matchmaker.optimisation.scenario_types import ScenarioError

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad input: the field's path (`capacity`, `choices.1.rank`) and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def location(self) -> tuple[str | int, ...]:
        """The path as FastAPI's `loc` parts: `regions[1].code` and `regions.1.code` both
        give ("regions", 1, "code")."""
        parts: list[str | int] = []
        for name, index in _PATH_PART.findall(self.path):
            number = index or (name if name.isascii() and name.isdigit() else "")
            parts.append(int(number) if number else name)
        return tuple(parts) or (self.path,)


class ServiceError(Exception):
    """A request the service refuses; `status` is its HTTP status, `str()` says why."""

    status = 400
    headers: dict[str, str] = {}  # noqa: RUF012 - read only; a subclass may set its own


# What NotFound says for each kind of object, in the language of the request.
_NOT_FOUND: dict[str, LazyText] = {
    "account": mark("account %(identifier)s not found"),
    "application": mark("application %(identifier)s not found"),
    "business case": mark("business case %(identifier)s not found"),
    "external mission": mark("external mission %(identifier)s not found"),
    "firm": mark("firm %(identifier)s not found"),
    "invitation": mark("invitation %(identifier)s not found"),
    "meeting day of mission": mark("meeting day of mission %(identifier)s not found"),
    "meeting request": mark("meeting request %(identifier)s not found"),
    "mission": mark("mission %(identifier)s not found"),
    "partner": mark("partner %(identifier)s not found"),
    "placement": mark("placement %(identifier)s not found"),
    "readiness scan": mark("readiness scan %(identifier)s not found"),
    "round": mark("round %(identifier)s not found"),
    "run": mark("run %(identifier)s not found"),
    "schedule run": mark("schedule run %(identifier)s not found"),
}


class NotFound(ServiceError, LookupError):
    """The object does not exist, or is not visible to the one asking (a peer's object)."""

    status = 404

    def __init__(self, kind: str, identifier: object):
        self.kind = kind
        self.identifier = identifier
        template = _NOT_FOUND.get(kind)
        if template is None:
            message = f"{kind} {identifier!r} not found"
        else:
            message = template % {"identifier": repr(identifier)}
        super().__init__(message)


class Conflict(ServiceError):
    """A change refused because of the object's current state (closed, taken, stale...)."""

    status = 409


class Refused(ServiceError):
    """Known and visible, but this user may not do this."""

    status = 403


class Invalid(ServiceError):
    """Input the service refuses, with every problem named by its field path."""

    status = 422

    def __init__(
        self, problems: Iterable[Problem] | Mapping[str, str], *, summary: str | None = None
    ):
        if isinstance(problems, Mapping):
            problems = [Problem(path, str(message)) for path, message in problems.items()]
        self.problems = list(problems)
        self.summary = summary  # what the problems together mean, where a page says so
        lines = "; ".join(self.lines())
        super().__init__(f"{summary}: {lines}" if summary else lines)

    @classmethod
    def of_scenario(cls, error: ScenarioError, *, summary: str | None = None) -> Invalid:
        """The engine's 'path: message' lines as problems (at the service border)."""
        problems = []
        for line in error.problems:
            path, separator, message = line.partition(": ")
            problems.append(Problem(path, message) if separator else Problem("(document)", line))
        return cls(problems, summary=summary)

    def lines(self) -> list[str]:
        """One 'path: message' line per problem, the spec's error shape."""
        return [str(problem) for problem in self.problems]

    def fields(self) -> dict[str, str]:
        """The message of each path (the first one where a path has several)."""
        found: dict[str, str] = {}
        for problem in self.problems:
            found.setdefault(problem.path, problem.message)
        return found

    def by_field(self) -> dict[str, str]:
        """The first message per top-level field, for showing next to form inputs."""
        found: dict[str, str] = {}
        for problem in self.problems:
            found.setdefault(str(problem.location()[0]), problem.message)
        return found
