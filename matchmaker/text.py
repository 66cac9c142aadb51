"""Free text from outside: NFC-normalised, invisible marks dropped, control characters refused."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from matchmaker.i18n import format_number, gettext, mark

# One text field (a name, a summary, a note) is far shorter; a scenario's texts too.
MAX_FIELD_CHARACTERS = 20_000
# JSON-like values (API bodies, scenario files) nest at most this deep: a scenario nests
# 6 deep, an API body 4. Deeper ones are refused before anything walks them.
MAX_DEPTH = 20

# Invisible characters with no meaning in a name or a note: zero-width space, word joiner,
# byte order mark. Dropped, so "Acme<ZWSP>BV" and "AcmeBV" are the same firm name.
# (Zero-width joiner and non-joiner stay: scripts and emoji need them.)
_DROPPED = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))

# Characters that reorder what a reader sees (bidirectional embeddings, overrides and
# isolates: "Trojan source"), refused like control characters.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
# Every character clean() refuses: control characters (category Cc) but tab, newline and
# carriage return, lone surrogates (Cs) and the bidirectional controls. One regular
# expression finds the first of them at C speed, so a long file's cells are cheap to check.
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(_BIDI_CONTROLS)) + "]"
)


class TextError(ValueError):
    """Text that cannot be taken; the message says why, for the field named with it."""


def clean(value: str, *, maximum: int = MAX_FIELD_CHARACTERS) -> str:
    """The text in NFC form without invisible marks; refused with a reason if it holds NUL,
    other control characters, bidirectional overrides or lone surrogates, or is too long."""
    reason = problem(value)
    if reason is not None:
        raise TextError(reason)
    text = unicodedata.normalize("NFC", value.translate(_DROPPED))
    if len(text) > maximum:
        raise TextError(
            gettext(
                "is %(length)s characters long, at most %(limit)s",
                length=format_number(len(text)),
                limit=format_number(maximum),
            )
        )
    return text


def problem(value: str) -> str | None:
    """Why clean() would refuse the text for its characters (NUL, other control
    characters, bidirectional controls, lone surrogates), or None."""
    found = _REFUSED.search(value)
    if found is None:
        return None
    character = found.group()
    if character == "\x00":
        return gettext("must not contain NUL characters")
    if unicodedata.category(character) == "Cs":
        return gettext("is not valid Unicode text (lone surrogate)")
    if character in _BIDI_CONTROLS:
        return gettext(
            "must not contain characters that reorder text (U+%(code)s)",
            code=f"{ord(character):04X}",
        )
    return gettext("must not contain control characters (U+%(code)s)", code=f"{ord(character):04X}")


def clean_tree(value: Any, path: str = "") -> tuple[Any, list[str]]:
    """A JSON-like value with every string (keys too) cleaned, and 'path: problem' lines;
    a value nested more than MAX_DEPTH deep is one problem, not walked further."""
    problems: list[str] = []

    def walk(item: Any, where: str, depth: int = 1) -> Any:
        if depth > MAX_DEPTH:
            problems.append(
                f"{where or '(body)'}: "
                + gettext("is nested more than %(depth)s deep", depth=MAX_DEPTH)
            )
            return item
        if isinstance(item, str):
            try:
                return clean(item)
            except TextError as error:
                problems.append(f"{where or '(body)'}: {error}")
                return item
        if isinstance(item, list):
            return [
                walk(element, f"{where}[{index}]", depth + 1) for index, element in enumerate(item)
            ]
        if isinstance(item, dict):
            result = {}
            for key, element in item.items():
                name = walk(key, f"{where}.{key}" if where else str(key), depth + 1)
                label = f"{where}.{name}" if where else str(name)
                result[name] = walk(element, label, depth + 1)
            return result
        return item

    return walk(value, path), problems


# Numbers typed by people: ASCII digits only. Python's int() and str.isdigit(), like `\d`,
# also take Arabic-Indic, fullwidth and other digits ("١٢٣٤٥٦٧٨" is int 12345678), so a
# lookalike of a registered KvK number would pass.
ASCII_DIGITS = re.compile(r"[0-9]+")
_ASCII_INTEGER = re.compile(r"-?[0-9]+")

# Identifiers that travel in URLs (round ids): ASCII letters, digits, '.', '_' and '-',
# starting with a letter or digit, and never '..'.
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SLUG_RULE = mark(
    "use letters, digits, '.', '_' and '-' only, starting with a letter or digit, no '..'"
)


def is_digits(value: object) -> bool:
    """Whether this is a string of ASCII digits (at least one)."""
    return isinstance(value, str) and ASCII_DIGITS.fullmatch(value) is not None


def ascii_int(value: str) -> int | None:
    """The integer a person typed (surrounding blanks allowed, ASCII digits and an optional
    minus only), or None for anything else."""
    text = value.strip()
    return int(text) if _ASCII_INTEGER.fullmatch(text) else None


def is_slug(value: object) -> bool:
    """Whether this identifier can travel in a URL path as it is."""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None and ".." not in value
