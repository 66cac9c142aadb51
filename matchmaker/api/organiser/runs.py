"""Organiser API: matching runs of a round (start, progress, result, roster), locks and
publishing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from matchmaker import jobs
from matchmaker.api.errors import refusals
from matchmaker.api.rows import shape_of
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import MatchingRun, RoundPublic, RunState
from matchmaker.services import rosters as roster_service
from matchmaker.services import runs as run_service
from matchmaker.services.rosters import RosterEntry

ERRORS = refusals(
    forbidden="Only organisers manage matching runs",
    not_found="No such round, run or placement among the organiser's rounds",
    conflict="Not possible in the current state (round not closed or published, run in progress)",
)
router = APIRouter(prefix="/api", tags=["matching runs"], responses=ERRORS)


class RunRequest(BaseModel):
    """Solver settings of a new run."""

    model_config = ConfigDict(extra="forbid")
    time_limit: float | None = Field(
        default=run_service.DEFAULT_TIME_LIMIT_SECONDS,
        gt=0,
        le=run_service.MAX_TIME_LIMIT_SECONDS,
        description="seconds; null for no limit",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    workers: int = Field(default=1, ge=1, le=run_service.MAX_WORKERS)


class RunView(BaseModel):
    """A run with its progress (the fields the progress bar shows)."""

    id: int
    round_id: str
    state: RunState
    finished: bool
    elapsed_seconds: float
    time_limit: float | None
    best_objective: int | None
    best_bound: float | None
    gap: float | None
    percent: int | None
    status: str | None = Field(description="the result's status: OPTIMAL, FEASIBLE, INFEASIBLE")
    snapshot_sha256: str
    result_sha256: str | None = Field(
        description="SHA-256 of the result without its timing fields; re-solving the "
        "snapshot with the same parameters, seed and OR-Tools version gives the same"
    )
    ortools_version: str
    ortools_version_differs: bool = Field(
        description="the installed OR-Tools is another version than the run's"
    )
    parameters: dict[str, Any]
    seed: int
    error: str | None
    stop_requested_at: datetime | None = Field(
        description="when an organiser asked the run to stop (it then ends `stopped`)"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class RosterRow(BaseModel):
    """One application's standing in a run."""

    placement_id: int
    application_id: int
    firm: str = Field(description="the firm's id in the round's scenario")
    firm_name: str
    mission: str = Field(description="the mission's id in the round's scenario")
    mission_id: int
    rank: int
    status: str
    score: int | None
    locked: bool
    reason: str | None
    detail: str | None
    track_flag: str | None = Field(
        default=None,
        description="set when the firm's latest readiness scan recommends not_now or "
        "innovation_support: it was warned that no mission is advised now",
    )


def run_view(run: MatchingRun) -> RunView:
    progress = run_service.progress_of(run)
    return RunView(
        id=run.id or 0,
        round_id=run.round_id,
        state=run.state,
        finished=progress["finished"],
        elapsed_seconds=progress["elapsed_seconds"],
        time_limit=progress["time_limit"],
        best_objective=run.best_objective,
        best_bound=run.best_bound,
        gap=progress["gap"],
        percent=progress["percent"],
        status=progress["status"],
        snapshot_sha256=run.snapshot_sha256,
        result_sha256=run.result_sha256,
        ortools_version=run.ortools_version,
        ortools_version_differs=run_service.ortools_differs(run),
        parameters=run.parameters,
        seed=run.seed,
        error=run.error,
        stop_requested_at=run.stop_requested_at,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


def roster_row(entry: RosterEntry) -> RosterRow:
    placement = entry.placement
    return shape_of(
        RosterRow,
        placement,
        placement_id=placement.id or 0,
        firm=entry.firm_key,
        firm_name=entry.firm.name,
        mission=entry.mission.external_id,
        mission_id=entry.mission.id or 0,
        rank=entry.application.rank,
        status=str(placement.status),
        track_flag=entry.track_flag,
    )


@router.get("/rounds/{round_id}/runs")
def list_runs(session: SessionDep, user: CurrentUser, round_id: str) -> list[RunView]:
    """The round's runs, newest first."""
    run_service.visible_round(session=session, round_id=round_id, user=user)
    return [run_view(run) for run in run_service.list_runs(session=session, round_id=round_id)]


@router.post("/rounds/{round_id}/runs", status_code=status.HTTP_202_ACCEPTED)
def start_run(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    body: RunRequest | None = None,
) -> RunView:
    """Queue a run of the round as it is now, its locked placements kept; poll its progress."""
    body = body or RunRequest()
    options = run_service.solve_options(
        time_limit=body.time_limit, seed=body.seed, workers=body.workers
    )
    run = run_service.start_run(
        session=session,
        round_id=round_id,
        actor=user,
        options=options,
        enqueue=jobs.enqueuer(request.app),
    )
    return run_view(run)


@router.get("/runs/{run_id}")
def get_run(session: SessionDep, user: CurrentUser, run_id: int) -> RunView:
    """The run and its progress: state, elapsed time, best objective, bound and gap."""
    return run_view(run_service.visible_run(session=session, run_id=run_id, user=user))


@router.get("/runs/{run_id}/result")
def get_result(session: SessionDep, user: CurrentUser, run_id: int) -> dict[str, Any]:
    """The run's result file (matchmaker-result/1), once the run has ended with one."""
    run = run_service.visible_run(session=session, run_id=run_id, user=user)
    if run.result is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"run {run_id} has no result ({run.state})")
    return run.result


