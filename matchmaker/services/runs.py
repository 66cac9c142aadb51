"""Matching runs: start one for a round, stop it (executing it as a background job and
recovering cut-off runs: run_execution.py; their rosters, locks and publishing: rosters.py).

A run moves queued -> running -> succeeded | failed | stopped, or to interrupted when a crash
or restart cut it off (marked at the next start; such a run, like a failed or stopped one,
can be started again). Starting a run snapshots the round as a scenario document (with its locked
placements) and stores it with its SHA-256, the index from its (firm, mission) pairs to
application ids, the OR-Tools version, the parameters and the seed, so the run can be
reproduced. The solve happens outside any transaction; its progress
is written in small throttled updates, and its result (the result document with its digest,
and one Placement row per application, placed or not) in ONE transaction that first checks
the run is still running, so a crash or a competing recovery never leaves a half-written roster.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlmodel import Session, col, select

from matchmaker import db
from matchmaker.i18n import gettext
from matchmaker.models import (
    MatchingRun,
    Placement,
    Role,
    Round,
    RoundStatus,
    RunState,
    User,
)
from matchmaker.optimisation import SolveOptions, solve_scenario_document
from matchmaker.services import audit, read_back, solver_jobs
from matchmaker.services.errors import NotFound
from matchmaker.services.scenario_exports import take_snapshot
from matchmaker.services.solver_jobs import (
    ACTIVE_STATES,
    MAX_WORKERS,
    RESTARTABLE_STATES,
    JobKind,
    JobRefused,
)

DEFAULT_TIME_LIMIT_SECONDS = 60.0
# Matching runs only on a closed round: while it is open (or a draft) firms may still apply
# and change their applications, so a roster of it would be out of date at once.
CLOSE_FIRST = (
    "Sluit eerst de ronde: een matching draait alleen op een gesloten ronde, als niemand "
    "meer kan aanmelden. / Close the round first: a matching run only runs on a closed "
    "round, once no firm can apply any more."
)
MAX_TIME_LIMIT_SECONDS = 3600.0


# Called with the session and the new run's id inside the starting transaction: the job
# queue either enqueues in that transaction (PostgreSQL) or once it commits (SQLite).
Enqueue = Callable[[Session, int], None]


class RunRefused(JobRefused):
    """The run cannot be started, stopped, published, or its placements changed now (409)."""


def _result_summary(result: dict[str, Any]) -> dict[str, Any]:
    return {"status": result.get("status"), "objective": result.get("objective")}


MATCHING = JobKind(
    model=MatchingRun,
    action="run",
    object_type="matching_run",
    noun="run",
    again="start it again",
    stopped_empty="stopped before a roster was found; start it again to let it search longer",
    summary=_result_summary,
)


# --------------------------------------------------------------------------- access


def ortools_version() -> str:
    try:
        return version("ortools")
    except PackageNotFoundError:  # pragma: no cover - ortools is a dependency
        return "unknown"


def visible_round(*, session: Session, round_id: str, user: User) -> Round:
    """The round if this organiser may see it: its organisation's, or one owned by nobody
    (imported by the command line). Anything else is NotFound, as if it did not exist."""
    round_row = session.get(Round, round_id)
    if (
        round_row is None
        or str(user.role) != Role.organiser
        or round_row.organisation_id not in (None, user.organisation_id)
    ):
        raise NotFound("round", round_id)
    return round_row


def check_visible_round(
    *, session: Session, round_id: str, user: User, noun: str, key: str | int
) -> None:
    """NotFound(noun, key) unless the organiser may see the round: a thing in someone
    else's round is not found itself (its round is never named)."""
    try:
        visible_round(session=session, round_id=round_id, user=user)
    except NotFound:
        raise NotFound(noun, key) from None


def visible_run(*, session: Session, run_id: int, user: User) -> MatchingRun:
    run = session.get(MatchingRun, run_id)
    if run is None:
        raise NotFound("run", run_id)
    check_visible_round(session=session, round_id=run.round_id, user=user, noun="run", key=run_id)
    return run


def lock_round(session: Session, round_id: str, *, for_update: bool = True) -> Round | None:
    """The round row, locked for the rest of the transaction (SELECT ... FOR UPDATE).

    On PostgreSQL this serialises every change to a round's runs and placements. SQLite
    ignores FOR UPDATE, but its write transactions are IMMEDIATE, which serialises them all.
    """
    query = select(Round).where(Round.id == round_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).first()


def list_runs(*, session: Session, round_id: str) -> Sequence[MatchingRun]:
    """The round's runs, newest first."""
    return session.exec(
        select(MatchingRun)
        .where(MatchingRun.round_id == round_id)
        .order_by(col(MatchingRun.id).desc())
    ).all()


