"""Uploads checked before they cost anything: YAML alias bombs, deep JSON, a zip-bomb-sized
xlsx, a huge CSV cell and control characters in a partner file answer 422 at once, naming
the line or row, write nothing, and are parsed outside any write transaction."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import Workbook
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from matchmaker.cli import app as cli_app
from matchmaker.db import DEFAULT_LOCK_TIMEOUT_SECONDS
from matchmaker.models import Partner, Round
from matchmaker.optimisation import documents
from matchmaker.services import tables
from tests.web.clients import Clients, csrf, post_form
from tests.web.test_meetings import Setup, published_mission, set_up_day
from tests.web.test_organiser_builders import scenario

# Generous: each of these answered in milliseconds; before the fixes they took minutes.
QUICK_SECONDS = 5.0


@pytest.fixture
def setup(app: FastAPI, clients: Clients) -> Setup:
    return published_mission(app, clients)


def count(app: FastAPI, model: Any) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def billion_laughs() -> str:
    """Under 1 KB of YAML whose aliases stand for 9**9 strings."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def upload_scenario(client: Any, name: str, content: bytes) -> Any:
    return client.post(
        "/organiser/import",
        data={"csrf_token": csrf(client)},
        files={"scenario": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


# --------------------------------------------------------------------------- scenarios


def test_a_yaml_alias_bomb_is_refused_at_once_naming_its_line(
    app: FastAPI, clients: Clients
) -> None:
    bomb = billion_laughs().encode()
    assert len(bomb) < 1024
    started = time.monotonic()
    response = upload_scenario(clients.organiser, "round.yaml", bomb)
    assert time.monotonic() - started < QUICK_SECONDS
    assert response.status_code == 422
    assert "line 5: its aliases stand for more than 10,000 values" in response.text
    assert count(app, Round) == 0


def test_yaml_anchors_for_a_small_block_still_work() -> None:
    text = "base: &b {x: 1, y: 2}\nitems:\n  - <<: *b\n    z: 3\n  - *b\n"
    assert documents.read_upload(text.encode(), "round.yaml") == {
        "base": {"x": 1, "y": 2},
        "items": [{"x": 1, "y": 2, "z": 3}, {"x": 1, "y": 2}],
    }


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("deep.yaml", "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 30)), "line 20: "),
        ("deep.json", "[" * 30 + "]" * 30, f"nested more than {documents.MAX_DEPTH} deep"),
        ("deep.json", "[" * 5000 + "]" * 5000, f"nested more than {documents.MAX_DEPTH} deep"),
        ("sexagesimal.yaml", "a: " + ":".join(["1"] * 200_000), "a number longer than"),
        ("big.json", '{"a": ' + "9" * 4000 + "}", "has more than 100 digits"),
        ("nan.json", '{"a": NaN}', "NaN is not a number JSON allows"),
    ],
)
def test_documents_beyond_the_caps_are_refused_while_parsing(
    name: str, text: str, expected: str
) -> None:
    started = time.monotonic()
    with pytest.raises(documents.DocumentError, match=expected.replace("(", r"\(")):
        documents.read_upload(text.encode(), name)
    assert time.monotonic() - started < QUICK_SECONDS


def test_a_yaml_document_of_too_many_values_stops_at_the_cap(monkeypatch) -> None:
    monkeypatch.setattr(documents, "MAX_NODES", 1000)
    text = "items:\n" + "".join(f"  - {i}\n" for i in range(5000))
    with pytest.raises(documents.DocumentError, match=r"line 99[0-9]: .*more than 1,000 values"):
        documents.load_yaml(text)


def test_an_api_import_nested_deeply_is_a_422_not_a_500(app: FastAPI, clients: Clients) -> None:
    for depth in (25, 500):
        body = '{"format": ' + "[" * depth + "]" * depth + "}"
        response = clients.organiser.post(
            "/api/organiser/rounds/import",
            content=body.encode(),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422, (depth, response.text)
        assert any("nested more than 20 deep" in p for p in response.json()["problems"])
    assert count(app, Round) == 0


def test_the_command_line_refuses_the_bomb_too(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    runner = CliRunner()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "MATCHMAKER_ENV": "development"}
    for command in ("solve", "import"):
        started = time.monotonic()
        result = runner.invoke(cli_app, [command, str(path)], env=env)
        assert time.monotonic() - started < QUICK_SECONDS
        assert result.exit_code == 2, result.output
        assert "its aliases stand for more than" in " ".join(result.output.split())


def test_control_characters_in_a_scenario_are_refused_on_the_command_line(
    tmp_path: Path,
) -> None:
    document = scenario("bell")
    document["firms"][0]["name"] = "Ring\x07ring"
    path = tmp_path / "bell.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["solve", str(path)])
    assert result.exit_code == 2
    assert "firms[0].name: must not contain control characters (U+0007)" in " ".join(
        result.output.split()
    )


# --------------------------------------------------------------------------- partner files


def _minimal_xlsx() -> dict[str, bytes]:
    """The parts of a one-sheet workbook openpyxl wrote, by name."""
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _header_row() -> str:
    cells = "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for column, name in zip("ABCD", ("name", "organisation", "country", "sector"), strict=True)
    )
    return f'<row r="1">{cells}</row>'


def xlsx_with_sheet(rows_xml: Any) -> bytes:
    """A workbook whose first sheet's rows are the given XML chunks, written streaming."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in _minimal_xlsx().items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_HEAD.encode())
            for chunk in rows_xml:
                sheet.write(chunk.encode())
            sheet.write(_SHEET_TAIL.encode())
    return buffer.getvalue()


def three_million_rows() -> Any:
    """The header, then 3,000,000 rows of one cell (rows and cells may leave out their
    reference, so every row is the same bytes and the archive stays small)."""
    yield _header_row()
    chunk = "<row><c><v>1</v></c></row>" * 50_000
    for _ in range(60):
        yield chunk


def _partner_upload(s: Setup, name: str, content: bytes) -> Any:
    return post_form(s.organiser, f"{s.day}/partners/import", files={"file": (name, content)})


def test_an_xlsx_of_three_million_rows_is_refused_from_its_zip_directory(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    content = xlsx_with_sheet(three_million_rows())
    assert len(content) < 2_000_000  # under the partner import's cap on the file
    started = time.monotonic()
    page = _partner_upload(s, "partners.xlsx", content)
    api = s.organiser.post(f"{s.api}/partners/import", files={"file": ("partners.xlsx", content)})
    assert time.monotonic() - started < QUICK_SECONDS
    assert page.status_code == 422 and "the workbook unpacks to more than 20 MB" in page.text
    assert api.status_code == 422
    assert api.json()["problems"] == ["file: the workbook unpacks to more than 20 MB"]
    assert count(s.app, Partner) == 0


def test_xlsx_rows_are_counted_while_they_are_read(monkeypatch) -> None:
    """Rows jumping from 1 to 1,048,576: openpyxl fills in the million empty rows between,
    and reading stops at the cap instead of going through them."""
    content = xlsx_with_sheet(
        [_header_row(), '<row r="1048576"><c r="A1048576"><v>1</v></c></row>']
    )
    read = 0
    real = tables._cell

    def counted(value: Any) -> Any:
        nonlocal read
        read += 1
        return real(value)

    monkeypatch.setattr(tables, "_cell", counted)
    with pytest.raises(tables.Invalid) as refused:
        tables.read_table(content, "partners.xlsx", max_rows=2000, max_bytes=2_000_000)
    assert refused.value.fields() == {"file": "at most 2,000 rows after the header"}
    assert read <= (2 * 2000 + 1) * tables.MAX_COLUMNS


def test_a_damaged_or_crowded_xlsx_is_a_422(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    good = xlsx_with_sheet([_header_row()])
    crowded = io.BytesIO()
    with zipfile.ZipFile(crowded, "w") as archive:
        for index in range(tables.MAX_XLSX_ENTRIES + 1):
            archive.writestr(f"part{index}.xml", b"<x/>")
    for content, expected in (
        (b"PK\x03\x04 not really a zip", "not a readable Excel (.xlsx) workbook"),
        (good[: len(good) // 2], "not a readable Excel (.xlsx) workbook"),
        (crowded.getvalue(), f"more than {tables.MAX_XLSX_ENTRIES} parts"),
    ):
        response = _partner_upload(s, "partners.xlsx", content)
        assert response.status_code == 422, response.text
        assert expected in response.text
    assert count(s.app, Partner) == 0


def test_a_csv_cell_of_two_megabytes_is_a_422_naming_its_row(setup: Setup) -> None:
    s = setup
    set_up_day(s)
    huge = "x" * 1_900_000
    content = f"name,organisation,country,sector\nKojo,{huge},GH,water\n".encode()
    page = _partner_upload(s, "partners.csv", content)
    assert page.status_code == 422
    assert "row 2" in page.text and "longer than 1,000 characters" in page.text
    long_cell = f"name,organisation,country,sector\nKojo,{'x' * 5000},GH,water\n".encode()
    api = s.organiser.post(f"{s.api}/partners/import", files={"file": ("partners.csv", long_cell)})
    assert api.status_code == 422
    assert api.json()["problems"] == [
        "row 2, organisation: is 5,000 characters long, at most 1,000"
    ]
    assert count(s.app, Partner) == 0


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("Ko\x00jo", "must not contain NUL characters"),
        ("Ko\x1bjo", "must not contain control characters (U+001B)"),
        ("Kojo\u202e", "must not contain characters that reorder text (U+202E)"),
    ],
)
def test_control_characters_in_a_partner_file_are_refused_naming_row_and_column(
    setup: Setup, cell: str, reason: str
) -> None:
    s = setup
    set_up_day(s)
    content = (
        "name,organisation,country,sector\nAma,Ghana Grid,GH,energy\n" + f"{cell},Tema,GH,water\n"
    ).encode()
    api = s.organiser.post(f"{s.api}/partners/import", files={"file": ("partners.csv", content)})
    assert api.status_code == 422
    assert api.json()["problems"] == [f"row 3, name: {reason}"]
    assert count(s.app, Partner) == 0


def test_bidi_overrides_in_an_xlsx_cell_are_refused(setup: Setup) -> None:
    """(XML cannot carry NUL or ESC at all, so an Excel file's cells can only smuggle the
    bidirectional controls.)"""
    s = setup
    set_up_day(s)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["name", "organisation", "country", "sector"])
    sheet.append(["Kofi", "Tema", "GH", "water\u202etxt.exe"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = _partner_upload(s, "partners.xlsx", buffer.getvalue())
    assert page.status_code == 422
    assert "must not contain characters that reorder text (U+202E)" in page.text
    assert count(s.app, Partner) == 0


# --------------------------------------------------------------------------- the write lock


def test_other_writes_go_through_while_an_upload_is_parsed(
    app: FastAPI, clients: Clients, monkeypatch
) -> None:
    """The import's parsing is held up until another organiser's write has answered: had
    the import held the database's write lock while parsing, that write would wait out the
    busy timeout and fail ("database is locked")."""
    importer = clients.organiser
    other = clients.new("organiser", "other")
    parsing = threading.Event()
    other_answered = threading.Event()
    real = documents.read_upload

    def held_up(content: bytes, filename: str | None = None) -> Any:
        parsing.set()
        other_answered.wait(timeout=20)
        return real(content, filename)

    monkeypatch.setattr(documents, "read_upload", held_up)
    answers: dict[str, Any] = {}

    def upload() -> None:
        content = json.dumps(scenario("slow-upload")).encode()
        answers["import"] = upload_scenario(importer, "round.json", content).status_code

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        assert parsing.wait(timeout=30), "the upload never reached parsing"
        started = time.monotonic()
        written = other.post(
            "/api/organiser/rounds/import", json=scenario("meanwhile", kvk_offset=500)
        )
        answers["other"] = written.status_code
        waited = time.monotonic() - started
    finally:
        other_answered.set()
        thread.join(timeout=60)
    assert answers == {"import": 303, "other": 201}, answers
    # Held behind the import's lock, the write would have waited the whole lock timeout
    # (DEFAULT_LOCK_TIMEOUT_SECONDS) and failed; a busy machine may still take a second.
    assert waited < DEFAULT_LOCK_TIMEOUT_SECONDS - 1, waited
    assert count(app, Round) == 2
