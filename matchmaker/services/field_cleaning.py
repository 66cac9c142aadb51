"""Checking an input shape's values field by field, with one problem per field."""

from __future__ import annotations

from typing import Any

from matchmaker.i18n import gettext
from matchmaker.services.firm_codes import Code, is_country


class FieldCleaner:
    """Collects one problem per field while checking the values of an input shape (the page
    forms read their text into the same shapes first, in web/form_shapes.py)."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.problems.setdefault(field, message)

    def text(self, field: str, value: Any, *, maximum: int, label: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(field, gettext("enter the %(label)s", label=label))
            return None
        value = value.strip()
        if len(value) > maximum:
            self.fail(
                field,
                gettext(
                    "the %(label)s has at most %(maximum)s characters", label=label, maximum=maximum
                ),
            )
            return None
        return value

    def integer(self, field: str, value: Any, *, maximum: int, label: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, gettext("enter the %(label)s as a whole number", label=label))
            return None
        if not 0 <= value <= maximum:
            self.fail(
                field,
                gettext(
                    "the %(label)s must be between 0 and %(maximum)s", label=label, maximum=maximum
                ),
            )
            return None
        return value

    def code(self, field: str, value: Any, choices: list[Code], *, label: str) -> str | None:
        known = [c.code for c in choices]
        if isinstance(value, str) and value.strip() in known:
            return value.strip()
        self.fail(
            field,
            gettext(
                "choose a %(label)s: one of %(choices)s", label=label, choices=", ".join(known)
            ),
        )
        return None

    def country(self, field: str, value: Any) -> str | None:
        code = value.strip().upper() if isinstance(value, str) else value
        if isinstance(code, str) and is_country(code):
            return code
        self.fail(
            field,
            gettext(
                "the country %(code)s is not an ISO 3166-1 alpha-2 code (e.g. DE, BE, PL)",
                code=repr(value),
            ),
        )
        return None

    def countries(self, field: str, value: Any) -> list[str] | None:
        if not isinstance(value, list | tuple):
            self.fail(field, gettext("give a list of ISO 3166-1 alpha-2 country codes"))
            return None
        codes: list[str] = []
        for item in value:
            code = item.strip().upper() if isinstance(item, str) else item
            if not (isinstance(code, str) and is_country(code)):
                self.fail(
                    field,
                    gettext(
                        "the country %(code)s is not an ISO 3166-1 alpha-2 code", code=repr(item)
                    ),
                )
                return None
            if code not in codes:
                codes.append(code)
        return codes
