"""CSV exports in Dutch (`;`, a byte-order mark, Dutch headers, decimal commas) and English
(as they always were), chosen by `lang`; the roster workbook's dates are real dates."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from fastapi import FastAPI
from openpyxl import load_workbook

from matchmaker.models import PlacementStatus
from matchmaker.services import spreadsheet_csv
from tests.web.clients import Clients
from tests.web.test_meetings import Setup, add_partners, partner_ids, set_up_day, setup  # noqa: F401
from tests.web.test_organiser_builders import add_run, import_round, mission_id, scenario

BOM = "\ufeff"


def dutch_rows(text: str) -> list[list[str]]:
    assert text.startswith(BOM), "Dutch Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))


def test_dutch_cells_have_decimal_commas_and_yes_no_in_dutch() -> None:
    text = spreadsheet_csv.csv_text(
        [["Bedrijf", "Bedrag"], ["Aqua; Noord", 1250.5], [True, None]], "nl"
    )
    assert dutch_rows(text) == [["Bedrijf", "Bedrag"], ["Aqua; Noord", "1250,5"], ["ja", ""]]
    english = spreadsheet_csv.csv_text([["Firm", "Amount"], ["Aqua", 1250.5]], "en")
    assert english == BOM + "Firm,Amount\r\nAqua,1250.5\r\n"
    assert not spreadsheet_csv.csv_text([["a"]], "en", english_bom=False).startswith(BOM)


def test_the_roster_in_dutch_and_in_english(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    add_run(
        app,
        round_id,
        {("F1", "M-HAM"): {"status": PlacementStatus.placed, "score": 1175, "locked": True}},
    )
    url = f"/organiser/rounds/{round_id}/missions/{pk}/roster.csv"
    dutch = organiser.get(url, params={"lang": "nl"})
    assert dutch.status_code == 200 and dutch.headers["content-type"].startswith("text/csv")
    table = dutch_rows(dutch.content.decode("utf-8"))
    assert table[0][:5] == ["Bedrijf-id", "Bedrijf", "KvK-nummer", "Regio", "Sector"]
    assert {"Status", "Reden", "Vastgezet", "Business case"} <= set(table[0])
    first = dict(zip(table[0], table[1], strict=True))
    assert (first["Bedrijf-id"], first["Status"], first["Vastgezet"]) == ("F1", "geplaatst", "ja")
    assert all(not cell.startswith(("=", "+", "@")) for row in table for cell in row)
    assert any(cell.startswith("'=HYPERLINK") for row in table for cell in row)

    english = organiser.get(url, params={"lang": "en"}).content.decode("utf-8")
    assert english == organiser.get(url).content.decode("utf-8"), "English stays the default"
    assert english.startswith(BOM + "Firm id,Firm,KvK,")
    header, row = list(csv.reader(io.StringIO(english.removeprefix(BOM))))[:2]
    assert dict(zip(header, row, strict=True))["Locked"] == "yes"

    refused = organiser.get(url, params={"lang": "fr"})
    assert refused.status_code == 422 and "lang" in refused.text, "the parameter is named"


def test_the_roster_workbook_has_real_dates(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    pk = mission_id(app, round_id, "M-HAM")
    content = organiser.get(f"/organiser/rounds/{round_id}/missions/{pk}/roster.xlsx").content
    about = {
        row[0].value: row[1] for row in load_workbook(io.BytesIO(content))["About"].iter_rows()
    }
    assert isinstance(about["First day"].value, datetime | date)
    assert about["First day"].number_format == "yyyy-mm-dd"
    assert isinstance(about["Exported at (UTC)"].value, datetime)
    dutch = organiser.get(
        f"/organiser/rounds/{round_id}/missions/{pk}/roster.xlsx", params={"lang": "nl"}
    ).content
    header = [cell.value for cell in next(load_workbook(io.BytesIO(dutch))["Roster"].iter_rows())]
    assert header[:2] == ["Bedrijf-id", "Bedrijf"] and "Reden" in header
    refused = organiser.get(
        f"/organiser/rounds/{round_id}/missions/{pk}/roster.xlsx", params={"lang": "fr"}
    )
    assert refused.status_code == 422 and "lang" in refused.text


def test_partners_and_schedule_in_dutch(setup: Setup) -> None:  # noqa: F811
    s = setup
    set_up_day(s)
    add_partners(s, "Ama")
    made = s.organiser.post(
        f"{s.api}/requests",
        json={"firm_id": s.firms["F1"], "partner_id": partner_ids(s.app)["Ama"]},
    )
    assert made.status_code == 201, made.text

    partners = dutch_rows(s.organiser.get(f"{s.day}/partners.csv", params={"lang": "nl"}).text)
    assert partners[0][:4] == ["name", "organisation", "country", "sector"], "imports again"
    assert partners[1][0] == "Ama"
    assert s.organiser.get(f"{s.day}/partners.csv").text.startswith(BOM + "name,organisation,")

    schedule = dutch_rows(s.organiser.get(f"{s.day}/schedule.csv", params={"lang": "nl"}).text)
    assert schedule[0][:5] == ["Tijdslot", "Begin", "Einde", "Tafel", "Bedrijf"]
    assert schedule[0][-1] == "Reden niet ingepland" and schedule[1][-2] == "nee"
    english = s.organiser.get(f"{s.day}/schedule.csv", params={"lang": "en"}).text
    assert english.startswith(BOM + "Slot,Start,End,Table,Firm,Partner")
    for url in (f"{s.day}/schedule.csv", f"{s.day}/partners.csv"):
        assert s.organiser.get(url, params={"lang": "de"}).status_code == 422
