"""The filters and paging of the audit log as typed, checked from the strings of a request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from matchmaker import text, times
from matchmaker.i18n import format_number, gettext
from matchmaker.services import audit_words
from matchmaker.services.errors import Invalid, Problem

DEFAULT_PAGE_SIZE = 50
# A page never holds more rows than this; a larger page size asked for gets this many.
MAX_PAGE_SIZE = 200
# Pages beyond this are refused rather than skipped over by the database.
MAX_PAGE = 100_000
# Longest filter text taken (an e-mail address is at most 320 characters).
_LONGEST = 320
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID_DIGITS = 18  # fits a 64-bit integer column on every database
SYSTEM_ACTOR = "system"
# Days outside these years have no audit rows, and near year 1 or 9999 the day's bounds in
# UTC would leave the calendar.
_FIRST_YEAR, _LAST_YEAR = 1000, 9998


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which rows: each None means "any". `action` is a code or a family ("placement");
    `actor_email`, `actor_id` and `system` are the three ways of naming who acted;
    `starts` and `ends` are the UTC bounds of the Amsterdam days asked for (ends exclusive)."""

    action: str | None = None
    action_family: str | None = None
    object_type: str | None = None
    actor_email: str | None = None
    actor_id: int | None = None
    system: bool = False
    starts: datetime | None = None
    ends: datetime | None = None
    firm_id: int | None = None


@dataclass(frozen=True, slots=True)
class Paging:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _text(problems: list[Problem], name: str, raw: str | None) -> str | None:
    if raw is None:
        return None
    reason = text.problem(raw)
    if reason is not None:
        problems.append(Problem(name, reason))
        return None
    value = raw.strip()
    if len(value) > _LONGEST:
        problems.append(
            Problem(
                name,
                gettext(
                    "is %(length)s characters long, at most %(limit)s",
                    length=format_number(len(value)),
                    limit=_LONGEST,
                ),
            )
        )
        return None
    return value or None


def _identifier(problems: list[Problem], name: str, value: str) -> int | None:
    if not text.is_digits(value) or len(value) > _ID_DIGITS:
        problems.append(
            Problem(name, gettext("%(value)s is not an id (a whole number)", value=repr(value)))
        )
        return None
    return int(value)


def _day(problems: list[Problem], name: str, value: str | None) -> date | None:
    if value is None:
        return None
    if _DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None and _FIRST_YEAR <= day.year <= _LAST_YEAR:
            return day
        if day is not None:
            problems.append(
                Problem(
                    name,
                    gettext(
                        "must be in the years %(first)s-%(last)s",
                        first=_FIRST_YEAR,
                        last=_LAST_YEAR,
                    ),
                )
            )
            return None
    problems.append(
        Problem(name, gettext("%(value)s is not a date (YYYY-MM-DD)", value=repr(value)))
    )
    return None


def parse_filter(
    *,
    action: str | None = None,
    object_type: str | None = None,
    actor: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    firm: str | None = None,
) -> AuditFilter:
    """The filter of these request values (blank ones mean "any"), or Invalid naming each
    bad field: an unknown action or object type, an actor that is no e-mail address, id or
    "system", a date that is none or a "to" before "from", a firm that is no id."""
    problems: list[Problem] = []
    values = {
        name: _text(problems, name, raw)
        for name, raw in (
            ("action", action),
            ("object_type", object_type),
            ("actor", actor),
            ("from", date_from),
            ("to", date_to),
            ("firm", firm),
        )
    }
    found: dict[str, object] = {}
    code = values["action"]
    if code is not None:
        if code in audit_words.ACTIONS:
            found["action"] = code
        elif code in audit_words.FAMILIES:
            found["action_family"] = code
        else:
            problems.append(
                Problem(
                    "action",
                    gettext("%(code)s is not an action of the audit log", code=repr(code)),
                )
            )
    kind = values["object_type"]
    if kind is not None:
        if kind in audit_words.OBJECT_TYPES:
            found["object_type"] = kind
        else:
            problems.append(
                Problem("object_type", gettext("%(kind)s is not an object type", kind=repr(kind)))
            )
    who = values["actor"]
    if who is not None:
        if who.lower() == SYSTEM_ACTOR:
            found["system"] = True
        elif "@" in who:
            found["actor_email"] = who.lower()
        elif text.is_digits(who):
            found["actor_id"] = _identifier(problems, "actor", who)
        else:
            problems.append(
                Problem(
                    "actor",
                    gettext(
                        "%(who)s is not an e-mail address, an account id or 'system'",
                        who=repr(who),
                    ),
                )
            )
    first = _day(problems, "from", values["from"])
    last = _day(problems, "to", values["to"])
    if first is not None and last is not None and last < first:
        problems.append(
            Problem(
                "to",
                gettext(
                    "%(last)s is before from (%(first)s)",
                    last=last.isoformat(),
                    first=first.isoformat(),
                ),
            )
        )
    if first is not None:
        found["starts"] = times.from_amsterdam(first, time(0, 0))
    if last is not None:
        found["ends"] = times.from_amsterdam(last + timedelta(days=1), time(0, 0))
    if values["firm"] is not None:
        found["firm_id"] = _identifier(problems, "firm", values["firm"])
    if problems:
        raise Invalid(problems, summary=gettext("the audit log cannot be filtered so"))
    return AuditFilter(**found)  # type: ignore[arg-type]


def parse_paging(*, page: str | None = None, page_size: str | None = None) -> Paging:
    """Page number (from 1) and page size; a page size above MAX_PAGE_SIZE gets the maximum,
    a page past the last one is empty."""
    problems: list[Problem] = []
    number, size = 1, DEFAULT_PAGE_SIZE
    if page is not None and page.strip():
        value = text.ascii_int(page) if text.problem(page) is None else None
        if value is None or not 1 <= value <= MAX_PAGE:
            problems.append(
                Problem(
                    "page",
                    gettext(
                        "must be a whole number from 1 to %(most)s", most=format_number(MAX_PAGE)
                    ),
                )
            )
        else:
            number = value
    if page_size is not None and page_size.strip():
        value = text.ascii_int(page_size) if text.problem(page_size) is None else None
        if value is None or value < 1 or len(page_size.strip()) > _ID_DIGITS:
            problems.append(Problem("page_size", gettext("must be a whole number of at least 1")))
        else:
            size = min(value, MAX_PAGE_SIZE)
    if problems:
        raise Invalid(problems, summary=gettext("no such page of the audit log"))
    return Paging(number, size)
