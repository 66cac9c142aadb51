"""The round dashboard: figures computed by a pure function, drawn as accessible inline SVG."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from matchmaker.models import PlacementStatus
from matchmaker.services.dashboard import ApplicationFigures, MissionFigures, compute
from tests.web.clients import Clients
from tests.web.test_organiser_builders import add_run, import_round, scenario

REGIONS = {"FR": "Fryslân", "GR": "Groningen", "DR": "Drenthe"}
SECTORS = {"water": "Water", "metal": "Metaal"}
MISSIONS = [MissionFigures("A", "Hamburg", 2, 0), MissionFigures("B", "Gdańsk", 4, 2)]


def application(
    firm: int, mission: str, rank: int, region: str, sector: str, status: str | None
) -> ApplicationFigures:
    return ApplicationFigures(firm, mission, rank, region, sector, status)


def test_the_figures_of_a_round() -> None:
    figures = compute(
        region_names=REGIONS,
        sector_names=SECTORS,
        focus_sectors={"water"},
        missions=MISSIONS,
        applications=[
            application(1, "A", 1, "GR", "water", "placed"),
            application(2, "A", 2, "GR", "metal", "accepted"),
            application(2, "B", 1, "GR", "metal", "unplaced"),
            application(3, "B", 1, "FR", "water", "offered"),
            application(4, "B", 1, "DR", "metal", "withdrawn"),
            application(5, "A", 3, "DR", "water", "declined"),
        ],
        run_id=7,
    )
    assert (figures.places_taken, figures.capacity, figures.firms_placed) == (3, 6, 3)
    assert (figures.applicants, figures.applications) == (4, 5)
    by_region = {b.label: (b.value, b.fraction) for b in figures.by_region.bars}
    assert by_region == {"Groningen": (2, 1.0), "Fryslân": (1, 0.5), "Drenthe": (0, 0.0)}
    assert figures.by_region.summary == "Most places: Groningen (2). None for Drenthe."
    assert [b.label for b in figures.by_sector.bars] == ["Water (focus)", "Metaal"]
    assert [b.tone for b in figures.by_sector.bars] == ["focus", "normal"]

    fill = {b.label: (b.value, b.fraction, b.tone) for b in figures.fill_rate.bars}
    assert fill == {"Hamburg": (2, 1.0, "full"), "Gdańsk": (1, 0.25, "low")}
    assert (
        figures.fill_rate.summary
        == "1 of 2 missions are full. Less than half full or cancelled: Gdańsk."
    )

    # Firms 1 and 3 got their best-ranked choice; firm 2 its second.
    assert figures.first_choice_share == pytest.approx(2 / 3)
    assert [(s.label, s.count) for s in figures.choices] == [
        ("first choice", 2),
        ("a later choice", 1),
    ]
    assert figures.choices[1].offset == pytest.approx(2 / 3)
    assert figures.choices_summary == "67% of the placed firms got their first choice (2 of 3)."

    demand = {b.label: b.text for b in figures.demand.bars}
    assert demand == {
        "Hamburg": "3 applications for 2 places",
        "Gdańsk": "2 applications for 4 places",
    }
    assert figures.demand.marker == pytest.approx(1 / 1.5)


def test_before_a_run_nothing_is_placed_and_cancelled_missions_show() -> None:
    empty = compute(
        region_names=REGIONS,
        sector_names=SECTORS,
        focus_sectors=set(),
        missions=MISSIONS,
        applications=[application(1, "A", 1, "GR", "water", None)],
        run_id=None,
    )
    assert empty.first_choice_share is None and empty.choices == []
    assert empty.by_region.summary == "No places yet."
    assert {b.text for b in empty.fill_rate.bars} == {"not yet matched"}

    cancelled = compute(
        region_names=REGIONS,
        sector_names=SECTORS,
        focus_sectors=set(),
        missions=MISSIONS,
        applications=[],
        run_id=1,
        cancelled={"B"},
    )
    gdansk = cancelled.fill_rate.bars[1]
    assert (gdansk.tone, gdansk.text) == ("cancelled", "cancelled: too few firms (needs 2)")
    assert cancelled.capacity == 2


def test_the_dashboard_page_draws_accessible_svg_charts(clients: Clients, app: FastAPI) -> None:
    organiser = clients.organiser
    round_id = import_round(app, organiser, scenario())
    before = organiser.get(f"/organiser/rounds/{round_id}/dashboard")
    assert before.status_code == 200
    assert "No matching run has succeeded yet" in before.text

    add_run(
        app,
        round_id,
        {
            ("F1", "M-HAM"): {"status": PlacementStatus.placed, "score": 1175},
            ("F2", "M-HAM"): {"status": PlacementStatus.placed, "score": 1110},
            ("F3", "M-GDA"): {"status": PlacementStatus.placed, "score": 1100},
            ("F4", "M-GDA"): {"status": PlacementStatus.accepted, "score": 1100},
            ("F1", "M-GDA"): {"status": PlacementStatus.unplaced, "reason": "placed_elsewhere"},
        },
    )
    page = organiser.get(f"/organiser/rounds/{round_id}/dashboard").text
    assert "No matching run has succeeded yet" not in page
    charts = re.findall(
        r'<svg class="chart-svg"[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', page
    )
    assert len(charts) == 5
    for labels in charts:
        for label in labels.split():
            assert f'id="{label}"' in page
    for title in ("Places by region", "Places by sector", "Fill rate per mission", "First choices"):
        assert re.search(rf'<title id="[a-z]+-title">{title}</title>', page), title
    assert "100% of the placed firms got their first choice (4 of 4)." in page
    assert "Most places: Fryslân (2)." in page
    assert 'class="chart-bar tone-full" x="0" y="20" width="420.0"' in page  # Hamburg is full
    assert "<script" not in page and "style=" not in page

    api = organiser.get(f"/api/organiser/rounds/{round_id}/dashboard").json()
    assert api["places_taken"] == 4 and api["first_choice_share"] == 1.0
    assert [b["label"] for b in api["by_region"]["bars"]] == ["Fryslân", "Drenthe", "Groningen"]


def test_another_organisations_dashboard_answers_404(clients: Clients, app: FastAPI) -> None:
    round_id = import_round(app, clients.organiser, scenario())
    other = clients.new("organiser", organisation="Exportclub Drenthe")
    assert other.get(f"/organiser/rounds/{round_id}/dashboard").status_code == 404
    assert other.get(f"/api/organiser/rounds/{round_id}/dashboard").status_code == 404
