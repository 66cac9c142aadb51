"""A run keeps the index from its snapshot's (firm, mission) pairs to application ids, taken
with the snapshot, and stores its roster through it; a run from before the index was kept
(none stored) has it looked up in the round again."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from matchmaker.models import MatchingRun, Placement, Role, RoundStatus, RunState
from matchmaker.services import accounts, run_execution, scenario_exports
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import import_scenario
from tests import builders as b

APPLICANTS = 4


def _started_run(engine: Engine) -> int:
    missions = [b.mission("M1", start="2027-01-10", capacity=2)]
    firms = [b.firm(f"F{n}") for n in range(1, APPLICANTS + 1)]
    applications = [b.application(f"F{n}", "M1") for n in range(1, APPLICANTS + 1)]
    document = b.round_doc(missions=missions, firms=firms, applications=applications)
    document["round"]["id"] = "R1"
    with Session(engine) as session:
        round_row = import_scenario(session=session, document=document)
        round_row.status = RoundStatus.closed
        session.add(round_row)
        session.commit()
        actor = accounts.register_user(
            session=session,
            email="organiser@example.org",
            password="a long password",
            role=Role.organiser,
            organisation_name="Agency",
        )
        run = run_service.start_run(
            session=session,
            round_id="R1",
            actor=actor,
            options=run_service.solve_options(time_limit=10),
            enqueue=lambda *_: None,
        )
        assert run.id is not None
        return run.id


def _roster(engine: Engine, run_id: int) -> dict[int, str]:
    with Session(engine) as session:
        placements = session.exec(select(Placement).where(Placement.run_id == run_id)).all()
        return {p.application_id: str(p.status) for p in placements}


@pytest.mark.parametrize("kept", [True, False], ids=["kept", "older-run"])
def test_a_run_stores_its_roster_through_the_index_of_its_snapshot(
    migrated_engine: Engine, kept: bool
) -> None:
    engine = migrated_engine
    run_id = _started_run(engine)
    with Session(engine) as session:
        run = session.get(MatchingRun, run_id)
        assert run is not None
        index = scenario_exports.application_ids(session=session, round_id="R1")
        assert len(index) == APPLICANTS
        assert scenario_exports.kept_application_ids(run) == index
        assert run.application_index == [
            [firm, mission, application_id]
            for (firm, mission), application_id in sorted(index.items())
        ]
        if not kept:
            run.application_index = None
            session.add(run)
            session.commit()
            assert scenario_exports.kept_application_ids(run) is None
            assert scenario_exports.run_application_ids(session=session, run=run) == index

    assert run_execution.execute_run(engine=engine, run_id=run_id) == RunState.succeeded
    roster = _roster(engine, run_id)
    assert set(roster) == set(index.values())
    assert sorted(roster.values()) == ["placed"] * 2 + ["unplaced"] * 2
