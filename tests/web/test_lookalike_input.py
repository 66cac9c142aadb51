"""Input that looks like other input: KvK numbers and other digit fields take ASCII digits
only, round ids are slugs (the issue: a fullwidth KvK made a lookalike of a registered firm;
a round id of "../../x" was imported and then unreachable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from matchmaker.cli import app as cli
from matchmaker.models import Firm, Round
from matchmaker.text import ascii_int, is_digits, is_slug
from tests.web.clients import Clients, post_form
from tests.web.test_organiser_builders import scenario
from tests.web.test_sme_firm import FIRM, FIRM_JSON, register_firm

ARABIC_INDIC = "١٢٣٤٥٦٧٨"  # 12345678 in Arabic-Indic digits
FULLWIDTH = "１２３４５６７８"
LOOKALIKES = [ARABIC_INDIC, FULLWIDTH, "1234567８", "１２3４5６7８"]


def firms(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count()).select_from(Firm)).one()


def rounds(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return session.exec(select(func.count(col(Round.id)))).one()


def test_the_helpers_take_ascii_only() -> None:
    assert ascii_int(" 42 ") == 42 and ascii_int("-3") == -3
    for text in ("٤٢", "４２", "4_2", "²", "", "-", "4 2", "0x1"):
        assert ascii_int(text) is None, text
    assert int("٤٢") == 42  # what Python itself would take
    assert is_digits("0123") and not is_digits("０１２３") and not is_digits("")
    for good in ("spring-2027-noord", "r1", "A.b_c-9"):
        assert is_slug(good), good
    for bad in ("../../x", "..", "a..b", ".hidden", "-x", "a/b", "a b", "ronde-één", "", "x%2F"):
        assert not is_slug(bad), bad


@pytest.mark.parametrize("kvk", LOOKALIKES)
def test_a_kvk_in_other_digits_is_refused_on_the_page_and_the_api(
    app: FastAPI, clients: Clients, kvk: str
) -> None:
    sme = clients.new("sme")
    before = firms(app)
    page = post_form(sme, "/sme/firm", {**FIRM, "kvk": kvk})
    assert page.status_code in (400, 422)
    assert 'id="kvk-error"' in page.text
    api = sme.post("/api/sme/firm", json={**FIRM_JSON, "kvk": kvk})
    assert api.status_code == 422
    assert "kvk" in json.dumps(api.json())
    assert firms(app) == before


def test_no_lookalike_of_a_registered_firm(app: FastAPI, clients: Clients) -> None:
    register_firm(clients.new("sme"))  # KvK 12345678
    copycat = clients.new("sme")
    before = firms(app)
    for kvk in LOOKALIKES:
        assert post_form(copycat, "/sme/firm", {**FIRM, "kvk": kvk}).status_code in (400, 422)
    assert firms(app) == before
    with Session(app.state.engine) as session:
        assert [f.kvk for f in session.exec(select(Firm))] == ["12345678"]


def test_numbers_in_other_digits_are_refused_on_forms(app: FastAPI, clients: Clients) -> None:
    sme = clients.new("sme")
    page = post_form(sme, "/sme/firm", {**FIRM, "employees": "１２"})
    assert page.status_code in (400, 422)
    assert "number of employees" in page.text
    organiser = clients.organiser
    form = {
        "id": "digits-round",
        "name": "Digits",
        "max_places_per_firm": "٢",
        "regions": "GR, Groningen",
        "sectors": "water, Water",
    }
    refused = post_form(organiser, "/organiser/rounds", form)
    assert refused.status_code in (400, 422)
    assert "is not a whole number" in refused.text
    accepted = post_form(organiser, "/organiser/rounds", {**form, "max_places_per_firm": "2"})
    assert accepted.status_code == 303


@pytest.mark.parametrize("round_id", ["../../x", "a..b", "ronde 1", "x/y", "ｘ"])
def test_a_round_id_that_is_no_slug_is_refused_everywhere(
    app: FastAPI, clients: Clients, round_id: str, tmp_path: Path
) -> None:
    organiser = clients.organiser
    before = rounds(app)
    document = scenario(round_id)
    api = organiser.post("/api/organiser/rounds/import", json=document)
    assert api.status_code == 422, api.text
    assert "round.id" in json.dumps(api.json())
    page = post_form(
        organiser,
        "/organiser/import",
        files={"scenario": ("round.json", json.dumps(document).encode(), "application/json")},
    )
    assert page.status_code == 422, page.text
    assert "round.id" in page.text
    created = organiser.post(
        "/api/organiser/rounds",
        json={
            "id": round_id,
            "name": "x",
            "regions": [{"code": "GR", "name": "Groningen"}],
            "sectors": [{"code": "water", "name": "Water"}],
        },
    )
    assert created.status_code == 422, created.text
    assert rounds(app) == before
    # The operator's command refuses it too, and writes nothing.
    path = tmp_path / "round.json"
    path.write_text(json.dumps(document))
    url = str(app.state.engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(cli, ["import", str(path)], env={"DATABASE_URL": url})
    assert result.exit_code != 0
    assert "round.id" in result.output
    assert rounds(app) == before
