"""Scenario import and export: the round trip is exact, and bad input writes nothing."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from matchmaker.models import Application, ApplicationStatus, AuditLog, Firm, Round
from matchmaker.optimisation.scenario import parse_scenario
from matchmaker.optimisation.scenario_types import ScenarioError
from matchmaker.resources import bundled_scenarios
from matchmaker.services import NotFound, scenario_exports
from matchmaker.services import scenarios as scenario_service
from matchmaker.synthetic import generate_round
from tests.service.conftest import row_counts

BUNDLED = sorted(bundled_scenarios())


def bundled(name: str) -> dict[str, Any]:
    return json.loads(bundled_scenarios()[name].read_text(encoding="utf-8"))


def import_document(engine: Engine, document: Any) -> str:
    with Session(engine) as session:
        return scenario_service.import_scenario(session=session, document=document).id


def export_document(engine: Engine, round_id: str) -> dict[str, Any]:
    with Session(engine) as session:
        return scenario_exports.export_round(session=session, round_id=round_id)


def minimal_document() -> dict[str, Any]:
    """Every optional field left out; a YAML-style date and an integer rank key."""
    return {
        "format": "matchmaker-scenario/1",
        "name": "Minimal",
        "round": {"id": "minimal"},
        "regions": [{"code": "GR", "name": "Groningen"}, {"code": "DR", "name": "Drenthe"}],
        "sectors": [{"code": "water", "name": "Water", "focus": True}],
        "missions": [
            {
                "id": "M1",
                "title": "Hamburg",
                "kind": "promotional",
                "format": "trade_mission",
                "scope": "regional",
                "organiser": "KvK Noord",
                "country": "DE",
                "start": date(2027, 5, 11),
                "end": "2027-05-13",
                "capacity": 2,
            },
            {
                "id": "M2",
                "title": "Esbjerg",
                "kind": "business",
                "format": "trade_fair",
                "scope": "national",
                "organiser": "FME",
                "country": "DK",
                "start": "2027-06-01",
                "end": "2027-06-02",
                "capacity": 5,
                "region_min": {"DR": 1, "GR": 2},
            },
        ],
        "firms": [
            {
                "id": "A",
                "kvk": "12345678",
                "name": "Aqua",
                "region": "GR",
                "sector": "water",
                "employees": 12,
                "business_cases": [
                    {
                        "id": "bc",
                        "country": "DK",
                        "sector": "water",
                        "summary": "pumps",
                        "evidence": "order",
                        "verified": True,
                    }
                ],
            },
            {
                "id": "B",
                "kvk": "87654321",
                "name": "Bouw",
                "region": "DR",
                "sector": "water",
                "employees": 3,
            },
        ],
        "applications": [
            {"firm": "B", "mission": "M1", "rank": 1},
            {"firm": "A", "mission": "M2", "rank": 1, "business_case": "bc"},
            {"firm": "A", "mission": "M1", "rank": 2},
        ],
        "locked": [{"firm": "A", "mission": "M1"}, {"firm": "B", "mission": "M1"}],
        "weights": {"rank_points": {1: 300}, "first_timer": 0},
    }


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_scenarios_come_back_unchanged(migrated_engine: Engine, name: str) -> None:
    document = bundled(name)
    exported = export_document(migrated_engine, import_document(migrated_engine, document))
    assert exported == document
    assert parse_scenario(exported) == parse_scenario(document)
    assert json.dumps(exported, ensure_ascii=False)  # plain JSON, ready to be written


@pytest.mark.parametrize("seed", [7, 2027])
def test_synthetic_rounds_come_back_unchanged(migrated_engine: Engine, seed: int) -> None:
    document = generate_round(firms=200, missions=15, seed=seed)
    exported = export_document(migrated_engine, import_document(migrated_engine, document))
    assert exported == json.loads(json.dumps(document))
    assert parse_scenario(exported) == parse_scenario(document)


def test_a_sparse_document_comes_back_in_canonical_form(migrated_engine: Engine) -> None:
    document = minimal_document()
    exported = export_document(migrated_engine, import_document(migrated_engine, document))
    canonical = scenario_service.canonical_document(parse_scenario(document))
    assert exported == canonical
    assert exported["missions"][0]["start"] == "2027-05-11"
    assert exported["missions"][0]["min_participants"] == 0
    assert exported["firms"][1]["readiness"] == {
        "strategy": False,
        "organisation": False,
        "finance": False,
    }
    assert exported["applications"][0]["business_case"] is None
    assert exported["weights"] == {"rank_points": {"1": 300}, "first_timer": 0}
    assert exported["locked"] == document["locked"]
    assert "description" not in exported
    reparsed = parse_scenario(exported)
    original = parse_scenario(document)
    assert reparsed.weights == original.weights
    assert reparsed.firms == original.firms and reparsed.missions == original.missions
    assert reparsed.applications == original.applications
    assert reparsed.locked == original.locked
    # The canonical form is a fixed point: importing the export gives it back again.
    again = copy.deepcopy(exported)
    again["round"]["id"] = "minimal-again"
    assert export_document(migrated_engine, import_document(migrated_engine, again)) == again


def test_an_import_is_audited(migrated_engine: Engine) -> None:
    round_id = import_document(migrated_engine, bundled(BUNDLED[0]))
    with Session(migrated_engine) as session:
        entry = session.exec(select(AuditLog)).one()
        assert (entry.action, entry.object_type, entry.object_id) == (
            "round.import",
            "round",
            round_id,
        )
        assert entry.actor_user_id is None
        assert entry.after["firms"] == len(bundled(BUNDLED[0])["firms"])
        assert session.get(Round, round_id).status == "draft"


def test_an_invalid_document_writes_nothing(migrated_engine: Engine) -> None:
    document = bundled(BUNDLED[0])
    document["missions"][1]["start"] = "2026-13-01"
    document["firms"][2]["kvk"] = "123"
    before = row_counts(migrated_engine)
    with pytest.raises(ScenarioError) as raised:
        import_document(migrated_engine, document)
    assert "missions[1].start: 2026-13-01 is not a date" in raised.value.problems
    assert any(p.startswith("firms[2].kvk: ") for p in raised.value.problems)
    assert row_counts(migrated_engine) == before


def test_a_taken_round_id_is_refused_and_writes_nothing(migrated_engine: Engine) -> None:
    document = bundled(BUNDLED[0])
    round_id = import_document(migrated_engine, document)
    before = row_counts(migrated_engine)
    with pytest.raises(ScenarioError) as raised:
        import_document(migrated_engine, document)
    assert raised.value.problems == [f"round.id: a round with id {round_id!r} already exists"]
    assert row_counts(migrated_engine) == before


def test_a_failure_half_way_writes_nothing(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("disk full")

    # Rounds, regions, sectors and firms are flushed by the time missions are built.
    monkeypatch.setattr(scenario_service, "_new_mission", broken)
    before = row_counts(migrated_engine)
    with pytest.raises(RuntimeError, match="disk full"):
        import_document(migrated_engine, bundled(BUNDLED[0]))
    assert row_counts(migrated_engine) == before


def test_values_the_database_cannot_hold_are_input_errors(migrated_engine: Engine) -> None:
    document = minimal_document()
    document["round"]["id"] = "r" * 65
    document["missions"][1]["id"] = "M" * 70
    document["applications"][1]["mission"] = "M" * 70
    document["firms"][1]["kvk"] = document["firms"][0]["kvk"]
    with pytest.raises(ScenarioError) as raised:
        import_document(migrated_engine, document)
    assert raised.value.problems == [
        "round.id: is 65 characters long, at most 64",
        "missions[1].id: is 70 characters long, at most 64",
        "firms[1].kvk: 12345678 is already used by firms[0]",
    ]
    assert sum(row_counts(migrated_engine).values()) == 0


def test_integers_beyond_the_columns_are_input_errors() -> None:
    # The engine caps integers well below these today; the check guards the columns anyway.
    scenario = parse_scenario(minimal_document())
    mission = dataclasses.replace(scenario.missions[0], capacity=2**31, subsidy_eur=2**63)
    scenario = dataclasses.replace(scenario, missions=(mission, *scenario.missions[1:]))
    assert scenario_service._storage_problems(scenario) == [
        f"missions[0].capacity: {2**31} is too large (at most {2**31 - 1})",
        f"missions[0].subsidy_eur: {2**63} is too large (at most {2**63 - 1})",
    ]


def test_registered_firms_are_shared_between_rounds(migrated_engine: Engine) -> None:
    document = bundled(BUNDLED[0])
    import_document(migrated_engine, document)
    with Session(migrated_engine) as session:
        firms = len(session.exec(select(Firm)).all())
    second = copy.deepcopy(document)
    second["round"]["id"] = "copy-of-" + document["round"]["id"]
    second["firms"][0]["business_cases"].reverse()  # the order of cases does not matter
    import_document(migrated_engine, second)
    with Session(migrated_engine) as session:
        assert len(session.exec(select(Firm)).all()) == firms
    assert export_document(migrated_engine, document["round"]["id"]) == document
    assert export_document(migrated_engine, second["round"]["id"])["firms"] == document["firms"]


def test_a_registered_firm_with_other_data_is_refused(migrated_engine: Engine) -> None:
    document = bundled(BUNDLED[0])
    import_document(migrated_engine, document)
    second = copy.deepcopy(document)
    second["round"]["id"] = "second"
    second["firms"][3]["employees"] += 1
    second["firms"][3]["name"] += " Holding"
    before = row_counts(migrated_engine)
    with pytest.raises(ScenarioError) as raised:
        import_document(migrated_engine, second)
    [problem] = raised.value.problems
    # Only that the number is taken: the registered firm may be another organisation's.
    assert problem == f"firms[3].kvk: KvK number {document['firms'][3]['kvk']} is already taken"
    assert row_counts(migrated_engine) == before


def test_withdrawn_applications_and_their_locks_leave_the_scenario(
    migrated_engine: Engine,
) -> None:
    document = minimal_document()
    round_id = import_document(migrated_engine, document)
    with Session(migrated_engine) as session:
        first = session.exec(select(Application).order_by(Application.id)).first()
        first.status = ApplicationStatus.withdrawn
        session.add(first)
        session.commit()
    exported = export_document(migrated_engine, round_id)
    assert exported["applications"] == [
        {"firm": "A", "mission": "M2", "rank": 1, "business_case": "bc"},
        {"firm": "A", "mission": "M1", "rank": 2, "business_case": None},
    ]
    assert exported["locked"] == [{"firm": "A", "mission": "M1"}]
    assert [f["id"] for f in exported["firms"]] == ["A", "B"]


def test_exporting_an_unknown_round_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="round 'nope' not found"):
        scenario_exports.export_round(session=session, round_id="nope")


def test_a_scenario_round_trip_feeds_the_engine_unchanged(migrated_engine: Engine) -> None:
    document = bundled(BUNDLED[-1])
    round_id = import_document(migrated_engine, document)
    with Session(migrated_engine) as session:
        round_row = session.get(Round, round_id)
        scenario = scenario_exports.round_scenario(session=session, round_row=round_row)
    assert scenario == parse_scenario(document)
