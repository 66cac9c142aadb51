"""What the pages say in the language a browser test reads them in: the English words the
tests are written with, or their Dutch from the catalogue (a test fails if there is none)."""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar

from matchmaker import i18n

_language: ContextVar[str] = ContextVar("browser_test_language", default="en")
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|<[^>]+>")


def read_in(language: str) -> object:
    """Read the pages in `language` from now on (returns the token to reset it)."""
    return _language.set(language)


def language() -> str:
    return _language.get()


@functools.cache
def _messages() -> dict[str, str]:
    catalogue = i18n.translations("nl")
    return {
        key: value
        for key, value in getattr(catalogue, "_catalog", {}).items()
        if isinstance(key, str) and key
    }


def _literal(text: str) -> str:
    """The longest piece of a message with no placeholder or tag in it."""
    return max((" ".join(p.split()) for p in _PLACEHOLDER.split(text)), key=len).strip()


def words(english: str) -> str:
    """`english` as the page shows it in the test's language. A whole message is translated
    as such; a piece of one (tests look for a telling phrase) stands for that message, and
    the Dutch is then the longest plain piece of its translation."""
    if language() == "en":
        return _literal(english) if _PLACEHOLDER.search(english) else english
    messages = _messages()
    if english in messages:
        return (
            _literal(messages[english])
            if _PLACEHOLDER.search(messages[english])
            else messages[english]
        )
    holding = sorted((m for m in messages if english in m), key=len)
    assert holding, f"no message in the catalogue says {english!r}"
    return _literal(messages[holding[0]])


def filled(english: str, **values: str) -> str:
    """The whole message `english` (with its placeholders) in the test's language, filled."""
    if language() == "en":
        return english % values
    messages = _messages()
    assert english in messages, f"no message {english!r} in the catalogue"
    return messages[english] % values
