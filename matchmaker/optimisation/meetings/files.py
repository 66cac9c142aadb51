"""Reading a meeting-day problem from a file: a paper's `.dzn` instance or a matchmaker-meetings/1
JSON document."""

from __future__ import annotations

from pathlib import Path

from matchmaker.optimisation import documents
from matchmaker.optimisation.meetings.dzn import parse_dzn
from matchmaker.optimisation.meetings.problem import MeetingProblem, MeetingProblemError, validate


def load_problem(path: str | Path) -> MeetingProblem:
    """Read a problem: a paper's `.dzn` file, or else a matchmaker-meetings/1 JSON document.

    Raises MeetingProblemError (every problem, with its path) for unreadable or bad input.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MeetingProblemError([f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MeetingProblemError([f"{path}: cannot be read ({exc})"]) from None
    if path.suffix.lower() == ".dzn":
        return parse_dzn(text, name=path.name.removesuffix(".dzn").removesuffix(".original"))
    try:
        document = documents.load_json(text)
    except documents.DocumentError as exc:
        raise MeetingProblemError([f"{path}: {exc}"]) from None
    return validate(document)
