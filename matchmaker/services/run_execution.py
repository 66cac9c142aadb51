"""Running matching runs as background jobs: solve the snapshot, store the roster, recover."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Table, insert
from sqlmodel import Session

from matchmaker.models import MatchingRun, Placement, PlacementStatus, RunState
from matchmaker.models.common import utcnow
from matchmaker.optimisation import Progress, SolveOutcome, solve_scenario_document
from matchmaker.services import scenario_exports, solver_jobs
from matchmaker.services.runs import MATCHING, options_of, result_digest

PLACEMENT_TABLE: Table = Placement.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- execute


def next_queued_run(*, engine: Engine) -> int | None:
    """The oldest queued run, if any (a read that takes no write lock)."""
    return solver_jobs.next_queued(engine=engine, kind=MATCHING)


def execute_run(*, engine: Engine, run_id: int) -> RunState | None:
    """Claim a queued run, solve it and store its roster; None if it was not queued.

    Runs in a worker thread or a worker process, never in a request (see solver_jobs).
    """
    return solver_jobs.execute(
        engine=engine, kind=MATCHING, run_id=run_id, solve=solve_run, store=store_roster
    )


def solve_run(run: MatchingRun, on_progress: Callable[[Progress], None]) -> tuple:
    """Solve the run's snapshot (outside any transaction); the outcome, its result document
    and placement rows."""
    outcome, document = solve_scenario_document(run.input_snapshot, options_of(run), on_progress)
    return outcome, document, _placement_rows(outcome, document)


def store_roster(session: Session, run: MatchingRun, solved: tuple) -> str | None:
    """Store the result and the placements of every application (in the finishing
    transaction); why there is no roster, if there is none.

    The rows are made beforehand (`_placement_rows`), so the transaction, which holds
    SQLite's write lock, only maps them to application ids and inserts them in one bulk
    INSERT (executemany).
    """
    outcome, document, rows = solved
    run.result = document
    run.result_sha256 = result_digest(document)
    run.elapsed_seconds = round(outcome.solve_seconds, 3)
    run.best_objective = outcome.objective
    run.best_bound = outcome.best_bound
    if outcome.status not in ("OPTIMAL", "FEASIBLE"):
        return _no_roster_message(document)
    _store_placements(session, run, rows)
    return None


def _no_roster_message(document: dict[str, Any]) -> str:
    if document["status"] == "INFEASIBLE":
        lines = []
        for conflict in document.get("infeasible", []):
            pairs = ", ".join(f"{p['firm']} on {p['mission']}" for p in conflict["locked"])
            lines.append(f"{conflict['constraint']}: {pairs}: {conflict['detail']}")
        return "the locked placements cannot all hold. " + " ".join(lines)
    return "no roster was found within the time limit; start the run again with a longer one"


def _placement_rows(outcome: SolveOutcome, document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per application of the solved scenario (by its firm and mission ids), made
    outside any transaction; `_store_placements` adds the run and the application ids."""
    data = outcome.data
    placed = set(outcome.placed)
    locked = set(data.locked)
    reasons = {(u["firm"], u["mission"]): (u["reason"], u["detail"]) for u in document["unplaced"]}
    rows = []
    for index, application in enumerate(data.applications):
        pair = (application.firm, application.mission)
        reason, detail = (None, None) if index in placed else reasons.get(pair, (None, None))
        rows.append(
            {
                "pair": pair,
                "status": PlacementStatus.placed if index in placed else PlacementStatus.unplaced,
                "score": data.scores[index],
                "locked": index in locked,
                "reason": reason,
                "detail": detail,
            }
        )
    return rows


def _store_placements(session: Session, run: MatchingRun, rows: list[dict[str, Any]]) -> None:
    """Insert the run's placements with one executemany INSERT (SQLAlchemy Core)."""
    ids = scenario_exports.application_ids(session=session, round_id=run.round_id)
    now = utcnow()
    values = []
    for row in rows:
        application_id = ids.get(row["pair"])
        if application_id is None:
            continue  # deleted since the snapshot
        values.append(
            {
                "run_id": run.id,
                "application_id": application_id,
                "status": row["status"].value,
                "score": row["score"],
                "locked": row["locked"],
                "reason": row["reason"],
                "detail": row["detail"],
                "created_at": now,
                "updated_at": now,
            }
        )
    if values:
        session.connection().execute(insert(PLACEMENT_TABLE), values)


# --------------------------------------------------------------------------- recovery


def recover_interrupted(
    *, engine: Engine, still_alive: Callable[[Session], set[int]] | None = None
) -> list[int]:
    """Mark interrupted every queued or running run whose job is gone (see solver_jobs)."""
    return solver_jobs.recover_interrupted(engine=engine, kind=MATCHING, still_alive=still_alive)


def active_run_ids(*, engine: Engine) -> list[int]:
    return solver_jobs.active_ids(engine=engine, kind=MATCHING)