@router.get("/runs/{run_id}/scenario")
def get_input(session: SessionDep, user: CurrentUser, run_id: int) -> dict[str, Any]:
    """The scenario the run solved, exactly as stored (its SHA-256 is the run's digest)."""
    run = run_service.visible_run(session=session, run_id=run_id, user=user)
    return run.input_snapshot


@router.get("/runs/{run_id}/placements")
def get_roster(session: SessionDep, user: CurrentUser, run_id: int) -> list[RosterRow]:
    """Every application's standing in the run: placed with its score, or unplaced with the
    reason and detail."""
    run = run_service.visible_run(session=session, run_id=run_id, user=user)
    return [roster_row(entry) for entry in roster_service.roster(session=session, run=run)]


@router.post("/runs/{run_id}/restart", status_code=status.HTTP_202_ACCEPTED)
def restart_run(request: Request, session: SessionDep, user: CurrentUser, run_id: int) -> RunView:
    """Start a failed or interrupted run again: same parameters and seed, the round as now."""
    run = run_service.restart_run(
        session=session, run_id=run_id, actor=user, enqueue=jobs.enqueuer(request.app)
    )
    return run_view(run)


@router.post("/runs/{run_id}/stop")
def stop_run(session: SessionDep, user: CurrentUser, run_id: int) -> RunView:
    """Stop a queued run at once, or ask a running one to stop: within a few seconds it ends,
    state `stopped`, keeping the best roster found so far as a proposal (none if it had not
    found one yet). 409 once the run has ended."""
    return run_view(run_service.stop_run(session=session, run_id=run_id, actor=user))


@router.post("/runs/{run_id}/publish")
def publish_run(session: SessionDep, user: CurrentUser, run_id: int) -> RoundPublic:
    """Publish the run's roster: the round is published and every placement an offer."""
    round_row = roster_service.publish_run(session=session, run_id=run_id, actor=user)
    return RoundPublic.model_validate(round_row, from_attributes=True)


def _set_lock(session: SessionDep, user: CurrentUser, placement_id: int, locked: bool) -> RosterRow:
    placement = roster_service.set_lock(
        session=session, placement_id=placement_id, actor=user, locked=locked
    )
    return roster_row(roster_service.roster_entry(session=session, placement=placement))


@router.post("/placements/{placement_id}/lock")
def lock_placement(session: SessionDep, user: CurrentUser, placement_id: int) -> RosterRow:
    """Lock a placed application: every later run of the round must place it."""
    return _set_lock(session, user, placement_id, True)


@router.post("/placements/{placement_id}/unlock")
def unlock_placement(session: SessionDep, user: CurrentUser, placement_id: int) -> RosterRow:
    return _set_lock(session, user, placement_id, False)
