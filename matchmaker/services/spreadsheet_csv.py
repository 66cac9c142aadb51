"""CSV text a spreadsheet opens right: Dutch (`;`, a byte-order mark, decimal commas) or English.

Dutch Excel splits a line on `;` and reads `1,5` as a number; English files stay as they were
(`,` and decimal points). Callers neutralise formula-like text cells before they get here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from matchmaker.i18n import gettext
from matchmaker.services.errors import Invalid, Problem

LANGUAGES = ("nl", "en")
BOM = "\ufeff"
_YES_NO = {"nl": ("ja", "nee"), "en": ("yes", "no")}


def export_language(value: str | None, default: str = "en") -> str:
    """The file's language from a `lang` parameter: nl or en (`default` when absent)."""
    chosen = (value or default).strip().lower()
    if chosen not in LANGUAGES:
        raise Invalid(
            [
                Problem(
                    "lang",
                    gettext(
                        "%(value)s is not a language of the export (nl, en)", value=repr(value)
                    ),
                )
            ]
        )
    return chosen


def yes_no(value: bool, language: str) -> str:
    yes, no = _YES_NO[language]
    return yes if value else no


def cell_text(value: Any, language: str) -> Any:
    """A value as the file shows it: blank for none, yes/no (ja/nee), decimal commas in Dutch."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value, language)
    if language == "nl" and isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value


def csv_text(rows: Iterable[Sequence[Any]], language: str, *, english_bom: bool = True) -> str:
    """The rows as CSV text (CRLF line ends). Dutch always starts with a byte-order mark and
    separates with `;`; English separates with `,` and has the mark when `english_bom`."""
    buffer = io.StringIO()
    dutch = language == "nl"
    writer = csv.writer(buffer, delimiter=";" if dutch else ",", lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell_text(value, language) for value in row])
    return (BOM if dutch or english_bom else "") + buffer.getvalue()
