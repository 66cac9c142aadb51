"""Free text from outside: NFC-normalised, invisible marks dropped, control characters refused."""

from __future__ import annotations

import unicodedata
from typing import Any

# One text field (a name, a summary, a note) is far shorter; a scenario's texts too.
MAX_FIELD_CHARACTERS = 20_000

# Invisible characters with no meaning in a name or a note: zero-width space, word joiner,
# byte order mark. Dropped, so "Acme<ZWSP>BV" and "AcmeBV" are the same firm name.
# (Zero-width joiner and non-joiner stay: scripts and emoji need them.)
_DROPPED = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))

# Characters that reorder what a reader sees (bidirectional embeddings, overrides and
# isolates: "Trojan source"), refused like control characters.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_ALLOWED_CONTROLS = frozenset("\t\n\r")


class TextError(ValueError):
    """Text that cannot be taken; the message says why, for the field named with it."""


def clean(value: str, *, maximum: int = MAX_FIELD_CHARACTERS) -> str:
    """The text in NFC form without invisible marks; refused with a reason if it holds NUL,
    other control characters, bidirectional overrides or lone surrogates, or is too long."""
    for character in value:
        if character == "\x00":
            raise TextError("must not contain NUL characters")
        if character in _ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(character)
        if category == "Cc":
            raise TextError(f"must not contain control characters (U+{ord(character):04X})")
        if category == "Cs":
            raise TextError("is not valid Unicode text (lone surrogate)")
        if character in _BIDI_CONTROLS:
            raise TextError(
                f"must not contain characters that reorder text (U+{ord(character):04X})"
            )
    text = unicodedata.normalize("NFC", value.translate(_DROPPED))
    if len(text) > maximum:
        raise TextError(f"is {len(text):,} characters long, at most {maximum:,}")
    return text


def clean_tree(value: Any, path: str = "") -> tuple[Any, list[str]]:
    """A JSON-like value with every string (keys too) cleaned, and 'path: problem' lines."""
    problems: list[str] = []

    def walk(item: Any, where: str) -> Any:
        if isinstance(item, str):
            try:
                return clean(item)
            except TextError as error:
                problems.append(f"{where or '(body)'}: {error}")
                return item
        if isinstance(item, list):
            return [walk(element, f"{where}[{index}]") for index, element in enumerate(item)]
        if isinstance(item, dict):
            result = {}
            for key, element in item.items():
                name = walk(key, f"{where}.{key}" if where else str(key))
                label = f"{where}.{name}" if where else str(name)
                result[name] = walk(element, label)
            return result
        return item

    return walk(value, path), problems
