"""Running matching runs as background jobs: solve the snapshot, store the roster, recover;
and solve_and_store, the solve -> roster -> store sequence the waiting list's re-solve shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, insert
from sqlmodel import Session, select

from matchmaker.models import Application, MatchingRun, Placement, PlacementStatus, RunState
from matchmaker.models.common import utcnow
from matchmaker.optimisation import Progress, SolveOptions, SolveOutcome, solve_scenario_document
from matchmaker.services import scenario_exports, solver_jobs
from matchmaker.services.runs import MATCHING, options_of, result_digest
from matchmaker.services.scenario_exports import Pair

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


# --------------------------------------------------------------------------- solve and store

FOUND = ("OPTIMAL", "FEASIBLE")  # the statuses that have a roster
Stored = TypeVar("Stored")


@dataclass(frozen=True, slots=True)
class SolvedRoster:
    """A solved scenario: the outcome, its result document, and its roster: one row per
    application of the scenario (placed or not), by its application id where the index
    from the scenario's (firm, mission) pairs was known, else by the pair alone."""

    outcome: SolveOutcome
    result: dict[str, Any]
    rows: list[dict[str, Any]]
    mapped: bool

    @property
    def found(self) -> bool:
        return self.outcome.status in FOUND

    def with_ids(self, index: dict[Pair, int]) -> SolvedRoster:
        """The roster with the application id of each row's pair through `index`."""
        return SolvedRoster(self.outcome, self.result, _with_ids(self.rows, index), True)

    def row_of(self, application_id: int) -> dict[str, Any] | None:
        return next((r for r in self.rows if r.get("application_id") == application_id), None)


def solve_and_store(
    document: dict[str, Any],
    options: SolveOptions,
    index: dict[Pair, int] | None,
    *,
    store: Callable[[SolvedRoster], Stored] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Stored | SolvedRoster:
    """Solve a scenario document, make its roster (mapped to application ids through
    `index`, where known) and store it: the one sequence of a matching run and of the
    waiting list's re-solve.

    The waiting list passes `store` and stores under the round's lock in its own
    transaction (placements: take the offer). A matching run solves outside any
    transaction and passes none: solver_jobs stores the roster with `store_roster` in the
    finishing transaction, which then only inserts the rows.
    """
    outcome, result = solve_scenario_document(document, options, on_progress)
    solved = SolvedRoster(outcome, result, _roster_rows(outcome, result), False)
    if index is not None:
        solved = solved.with_ids(index)
    return solved if store is None else store(solved)


def solve_run(run: MatchingRun, on_progress: Callable[[Progress], None]) -> SolvedRoster:
    """Solve the run's snapshot (outside any transaction): its outcome, result document and
    roster, mapped to application ids through the index kept with the snapshot."""
    index = scenario_exports.kept_application_ids(run)
    solved = solve_and_store(run.input_snapshot, options_of(run), index, on_progress=on_progress)
    assert isinstance(solved, SolvedRoster)
    return solved


def store_roster(session: Session, run: MatchingRun, solved: SolvedRoster) -> str | None:
    """Store the result and the placements of every application (in the finishing
    transaction); why there is no roster, if there is none.

    The rows are made beforehand (`solve_run`), so the transaction, which holds SQLite's
    write lock, only inserts them in one bulk INSERT (executemany); a run from before its
    snapshot kept its index has its rows mapped to application ids here.
    """
    outcome, document = solved.outcome, solved.result
    run.result = document
    run.result_sha256 = result_digest(document)
    run.elapsed_seconds = round(outcome.solve_seconds, 3)
    run.best_objective = outcome.objective
    run.best_bound = outcome.best_bound
    if not solved.found:
        return _no_roster_message(document)
    if not solved.mapped:
        solved = solved.with_ids(scenario_exports.run_application_ids(session=session, run=run))
    _store_placements(session, run, solved.rows)
    return None


def _no_roster_message(document: dict[str, Any]) -> str:
    if document["status"] == "INFEASIBLE":
        lines = []
        for conflict in document.get("infeasible", []):
            pairs = ", ".join(f"{p['firm']} on {p['mission']}" for p in conflict["locked"])
            lines.append(f"{conflict['constraint']}: {pairs}: {conflict['detail']}")
        return "the locked placements cannot all hold. " + " ".join(lines)
    return "no roster was found within the time limit; start the run again with a longer one"


def _roster_rows(outcome: SolveOutcome, document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per application of the solved scenario (by its firm and mission ids), made
    outside any transaction; `_with_ids` adds the application ids, `_store_placements` the
    run."""
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


def _with_ids(rows: list[dict[str, Any]], index: dict[Pair, int]) -> list[dict[str, Any]]:
    return [{**row, "application_id": index.get(row["pair"])} for row in rows]


def _store_placements(session: Session, run: MatchingRun, rows: list[dict[str, Any]]) -> None:
    """Insert the run's placements with one executemany INSERT (SQLAlchemy Core)."""
    present = set(
        session.exec(select(Application.id).where(Application.round_id == run.round_id)).all()
    )
    now = utcnow()
    values = []
    for row in rows:
        application_id = row["application_id"]
        if application_id is None or application_id not in present:
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