def current_run(*, session: Session, round_id: str) -> MatchingRun | None:
    """The round's newest run with a roster: succeeded, or stopped with the best roster
    found by then (a proposal like any other). See roster_run for the roster people see."""
    return session.exec(
        select(MatchingRun)
        .where(
            MatchingRun.round_id == round_id,
            solver_jobs.kept_answer(MatchingRun, Placement.run_id),
        )
        .order_by(col(MatchingRun.id).desc())
        .limit(1)
    ).first()


def has_roster(run: MatchingRun) -> bool:
    """Whether the run ended with a roster: succeeded, or stopped after finding one."""
    return solver_jobs.has_answer(run)


def published_run(*, session: Session, round_row: Round) -> MatchingRun | None:
    """The run whose roster the round published (None until it is published): what firms,
    branch organisations and exports see, whatever runs exist besides."""
    if round_row.status != RoundStatus.published or round_row.published_run_id is None:
        return None
    return session.get(MatchingRun, round_row.published_run_id)


def roster_run(*, session: Session, round_row: Round) -> MatchingRun | None:
    """The round's roster: the published run once published, before that the newest
    succeeded run (the draft the organiser reviews)."""
    if round_row.status == RoundStatus.published:
        return published_run(session=session, round_row=round_row)
    return current_run(session=session, round_id=round_row.id)


def active_run(*, session: Session, round_id: str) -> MatchingRun | None:
    return session.exec(
        select(MatchingRun)
        .where(MatchingRun.round_id == round_id, col(MatchingRun.state).in_(ACTIVE_STATES))
        .order_by(col(MatchingRun.id))
        .limit(1)
    ).first()


# --------------------------------------------------------------------------- start


def solve_options(
    *, time_limit: float | None = DEFAULT_TIME_LIMIT_SECONDS, seed: int = 0, workers: int = 1
) -> SolveOptions:
    """Checked solver options for a run (the limits keep one run from hogging a worker)."""
    if time_limit is not None and not 0 < time_limit <= MAX_TIME_LIMIT_SECONDS:
        raise ValueError(f"time_limit must be between 0 and {MAX_TIME_LIMIT_SECONDS:g} seconds")
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers must be between 1 and {MAX_WORKERS}")
    if seed < 0:
        raise ValueError("seed must be 0 or more")
    return SolveOptions(time_limit=time_limit, seed=seed, workers=workers)


