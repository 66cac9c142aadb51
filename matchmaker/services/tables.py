"""Rows of an uploaded CSV or Excel (.xlsx) file, read within caps on size, rows, columns and
cells while the file is read, every cell's text checked like form input (matchmaker.text).

Nothing here touches the database; callers read the file before their write transaction.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from matchmaker import text as free_text
from matchmaker.i18n import format_number, gettext
from matchmaker.services.errors import Invalid

# One cell holds a name, an e-mail address or a list of slots: far less than this.
MAX_CELL_CHARACTERS = 1000
# Columns read from each row; an import names a handful.
MAX_COLUMNS = 32
# An .xlsx is a zip archive: the sizes its directory declares for its parts, added up
# (zipfile never unpacks a part beyond its declared size), and the number of its parts.
MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_XLSX_ENTRIES = 100
# The delimiter is guessed from the start of the first line only.
_SNIFF_CHARACTERS = 4096


@dataclass(frozen=True, slots=True)
class Table:
    """The header row's cells, and the non-blank rows after it by their row number."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(content: bytes, filename: str, *, max_rows: int, max_bytes: int) -> Table:
    """The header and the non-blank rows of a CSV (UTF-8, `,` `;` or tab) or .xlsx file.

    Raises Invalid: for the file ("file": too large, not readable, more than max_rows
    rows after the header) as soon as it is found, reading no further; for cells
    ("row 4, name": a control character, too long), every one of them.
    """
    if len(content) > max_bytes:
        raise Invalid(
            {
                "file": gettext(
                    "the file is larger than %(size)s kB", size=format_number(max_bytes // 1000)
                )
            }
        )
    if not content.strip():
        raise Invalid({"file": gettext("the file is empty")})
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        raw_rows = _xlsx_rows(content)
    else:
        raw_rows = _csv_rows(content)
    # Blank rows are skipped but counted: a file of nothing but blank rows (or an .xlsx
    # whose rows jump from 2 to 1,048,576, which openpyxl fills in) stops here too.
    max_read = 2 * max_rows + 1
    header: list[str] | None = None
    header_names: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    problems: dict[str, str] = {}
    too_many = Invalid(
        {"file": gettext("at most %(most)s rows after the header", most=format_number(max_rows))}
    )
    with contextlib.closing(raw_rows):  # the workbook closes even when reading stops early
        for number, raw in enumerate(raw_rows, start=1):
            if number > max_read:
                raise too_many
            cells = []
            for index, value in enumerate(raw):
                label = header_names[index] if index < len(header_names) else _column(index)
                cell, problem = _cell(value)
                if problem is not None:
                    problems[f"row {number}, {label or _column(index)}"] = problem
                cells.append(cell)
            if header is None:
                header = cells
                header_names = [c.strip().lower().replace(" ", "_") for c in cells]
            elif any(cells):
                rows.append((number, cells))
                if len(rows) > max_rows:
                    raise too_many
    if problems:
        raise Invalid(problems)
    if header is None:
        raise Invalid({"file": gettext("the file is empty")})
    return Table(header=header, rows=rows)


def _column(index: int) -> str:
    """The spreadsheet name of the column: A, B, ..., Z, AA, ..."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return f"column {name}"


def _cell(value: Any) -> tuple[str, str | None]:
    """The cell as clean text, or a problem."""
    if value is None:
        return "", None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if len(text) > MAX_CELL_CHARACTERS:
        return "", gettext(
            "is %(length)s characters long, at most %(limit)s",
            length=format_number(len(text)),
            limit=format_number(MAX_CELL_CHARACTERS),
        )
    try:
        return free_text.clean(text).strip(), None
    except free_text.TextError as error:
        return "", str(error)


# --------------------------------------------------------------------------- CSV


def _csv_rows(content: bytes) -> Generator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid({"file": gettext("a CSV file must be UTF-8 text")}) from None
    lines = text[:_SNIFF_CHARACTERS].splitlines()
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(lines[0] if lines else "", delimiters=",;\t")
    return _csv_reader(text, dialect)


def _csv_reader(text: str, dialect: type[csv.Dialect] | csv.Dialect) -> Generator[list[str]]:
    reader = csv.reader(io.StringIO(text), dialect)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The module's own cap on a field (131,072 characters) is far above ours.
            if "field larger than field limit" in str(error):
                message = gettext(
                    "a cell is longer than %(limit)s characters",
                    limit=format_number(MAX_CELL_CHARACTERS),
                )
            else:
                message = gettext("is not readable CSV (%(error)s)", error=error)
            raise Invalid({f"row {number}": message}) from None
        if len(row) > MAX_COLUMNS:
            raise Invalid(
                {f"row {number}": gettext("has more than %(most)s columns", most=MAX_COLUMNS)}
            )
        yield row


# --------------------------------------------------------------------------- Excel


def _xlsx_rows(content: bytes) -> Generator[tuple[Any, ...]]:
    """The first sheet's rows, streamed (openpyxl's read-only mode), once the archive's
    directory shows it unpacks to a bounded size."""
    unreadable = Invalid({"file": gettext("not a readable Excel (.xlsx) workbook")})
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise unreadable from None
    if len(entries) > MAX_XLSX_ENTRIES:
        raise Invalid(
            {
                "file": gettext(
                    "the workbook has more than %(most)s parts; save it as a plain"
                    " .xlsx with one sheet",
                    most=MAX_XLSX_ENTRIES,
                )
            }
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise Invalid(
            {
                "file": gettext(
                    "the workbook unpacks to more than %(size)s MB",
                    size=MAX_XLSX_UNPACKED_BYTES // 2**20,
                )
            }
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file, none of them ours
        raise unreadable from None
    return _sheet_rows(workbook, unreadable)


def _sheet_rows(workbook: Any, unreadable: Invalid) -> Generator[tuple[Any, ...]]:
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # The size the sheet declares is not trusted: read to its end (within our caps).
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a damaged sheet part, found while streaming it
                raise unreadable from None
            yield row
    finally:
        workbook.close()
