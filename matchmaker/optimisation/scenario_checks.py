"""The field checks a scenario document is read with, each problem named by its JSON path."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pycountry

from matchmaker import text as free_text
from matchmaker.optimisation.checking import DocumentChecker
from matchmaker.optimisation.scenario_types import MAX_INTEGER

KVK = re.compile(r"[0-9]{8}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ScenarioChecker(DocumentChecker):
    """Collects a scenario's problems while reading it field by field."""

    def string(self, value: Any, path: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, got {shown(value)}")
            return None
        if not allow_empty and not value.strip():
            self.fail(path, "must not be empty")
            return None
        reason = free_text.problem(value)
        if reason is not None:
            self.fail(path, reason)
            return None
        return value

    def integer(
        self, value: Any, path: str, *, minimum: int | None = None, nullable: bool = False
    ) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(
                path, f"must be an integer{' or null' if nullable else ''}, got {shown(value)}"
            )
            return None
        if minimum is not None and value < minimum:
            self.fail(path, f"must be >= {minimum}, got {value}")
            return None
        if abs(value) > MAX_INTEGER:
            self.fail(path, f"must be at most {MAX_INTEGER:,} in size, got {value}")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, got {shown(value)}")
            return None
        return value

    def choice(self, value: Any, path: str, options: Iterable[str]) -> str | None:
        options = tuple(options)
        if value not in options:
            self.fail(path, f"{shown(value)} is not one of {', '.join(options)}")
            return None
        return value

    def date(self, value: Any, path: str) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):  # YAML reads bare dates
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, f"{value if isinstance(value, str) else shown(value)} is not a date")
        return None

    def country(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and is_country(value):
            return value
        self.fail(path, f"{shown(value)} is not an ISO 3166-1 alpha-2 country code")
        return None

    def unique_ids(self, items: list[dict | None], path: str, key: str = "id") -> None:
        seen: dict[Any, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get(key), str):
                continue
            ident = item[key]
            if ident in seen:
                self.fail(
                    f"{path}[{index}].{key}", f"{ident!r} is already used by {path}[{seen[ident]}]"
                )
            else:
                seen[ident] = index


@functools.cache
def is_country(code: str) -> bool:
    """An upper-case ISO 3166-1 alpha-2 code of a country pycountry knows."""
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def declared_ids(items: Any, key: str) -> set[str]:
    """Ids written in a list, valid or not: references to a broken item are not errors again."""
    if not isinstance(items, list):
        return set()
    return {i[key] for i in items if isinstance(i, dict) and isinstance(i.get(key), str)}


def declared_pairs(items: Any) -> set[tuple[str, str]]:
    if not isinstance(items, list):
        return set()
    return {
        (i["firm"], i["mission"])
        for i in items
        if isinstance(i, dict)
        and isinstance(i.get("firm"), str)
        and isinstance(i.get("mission"), str)
    }


def is_code(value: Any, codes: set[str]) -> bool:
    return isinstance(value, str) and value in codes


def shown(value: Any) -> str:
    """A value as a problem message quotes it."""
    return _SHOWN.shown(value)


_SHOWN = DocumentChecker()