def snapshot_digest(document: dict[str, Any]) -> str:
    """SHA-256 of the scenario document in a canonical JSON spelling (sorted keys, no spaces)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Result fields that measure the machine, not the roster: left out of the result digest.
TIMING_FIELDS = ("solve_seconds",)


def result_digest(document: dict[str, Any]) -> str:
    """SHA-256 of a result document without its timing fields (TIMING_FIELDS), in the
    canonical JSON spelling of snapshot_digest (sorted keys, no spaces, UTF-8).

    Everything else counts: status, objective, bound and gap, every placement with its
    score, every unplaced application with its reason and detail, the per-mission figures,
    region shortfalls, budget, metrics, infeasibility explanations and the parameters.
    """
    kept = {key: value for key, value in document.items() if key not in TIMING_FIELDS}
    return snapshot_digest(kept)


def resolve_snapshot(run: MatchingRun) -> dict[str, Any]:
    """Solve the run's stored snapshot again with its stored parameters and seed, and give
    the result document (not stored: this is how a run is checked to be reproducible)."""
    return solve_scenario_document(run.input_snapshot, options_of(run))[1]


def ortools_differs(run: MatchingRun) -> bool:
    """Whether the run was made with another OR-Tools version than the one installed
    (re-solving its snapshot may then give another roster)."""
    return run.ortools_version != ortools_version()


def start_run(
    *,
    session: Session,
    round_id: str,
    actor: User,
    options: SolveOptions,
    enqueue: Enqueue,
) -> MatchingRun:
    """Queue a matching run of the round as it is now, its locked placements included.

    Raises NotFound (not the organiser's round), RunRefused (the round is not closed: open,
    a draft or published; or a run is already queued or running) and Invalid (the round is
    not a valid scenario).

    The round is exported in a read transaction of its own (one consistent snapshot, no
    write lock: on SQLite other writers go on meanwhile); only checking the round and adding
    the run row happen under the write lock, with the checks repeated there. A change that
    commits between the two is treated like one made just after the run started.
    """
    visible_round(session=session, round_id=round_id, user=actor)
    try:
        session.rollback()  # ends the request's transaction (it only read) and its lock
        db.begin_snapshot_read(session)
        _check_startable(session, round_id, for_update=False)
        snapshot = take_snapshot(session=session, round_id=round_id)
        document = snapshot.document
        digest = snapshot_digest(document)
        session.rollback()  # ends the read; nothing was written
        _check_startable(session, round_id, for_update=True)
        run = MatchingRun(
            round_id=round_id,
            state=RunState.queued,
            input_snapshot=document,
            snapshot_sha256=digest,
            application_index=snapshot.index_rows(),
            ortools_version=ortools_version(),
            parameters=options.to_dict(),
            seed=options.seed,
            created_by=actor.id,
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        audit.record(
            session=session,
            actor=actor,
            action="run.start",
            object_type="matching_run",
            object_id=run.id,
            after={
                "round": round_id,
                "state": RunState.queued.value,
                "snapshot_sha256": run.snapshot_sha256,
                "locked": len(document["locked"]),
                "parameters": run.parameters,
            },
        )
        enqueue(session, run.id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    read_back(session, run)
    return run


def _check_startable(session: Session, round_id: str, *, for_update: bool) -> None:
    """RunRefused if the round is published, not closed, or has a run queued or running
    (with for_update, the round row is locked first: the check holds until the commit)."""
    round_row = lock_round(session, round_id, for_update=for_update)
    if round_row is None:
        raise NotFound("round", round_id)
    if round_row.status == RoundStatus.published:
        raise RunRefused(
            gettext(
                "the round is published: its roster is final, and places that come free go "
                "to the waiting list"
            )
        )
    if round_row.status != RoundStatus.closed:
        raise RunRefused(CLOSE_FIRST)
    running = active_run(session=session, round_id=round_id)
    if running is not None:
        raise RunRefused(
            gettext(
                "run %(run)s of this round is still %(state)s",
                run=running.id,
                state=gettext(str(running.state)),
            )
        )


def restart_run(*, session: Session, run_id: int, actor: User, enqueue: Enqueue) -> MatchingRun:
    """Start a failed or interrupted run again: a new run of the round as it is now, with
    the same parameters and seed."""
    run = visible_run(session=session, run_id=run_id, user=actor)
    if run.state not in RESTARTABLE_STATES:
        raise RunRefused(
            gettext(
                "run %(run)s is %(state)s; only failed, stopped or interrupted runs restart",
                run=run.id,
                state=gettext(str(run.state)),
            )
        )
    return start_run(
        session=session,
        round_id=run.round_id,
        actor=actor,
        options=options_of(run),
        enqueue=enqueue,
    )


def options_of(run: MatchingRun) -> SolveOptions:
    parameters = run.parameters or {}
    return SolveOptions(
        time_limit=parameters.get("time_limit"),
        workers=int(parameters.get("workers", 1)),
        seed=run.seed,
        engine=str(parameters.get("engine", "auto")),
    )


# --------------------------------------------------------------------------- stop


def stop_run(*, session: Session, run_id: int, actor: User) -> MatchingRun:
    """Stop a queued run, or ask a running one to stop: it then keeps the best roster found
    so far as a proposal, marked stopped. NotFound if not the organiser's; JobRefused once
    the run has ended."""
    run = visible_run(session=session, run_id=run_id, user=actor)
    return solver_jobs.request_stop(session=session, kind=MATCHING, run=run, actor=actor)


# --------------------------------------------------------------------------- progress


def progress_of(run: MatchingRun) -> dict[str, Any]:
    """What the progress bar shows: state, elapsed time, best objective, bound and gap.

    `percent` is how close the best roster is to the bound (100 when the run ended with a
    roster), or None while nothing is known yet (the bar then shows that work goes on).
    """
    finished = run.state not in ACTIVE_STATES
    objective, bound = run.best_objective, run.best_bound
    gap = None
    if objective is not None and bound is not None:
        gap = round(abs(bound - objective) / max(1, abs(objective)), 6)
    percent: int | None = None
    measured = objective is not None and bound is not None and bound > 0 and objective >= 0
    if run.state == RunState.succeeded:
        percent = 100
    elif run.state == RunState.stopped and has_roster(run) and measured:
        percent = min(100, int(100 * objective / bound))  # type: ignore[operator]
    elif finished:
        percent = 0
    elif measured:
        percent = min(99, int(100 * objective / bound))  # type: ignore[operator]
    return solver_jobs.progress(
        run,
        percent=percent,
        round=run.round_id,
        gap=gap,
        status=(run.result or {}).get("status"),
    )
