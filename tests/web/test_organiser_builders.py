"""Test data for the organiser, branch, export and dashboard tests: a small scenario, imported
with the scenario service, and matching runs with placements written directly."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from matchmaker.models import (
    Application,
    MatchingRun,
    Mission,
    Placement,
    Round,
    RoundFirm,
    RoundStatus,
    RunState,
)
from matchmaker.optimisation.scenario import parse_scenario
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import import_scenario

_SCENARIO: dict[str, Any] = {
    "format": "matchmaker-scenario/1",
    "name": "Noord test round",
    "round": {"id": "noord-test", "max_places_per_firm": 1, "budget_eur": 20000},
    "regions": [
        {"code": "FR", "name": "Fryslân", "priority": 0},
        {"code": "GR", "name": "Groningen", "priority": 20},
        {"code": "DR", "name": "Drenthe", "priority": 10},
    ],
    "sectors": [
        {"code": "water", "name": "Watertechnologie", "focus": True},
        {"code": "energy", "name": "Energie", "focus": True},
        {"code": "metal", "name": "Metaal", "focus": False},
    ],
    "missions": [
        {
            "id": "M-HAM",
            "title": "Water business mission Hamburg",
            "kind": "business",
            "format": "trade_mission",
            "scope": "regional",
            "organiser": "KvK Noord",
            "country": "DE",
            "start": "2027-05-11",
            "end": "2027-05-13",
            "capacity": 2,
            "min_participants": 0,
            "sectors": ["water", "energy"],
            "slipstream_max": None,
            "sector_max": None,
            "region_min": {"GR": 1},
            "subsidy_eur": 2500,
        },
        {
            "id": "M-GDA",
            "title": "Promotional mission Gdańsk",
            "kind": "promotional",
            "format": "trade_fair",
            "scope": "regional",
            "organiser": "KvK Noord",
            "country": "PL",
            "start": "2027-06-01",
            "end": "2027-06-03",
            "capacity": 3,
            "min_participants": 2,
            "sectors": [],
            "slipstream_max": 1,
            "sector_max": None,
            "region_min": {},
            "subsidy_eur": 1000,
        },
    ],
    "firms": [
        {
            "id": "F1",
            "kvk": "10000001",
            "name": "Aqua Noord BV",
            "region": "GR",
            "sector": "water",
            "employees": 24,
            "readiness": {"strategy": True, "organisation": True, "finance": True},
            "business_cases": [
                {
                    "id": "BC1",
                    "country": "DE",
                    "sector": "water",
                    "summary": "membrane units for Hamburg port utilities",
                    "evidence": "letter_of_intent",
                    "verified": True,
                }
            ],
        },
        {
            "id": "F2",
            "kvk": "10000002",
            "name": '=HYPERLINK("http://evil.example","click")',
            "region": "FR",
            "sector": "energy",
            "employees": 12,
            "readiness": {"strategy": True, "organisation": True, "finance": False},
            "business_cases": [
                {
                    "id": "BC2",
                    "country": "DE",
                    "sector": "energy",
                    "summary": "+heat pumps for Bremen housing",
                    "evidence": "leads",
                    "verified": False,
                }
            ],
        },
        {
            "id": "F3",
            "kvk": "10000003",
            "name": "Metaal Drenthe",
            "region": "DR",
            "sector": "metal",
            "employees": 60,
        },
        {
            "id": "F4",
            "kvk": "10000004",
            "name": "Wind & Water Friesland",
            "region": "FR",
            "sector": "water",
            "employees": 8,
        },
    ],
    "applications": [
        {"firm": "F1", "mission": "M-HAM", "rank": 1, "business_case": "BC1"},
        {"firm": "F1", "mission": "M-GDA", "rank": 2},
        {"firm": "F2", "mission": "M-HAM", "rank": 1, "business_case": "BC2"},
        {"firm": "F3", "mission": "M-GDA", "rank": 1},
        {"firm": "F4", "mission": "M-GDA", "rank": 1},
    ],
}


def scenario(round_id: str = "noord-test", *, kvk_offset: int = 0) -> dict[str, Any]:
    """A fresh copy of the small scenario; a kvk_offset gives it firms of its own."""
    document = copy.deepcopy(_SCENARIO)
    document["round"]["id"] = round_id
    for firm in document["firms"]:
        firm["kvk"] = f"{int(firm['kvk']) + kvk_offset:08d}"
    return document


def organisation_of(client: TestClient) -> int:
    organisation_id = client.get("/api/me").json()["organisation_id"]
    assert organisation_id is not None
    return organisation_id


def import_round(app: FastAPI, owner: TestClient | None, document: dict[str, Any]) -> str:
    """Import the scenario as a round of the owner's organisation (None: of no organisation)."""
    organisation_id = organisation_of(owner) if owner is not None else None
    with Session(app.state.engine) as session:
        round_row = import_scenario(
            session=session, document=document, organisation_id=organisation_id
        )
        return round_row.id


def mission_id(app: FastAPI, round_id: str, external_id: str) -> int:
    with Session(app.state.engine) as session:
        mission = session.exec(
            select(Mission).where(Mission.round_id == round_id, Mission.external_id == external_id)
        ).one()
        assert mission.id is not None
        return mission.id


def invite_branches(app: FastAPI, round_id: str) -> None:
    """Let branch organisations offer national missions in the round."""
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None
        round_row.invites_branch_missions = True
        session.add(round_row)
        session.commit()


def set_status(app: FastAPI, round_id: str, status: RoundStatus) -> None:
    with Session(app.state.engine) as session:
        round_row = session.get(Round, round_id)
        assert round_row is not None
        round_row.status = status
        if status == RoundStatus.published and round_row.published_run_id is None:
            # As publishing does: record the run it publishes (here the newest succeeded).
            newest = run_service.current_run(session=session, round_id=round_id)
            round_row.published_run_id = newest.id if newest else None
        session.add(round_row)
        session.commit()


def add_run(
    app: FastAPI,
    round_id: str,
    outcomes: dict[tuple[str, str], dict[str, Any]],
    *,
    state: RunState = RunState.succeeded,
    result: dict[str, Any] | None = None,
) -> int:
    """A matching run of the round with one placement per (firm id, mission id) in outcomes.

    Each outcome gives the placement's fields: status, and optionally score, reason, detail.
    """
    snapshot = {"round": round_id}
    with Session(app.state.engine) as session:
        run = MatchingRun(
            round_id=round_id,
            state=state,
            input_snapshot=snapshot,
            snapshot_sha256=hashlib.sha256(json.dumps(snapshot).encode()).hexdigest(),
            ortools_version="test",
            result=result,
            finished_at=datetime.now(UTC),
        )
        session.add(run)
        session.flush()
        applications = session.exec(
            select(Application, RoundFirm.external_id, Mission.external_id)
            .join(RoundFirm, RoundFirm.firm_id == Application.firm_id)
            .join(Mission, Mission.id == Application.mission_id)
            .where(Application.round_id == round_id, RoundFirm.round_id == round_id)
        ).all()
        by_pair = {(firm, mission): application for application, firm, mission in applications}
        for pair, fields in outcomes.items():
            session.add(Placement(run_id=run.id, application_id=by_pair[pair].id, **fields))
        session.commit()
        assert run.id is not None
        return run.id


def test_the_builder_scenario_is_valid() -> None:
    parsed = parse_scenario(scenario())
    assert [m.id for m in parsed.missions] == ["M-HAM", "M-GDA"]
    assert len(parsed.applications) == 5
