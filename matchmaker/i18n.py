"""Languages of the pages: Babel catalogues, the current language and formatting per language."""

from __future__ import annotations

import functools
import gettext as gettext_module
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pycountry
from babel import Locale, dates, numbers
from babel.messages import mofile, pofile

from matchmaker.times import AMSTERDAM, amsterdam_time

LANGUAGES = ("nl", "en")
SOURCE_LANGUAGE = "en"  # the messages in code and templates are English
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
# Babel's locale of each language: English dates and numbers as in Britain.
_BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}

_current: ContextVar[str] = ContextVar("matchmaker_language", default=SOURCE_LANGUAGE)


def catalogue_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> gettext_module.NullTranslations:
    """The language's catalogue: the .mo file an installed wheel has (hatch_build.py compiles
    it), else the .po compiled in memory at first use (a checkout keeps no binaries)."""
    path = catalogue_path(language)
    compiled_file = path.with_suffix(".mo")
    if language != SOURCE_LANGUAGE and compiled_file.is_file():
        with compiled_file.open("rb") as compiled_source:
            return gettext_module.GNUTranslations(compiled_source)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return gettext_module.NullTranslations()
    with path.open("rb") as source:
        catalog = pofile.read_po(source, locale=language)
    compiled = BytesIO()
    mofile.write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def current_language() -> str:
    return _current.get()


def set_language(language: str) -> Any:
    """Make `language` current (for this request or task); returns the token to reset it."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    return _current.set(language)


def reset_language(token: Any) -> None:
    _current.reset(token)


@contextmanager
def language(name: str) -> Iterator[None]:
    """`name` is the current language inside the block (an e-mail to someone, a job)."""
    token = set_language(name)
    try:
        yield
    finally:
        reset_language(token)


def _fill(text: str, values: dict[str, Any]) -> str:
    return text % values if values else text


def gettext(message: str, **values: Any) -> str:
    """`message` in the current language, its `%(name)s` placeholders filled from `values`."""
    return _fill(translations(current_language()).gettext(message), values)


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    """The singular or plural form for `n`; `%(num)s` is `n` unless given."""
    values.setdefault("num", n)
    return _fill(translations(current_language()).ngettext(singular, plural, n), values)


def pgettext(context: str, message: str, **values: Any) -> str:
    """`message` as meant in `context` (the same English word said two ways in Dutch)."""
    return _fill(translations(current_language()).pgettext(context, message), values)


class LazyText:
    """A message marked at import time and translated when it is shown (`str()`)."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyText):
            return self.message == other.message
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.message)

    def __repr__(self) -> str:
        return f"mark({self.message!r})"

    def __mod__(self, values: Any) -> str:
        return str(self) % values


def mark(message: str) -> LazyText:
    """A module-level message, extracted for the catalogue, translated when shown."""
    return LazyText(message)


class Texts(Mapping[Any, str]):
    """A module-level table of marked messages (a code -> mark("...")) whose look-ups are
    plain strings in the current language: `TABLE[code]`, `.get()`, `.items()`."""

    __slots__ = ("_messages",)

    def __init__(self, messages: Mapping[Any, LazyText | str]):
        self._messages = dict(messages)

    def __getitem__(self, key: Any) -> str:
        return gettext(str(getattr(self._messages[key], "message", self._messages[key])))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def __repr__(self) -> str:
        return f"Texts({self._messages!r})"


# --------------------------------------------------------------------------- formatting


def babel_locale(language: str | None = None) -> Locale:
    return Locale.parse(_BABEL_LOCALES[language or current_language()])


def format_date(day: date, style: str = "long") -> str:
    """A date as the current language writes it ('12 maart 2027', '12 March 2027')."""
    if isinstance(day, datetime):
        day = day.astimezone(AMSTERDAM).date()
    return dates.format_date(day, format=style, locale=babel_locale())


def format_datetime(moment: datetime, style: str = "medium") -> str:
    """A moment in Amsterdam time as the current language writes it."""
    return dates.format_datetime(moment, format=style, tzinfo=AMSTERDAM, locale=babel_locale())


def format_moment(moment: datetime) -> str:
    """A moment in Amsterdam time as a sentence writes it: '12 maart 2027 om 17:00',
    '12 March 2027 at 17:00'."""
    if current_language() == "nl":
        return dates.format_datetime(
            moment, "d MMMM y 'om' HH:mm", tzinfo=AMSTERDAM, locale=babel_locale()
        )
    return amsterdam_time(moment)


def format_number(value: float | int | Decimal) -> str:
    """'1.234,5' in Dutch, '1,234.5' in English."""
    return numbers.format_decimal(value, locale=babel_locale())


def format_euros(amount: float | int | Decimal) -> str:
    """'€ 1.234,50' in Dutch, '€1,234.50' in English."""
    return numbers.format_currency(amount, "EUR", locale=babel_locale())


@functools.cache
def _country_translations(language: str) -> gettext_module.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext_module.NullTranslations()
    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str) -> str:
    """The name of the country with ISO code `code` in the current language (the code
    itself for an unknown one)."""
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _country_translations(current_language()).gettext(name)


# --------------------------------------------------------------------------- templates


def install(environment: Any) -> None:
    """Give a Jinja2 environment (with `jinja2.ext.i18n`) the current language's catalogue
    and its formats: `{% trans %}`, `_()`, `gettext()`, `lang`, and filters
    `date`, `datetime`, `number`, `euros` and `country`."""

    def catalogue() -> gettext_module.NullTranslations:
        return translations(current_language())

    # Whitespace inside {% trans %} is collapsed, as babel.cfg extracts it.
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(
        gettext=lambda message: catalogue().gettext(message),
        ngettext=lambda singular, plural, n: catalogue().ngettext(singular, plural, n),
        pgettext=lambda context, message: catalogue().pgettext(context, message),
        npgettext=lambda context, singular, plural, n: catalogue().npgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    environment.globals["current_language"] = current_language
    environment.globals["LANGUAGES"] = LANGUAGES
    environment.filters["date"] = format_date
    environment.filters["datetime"] = format_datetime
    environment.globals["amsterdam_time"] = format_moment  # every page's moments
    environment.filters["number"] = format_number
    environment.filters["euros"] = format_euros
    environment.filters["country"] = country_name
