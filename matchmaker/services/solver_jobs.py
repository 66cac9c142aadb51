"""The life of a solver job, the same for matching runs and meeting schedules.

A job moves queued -> running -> succeeded | failed | stopped, or to interrupted when a
crash or restart cut it off. `execute` claims a queued job, solves it outside any
transaction while a `ProgressWriter` thread writes throttled progress (and a heartbeat) and
watches for a stop request, then stores the outcome in ONE transaction that first checks the
job is still running, so a crash, a stop or a competing recovery never leaves half an answer.
An organiser stops a job with `request_stop`: a queued job is stopped at once; a running one
is told through the database (it may run in another process) and ends with the best answer
its solver found by then, stored like any other and marked stopped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, exists, or_, update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from matchmaker import db, i18n
from matchmaker.models import RunState, User
from matchmaker.models.common import utcnow
from matchmaker.models.solver_runs import SolverRunBase
from matchmaker.optimisation.stopping import StopRequest, stoppable
from matchmaker.services import audit, read_back
from matchmaker.services.errors import Conflict

ACTIVE_STATES = (RunState.queued, RunState.running)
# States from which an organiser may start the same job again.
RESTARTABLE_STATES = (RunState.failed, RunState.stopped, RunState.interrupted)
# At most one progress write per interval; a heartbeat write at least this often otherwise.
# The stop flag is read once per interval too.
PROGRESS_INTERVAL_SECONDS = 0.5
HEARTBEAT_SECONDS = 5.0
# Solver threads a job may use (the same limit for every kind of job).
MAX_WORKERS = 8


# How a person calls each kind of job (JobKind.noun), for the catalogue: said translated.
_NOUNS = (i18n.mark("run"), i18n.mark("schedule run"))


class JobRefused(Conflict):
    """The job cannot be started, stopped or changed now (HTTP 409)."""


@dataclass(frozen=True, slots=True)
class JobKind:
    """What differs between kinds of job: their table and the words of their audit trail."""

    model: type[SolverRunBase]
    action: str  # audit action prefix, e.g. "run" -> "run.running", "run.stopped"
    object_type: str  # audit object type: the table name
    noun: str  # how a person calls one job: "run", "schedule run"
    again: str  # what the organiser does after a cut-off: "start it again"
    stopped_empty: str  # the error of a job stopped before its solver found any answer
    summary: Callable[[dict[str, Any]], dict[str, Any]]  # audit fields of a result document


# --------------------------------------------------------------------------- rows and marks


def locked(session: Session, kind: JobKind, run_id: int) -> Any:
    """The job's row, locked for the transaction, without its input snapshot (large)."""
    model: Any = kind.model
    return session.exec(
        select(model)
        .where(model.id == run_id)
        .options(defer(model.input_snapshot))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def mark(
    session: Session,
    kind: JobKind,
    run: SolverRunBase,
    state: RunState,
    error: str | None,
    *,
    actor: User | None = None,
) -> None:
    """Move the job to `state` (with its error, if any) and record it in the audit trail."""
    before = run.state
    run.state = state
    run.error = error
    if state != RunState.running:
        run.finished_at = utcnow()
    after: dict[str, Any] = {"state": state.value}
    if error is not None:
        after["error"] = error
    if run.result is not None:
        after.update(kind.summary(run.result))
    audit.record(
        session=session,
        actor=actor,
        action=f"{kind.action}.{state.value}",
        object_type=kind.object_type,
        object_id=run.id or 0,
        before={"state": str(before)},
        after=after,
    )


def has_answer(run: SolverRunBase) -> bool:
    """Whether the job ended with an answer (a roster, a schedule): succeeded, or stopped
    after its solver had found one."""
    found = (run.result or {}).get("status") in ("OPTIMAL", "FEASIBLE")
    return run.state in (RunState.succeeded, RunState.stopped) and found


def kept_answer(model: Any, answer_run_id: Any) -> ColumnElement[bool]:
    """The jobs of this model that kept an answer: succeeded, or stopped with answer rows
    (placements, scheduled meetings: `answer_run_id` is their run column) found by then."""
    stopped_with_answer = and_(
        col(model.state) == RunState.stopped,
        exists().where(col(answer_run_id) == col(model.id)),
    )
    return or_(col(model.state) == RunState.succeeded, stopped_with_answer)


def next_queued(*, engine: Engine, kind: JobKind) -> int | None:
    """The oldest queued job of this kind, if any (a read that takes no write lock)."""
    model: Any = kind.model
    with Session(engine) as session:
        session.connection(execution_options={db.READ_ONLY: True})
        return session.exec(
            select(model.id).where(model.state == RunState.queued).order_by(model.id).limit(1)
        ).first()


def active_ids(*, engine: Engine, kind: JobKind) -> list[int]:
    """The jobs of this kind that are queued or running."""
    model: Any = kind.model
    with Session(engine) as session:
        session.connection(execution_options={db.READ_ONLY: True})
        ids = session.exec(select(model.id).where(col(model.state).in_(ACTIVE_STATES))).all()
        return [run_id for run_id in ids if run_id is not None]


# --------------------------------------------------------------------------- execute

# The solve of a job: given the job (detached, with its snapshot) and the progress callback,
# it returns what `Store` needs. It runs outside any transaction.
Solve = Callable[[Any, Callable[[Any], None]], Any]
# Stores a solved job's answer in the finishing transaction (the job row locked, still
# running) and returns None, or returns why there is no answer to store (nothing stored).
Store = Callable[[Session, Any, Any], "str | None"]


def execute(*, engine: Engine, kind: JobKind, run_id: int, solve: Solve, store: Store) -> Any:
    """Claim a queued job, solve it and store the outcome; the final state, or None if the
    job was not queued (or left running meanwhile).

    Runs in a worker thread or a worker process, never in a request. Every database write
    is its own short transaction; the answer is stored in one.
    """
    run = _claim(engine, kind, run_id)
    if run is None:
        return None
    stop = StopRequest()
    writer = ProgressWriter(engine, kind, run_id, stop)
    writer.start()
    try:
        with stoppable(stop):
            solved = solve(run, writer.update)
    except Exception as error:  # any failure of the solve fails the job, with its message
        writer.stop()
        return finish_failed(engine, kind, run_id, f"{type(error).__name__}: {error}")
    writer.stop()
    try:
        with db.session_scope(engine) as session:
            row = locked(session, kind, run_id)
            if row is None or row.state != RunState.running:
                return None  # interrupted meanwhile (recovery after a missed heartbeat)
            missing = store(session, row, solved)
            if stop.requested:
                state, error = RunState.stopped, (kind.stopped_empty if missing else None)
            elif missing is None:
                state, error = RunState.succeeded, None
            else:
                state, error = RunState.failed, missing
            mark(session, kind, row, state, error)
            return state
    except Exception as error:  # e.g. the database refused the answer
        return finish_failed(engine, kind, run_id, f"storing the result failed: {error}")


def _claim(engine: Engine, kind: JobKind, run_id: int) -> Any:
    """Mark a queued job running; the job (detached, with its snapshot), or None."""
    with db.session_scope(engine) as session:
        run = locked(session, kind, run_id)
        if run is None or run.state != RunState.queued:
            return None
        run.started_at = run.progress_at = utcnow()
        mark(session, kind, run, RunState.running, None)
    with Session(engine) as session:
        session.connection(execution_options={db.READ_ONLY: True})
        run = session.get(kind.model, run_id)
        assert run is not None
        _ = run.input_snapshot  # loaded before the session closes
        session.expunge(run)
        return run


def finish_failed(engine: Engine, kind: JobKind, run_id: int, error: str) -> RunState | None:
    with db.session_scope(engine) as session:
        run = locked(session, kind, run_id)
        if run is None or run.state != RunState.running:
            return None
        mark(session, kind, run, RunState.failed, error)
        return RunState.failed


class ProgressWriter:
    """Keeps the solver's latest progress in memory and writes it at most every
    PROGRESS_INTERVAL_SECONDS (and every HEARTBEAT_SECONDS even without news), from its
    own thread, so the solver's callback never waits for the database. On each tick it also
    reads the job's stop request and, once there is one, stops the solve."""

    def __init__(self, engine: Engine, kind: JobKind, run_id: int, stop: StopRequest):
        self._engine = engine
        self._kind = kind
        self._run_id = run_id
        self._stop = stop
        self._lock = threading.Lock()
        self._latest: Any = None
        self._dirty = False
        self._stopped = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(
            target=self._loop, name=f"{kind.action}-{run_id}-progress", daemon=True
        )

    def update(self, progress: Any) -> None:
        """The solver's callback: remember its report (objective and bound)."""
        with self._lock:
            self._latest = progress
            self._dirty = True

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _loop(self) -> None:
        last_write = time.monotonic()
        while not self._stopped.wait(PROGRESS_INTERVAL_SECONDS):
            if self._stop.requested or self._stop_requested():
                self._stop.stop()  # again each tick: reaches a search that began since
            with self._lock:
                latest, dirty = self._latest, self._dirty
                self._dirty = False
            if dirty or time.monotonic() - last_write >= HEARTBEAT_SECONDS:
                self._write(latest)
                last_write = time.monotonic()

    def _stop_requested(self) -> bool:
        model: Any = self._kind.model
        try:
            with Session(self._engine) as session:
                session.connection(execution_options={db.READ_ONLY: True})
                requested = session.exec(
                    select(model.stop_requested_at).where(model.id == self._run_id)
                ).first()
        except Exception:  # the next tick asks again
            return False
        return requested is not None

    def _write(self, progress: Any) -> None:
        model: Any = self._kind.model
        values: dict[str, Any] = {
            "elapsed_seconds": round(time.monotonic() - self._started, 3),
            "progress_at": utcnow(),
        }
        if progress is not None:
            values["best_objective"] = progress.objective
            values["best_bound"] = progress.bound
        try:
            with db.session_scope(self._engine) as session:
                session.execute(
                    update(model)
                    .where(col(model.id) == self._run_id, col(model.state) == RunState.running)
                    .values(**values)
                )
        except Exception:  # progress is best effort; the result is what counts
            return


# --------------------------------------------------------------------------- stop, recovery


def request_stop(*, session: Session, kind: JobKind, run: SolverRunBase, actor: User) -> Any:
    """Stop a queued job at once, or ask a running one to stop (it then ends with the best
    answer found so far, marked stopped). JobRefused when the job has already ended.

    The caller has checked that the actor may see the job."""
    run_id = run.id or 0
    try:
        row = locked(session, kind, run_id)
        if row is None or row.state not in ACTIVE_STATES:
            state = row.state if row is not None else run.state
            raise JobRefused(
                i18n.gettext(
                    "%(job)s %(id)s is %(state)s; only a queued or running %(job)s can be stopped",
                    job=i18n.gettext(kind.noun),
                    id=run_id,
                    state=i18n.gettext(str(state)),
                )
            )
        if row.state == RunState.queued:  # nothing found yet, nothing to keep
            row.stop_requested_at = utcnow()
            mark(session, kind, row, RunState.stopped, "stopped before it started", actor=actor)
        elif row.stop_requested_at is None:  # asking again changes nothing
            row.stop_requested_at = utcnow()
            audit.record(
                session=session,
                actor=actor,
                action=f"{kind.action}.stop",
                object_type=kind.object_type,
                object_id=run_id,
                before={"state": str(row.state)},
                after={"stop_requested": True},
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    read_back(session, row)
    return row


def recover_interrupted(
    *, engine: Engine, kind: JobKind, still_alive: Callable[[Session], set[int]] | None = None
) -> list[int]:
    """Mark every queued or running job of this kind interrupted, except those whose job is
    still alive; the ids marked.

    Called when the application starts (and by PostgreSQL workers): a job left queued or
    running then was cut off by a crash or a restart. Its answer was never written, because
    an answer is stored in one transaction. `still_alive` names the jobs a job queue still
    holds; it is asked after the jobs are locked, so a job started meanwhile is not touched.
    """
    model: Any = kind.model
    with db.session_scope(engine) as session:
        runs = session.exec(
            select(model)
            .where(col(model.state).in_(ACTIVE_STATES))
            .order_by(model.id)
            .with_for_update()
        ).all()
        alive = still_alive(session) if still_alive is not None and runs else set()
        interrupted = []
        for run in runs:
            if run.id in alive:
                continue
            message = f"cut off while {run.state} by a crash or restart; {kind.again}"
            mark(session, kind, run, RunState.interrupted, message)
            interrupted.append(run.id or 0)
        return interrupted


def progress(run: SolverRunBase, *, percent: int | None, **extra: Any) -> dict[str, Any]:
    """What a job's progress bar shows, the same for every kind of job: its state, whether
    it has ended, the time used and allowed, the best objective and bound, how far it is
    (`percent`, None while nothing is known) and whether a stop was asked; `extra` adds
    what one kind of job says besides (a run's round and gap, a schedule's counts)."""
    return {
        "run": run.id,
        "state": str(run.state),
        "finished": run.state not in ACTIVE_STATES,
        "elapsed_seconds": round(run.elapsed_seconds or 0.0, 1),
        "time_limit": (run.parameters or {}).get("time_limit"),
        "best_objective": run.best_objective,
        "best_bound": run.best_bound,
        "percent": percent,
        "error": run.error,
        "stop_requested": run.stop_requested_at is not None,
        **extra,
    }
