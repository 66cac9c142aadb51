"""The one way input documents are checked, for scenarios and meeting-day problems alike:
read field by field, collect every problem with its JSON path, never stop at the first."""

from __future__ import annotations

import functools
import json
from typing import Any


def join(path: str, key: Any) -> str:
    """The path of a field (`missions[2].start`) or of a list item (`firms[3]`)."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


@functools.cache
def _known_keys(required: tuple[str, ...], optional: tuple[str, ...]) -> frozenset[str]:
    return frozenset(required) | frozenset(optional)


class DocumentError(ValueError):
    """Every problem of an input document at once, one per line of the message."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class DocumentChecker:
    """Collects problems while reading a document field by field.

    A subclass adds the checks of its format; `root` names the whole document in a problem
    about it, `shown` how a bad value is quoted in a message.
    """

    root = ""
    shown_length = 60

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path or self.root}: {message}")

    def shown(self, value: Any) -> str:
        text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
        limit = self.shown_length
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def obj(
        self, value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict | None:
        """The object, with every unknown and every missing field named; None if no object."""
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, got {self.shown(value)}")
            return None
        if len(value) > len(required) or not all(key in value for key in required):
            known = _known_keys(required, tuple(optional))
            for key in value:
                if key not in known:
                    self.fail(join(path, str(key)), "unknown field")
            for key in required:
                if key not in value:
                    self.fail(join(path, key), "is required")
        return value

    def array(self, value: Any, path: str) -> list:
        """The list, or an empty one (with the problem) if it is not a list."""
        if not isinstance(value, list):
            self.fail(path, f"must be a list, got {self.shown(value)}")
            return []
        return value

    def integer_between(self, value: Any, path: str, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be an integer, got {self.shown(value)}")
            return None
        if not low <= value <= high:
            self.fail(path, f"must be between {low} and {high}, got {value}")
            return None
        return value
