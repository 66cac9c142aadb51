"""The organiser's audit log as CSV, in Dutch or English, every cell safe for a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from matchmaker import times
from matchmaker.services import spreadsheet_csv
from matchmaker.services.audit_log import Change, Entry
from matchmaker.services.audit_words import Words
from matchmaker.services.exports import safe_cell

# At most this many rows (the newest) go into one file; a narrower filter gets the rest.
MAX_ROWS = 10_000
LANGUAGES = spreadsheet_csv.LANGUAGES

_HEADER = (
    Words("wanneer (Amsterdam)", "when (Amsterdam)"),
    Words("wanneer (UTC)", "when (UTC)"),
    Words("wie", "who"),
    Words("actiecode", "action code"),
    Words("actie", "action"),
    Words("objecttype", "object type"),
    Words("object-id", "object id"),
    Words("object", "object"),
    Words("bedrijf-id", "firm id"),
    Words("bedrijf", "firm"),
    Words("voor", "before"),
    Words("na", "after"),
)


def language(value: str | None) -> str:
    """The file's language: nl (the default) or en; anything else is refused."""
    return spreadsheet_csv.export_language(value, default="nl")


def _side(changes: Iterable[Change], lang: str, after: bool) -> str:
    parts = []
    for change in changes:
        shown = change.after if after else change.before
        if shown is not None:
            parts.append(f"{getattr(change.label, lang)}: {getattr(shown, lang)}")
    return "; ".join(parts)


def _local(moment: datetime) -> str:
    return moment.astimezone(times.AMSTERDAM).strftime("%Y-%m-%d %H:%M:%S")


def csv_text(entries: Iterable[Entry], lang: str) -> str:
    """A header row and one row per entry, newest first as given: in Dutch `;`-separated with
    a byte-order mark, in English `,`-separated without one (as it always was)."""
    return spreadsheet_csv.csv_text(_rows(entries, lang), lang, english_bom=False)


def _rows(entries: Iterable[Entry], lang: str) -> Iterable[list[str]]:
    yield [safe_cell(getattr(title, lang)) for title in _HEADER]
    for entry in entries:
        row = entry.row
        cells = [
            _local(row.at),
            row.at.isoformat(),
            getattr(entry.actor, lang),
            row.action,
            getattr(entry.action, lang),
            row.object_type,
            row.object_id,
            getattr(entry.object, lang),
            row.firm_id if row.firm_id is not None else "",
            entry.firm or "",
            _side(entry.changes, lang, after=False),
            _side(entry.changes, lang, after=True),
        ]
        yield [safe_cell(cell) for cell in cells]
