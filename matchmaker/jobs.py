"""The job runner: matching runs and meeting schedule runs in a worker thread of the server
(SQLite) or in `matchmaker worker` processes that take them from a procrastinate queue in
PostgreSQL.

The server calls `start(app)` when it starts and `stop(app)` when it stops. Starting marks
every run a crash or restart cut off as interrupted. With SQLite the jobs then run in one
worker thread of the server: the database is the queue (the oldest queued run is claimed
first), and a new run wakes the thread once its transaction commits. With PostgreSQL the
server only enqueues: the job is deferred in the same transaction that creates the run, so
there is never a run without its job or a job without its run, and any number of worker
processes, on any number of machines, take the jobs (procrastinate fetches with SKIP LOCKED).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from fastapi import FastAPI
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import URL
from sqlmodel import Session

from matchmaker import db
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import run_execution

if TYPE_CHECKING:  # procrastinate is imported where PostgreSQL needs it
    import procrastinate

logger = logging.getLogger(__name__)

QUEUE = "matching"
RUN_TASK = "matchmaker.run_matching"
RECOVER_TASK = "matchmaker.recover_runs"
MEETINGS_TASK = "matchmaker.schedule_meetings"
# A worker that sent no heartbeat for this long is taken for dead (procrastinate's default
# stalled-worker timeout; its workers beat every 10 seconds).
STALLED_WORKER_SECONDS = 30.0
# The in-process runner also looks for queued runs this often without being woken.
POLL_SECONDS = 2.0
STOP_WAIT_SECONDS = 5.0
# The in-process runner's solves run at this lower CPU priority (nice), so the server's
# requests get the cores first while a solve goes on.
RUNNER_NICENESS = 10
# Any constant; only processes preparing the same database need to agree on it.
_QUEUE_SCHEMA_LOCK_ID = 0x6D6A6F62  # "mjob"

_state_lock = threading.Lock()


# Each task's queueing lock: at most one job per run waits in the queue.
QUEUEING_LOCKS = {RUN_TASK: "matching-run", MEETINGS_TASK: "meeting-run"}


class JobQueue(Protocol):
    """Where a started job goes: `defer` is called inside the transaction that creates it,
    with the task that runs it (RUN_TASK: a matching run; MEETINGS_TASK: a schedule run)."""

    def defer(self, session: Session, run_id: int, task: str = RUN_TASK) -> None: ...

    def close(self) -> None: ...


def enqueuer(app: FastAPI, task: str = RUN_TASK) -> Callable[[Session, int], None]:
    """What a service calls to queue a job of this task in the application's queue."""
    queue = queue_for(app)

    def enqueue(session: Session, run_id: int) -> None:
        queue.defer(session, run_id, task)

    return enqueue


# --------------------------------------------------------------------------- server hooks


def start(app: FastAPI) -> None:
    """Start the application's job runner (idempotent: each start needs its own stop).

    The first start marks the runs a crash or restart cut off as interrupted.
    """
    _start(app, recover_runs=True)


def _start(app: FastAPI, *, recover_runs: bool) -> None:
    with _state_lock:
        queue = getattr(app.state, "job_queue", None)
        if queue is None:
            queue = _open_queue(app.state.engine, recover_runs=recover_runs)
            app.state.job_queue = queue
            app.state.job_queue_users = 0
        app.state.job_queue_users += 1


def stop(app: FastAPI) -> None:
    """Stop the runner once its last user stops; a solve still going is left to finish
    on its daemon thread (a restart marks it interrupted)."""
    with _state_lock:
        queue = getattr(app.state, "job_queue", None)
        if queue is None:
            return
        app.state.job_queue_users -= 1
        if app.state.job_queue_users > 0:
            return
        app.state.job_queue = None
    queue.close()


def queue_for(app: FastAPI) -> JobQueue:
    """The application's job queue. Started on first use if the lifespan did not start it,
    then without recovery: a request holds the database (SQLite's write lock) meanwhile."""
    queue = getattr(app.state, "job_queue", None)
    if queue is None:
        _start(app, recover_runs=False)
        queue = app.state.job_queue
    return queue


def _open_queue(engine: Engine, *, recover_runs: bool) -> JobQueue:
    if engine.dialect.name == "postgresql":
        prepare_queue(engine)
        if recover_runs:
            recover(engine)
        return ProcrastinateQueue(engine.url)
    if recover_runs:
        run_execution.recover_interrupted(engine=engine)
        schedule_service.recover_interrupted(engine=engine)
    return ThreadRunner(engine)


# --------------------------------------------------------------------------- SQLite: a thread


class ThreadRunner:
    """Runs queued matching and meeting schedule runs one at a time in a daemon thread of
    this process (matching runs first)."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="matching-runs", daemon=True)
        self._thread.start()

    def defer(self, session: Session, run_id: int, task: str = RUN_TASK) -> None:
        """Wake the thread once the run's transaction commits (it takes every task)."""
        event.listen(session, "after_commit", self._after_commit, once=True)

    def _after_commit(self, _session: Session) -> None:
        self._wake.set()

    def close(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._thread.join(STOP_WAIT_SECONDS)

    def _loop(self) -> None:
        lower_thread_priority(RUNNER_NICENESS)
        while not self._stopping.is_set():
            try:
                run_id = run_execution.next_queued_run(engine=self._engine)
                if run_id is not None:
                    run_execution.execute_run(engine=self._engine, run_id=run_id)
                    continue
                schedule_id = schedule_service.next_queued_run(engine=self._engine)
                if schedule_id is not None:
                    schedule_service.execute_schedule(engine=self._engine, run_id=schedule_id)
                    continue
            except Exception:  # a database hiccup must not end the runner
                logger.exception("matching run job failed")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()


def lower_thread_priority(niceness: int) -> None:
    """Raise the calling thread's nice value by `niceness` (Linux keeps it per thread, and
    threads it starts inherit it); where that is not possible, nothing changes."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + niceness)
    except (AttributeError, OSError):  # no setpriority (Windows) or not allowed
        logger.debug("could not lower the job runner's priority", exc_info=True)


# --------------------------------------------------------------------------- PostgreSQL


def conninfo(url: URL | str) -> str:
    """A libpq connection string (URI) for a SQLAlchemy PostgreSQL URL."""
    parsed = db.normalise_database_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def queue_app(url: URL | str) -> procrastinate.App:
    """The procrastinate application of this database, with the matching tasks."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
    app.task(name=RUN_TASK, queue=QUEUE, pass_context=True)(_run_matching_task)
    app.task(name=MEETINGS_TASK, queue=QUEUE, pass_context=True)(_schedule_meetings_task)
    app.periodic(cron="* * * * *")(
        app.task(name=RECOVER_TASK, queue=QUEUE, pass_context=True)(_recover_runs_task)
    )
    return app


def _run_matching_task(context: procrastinate.JobContext, run_id: int) -> None:
    engine: Engine = context.additional_context["engine"]
    run_execution.execute_run(engine=engine, run_id=run_id)


def _schedule_meetings_task(context: procrastinate.JobContext, run_id: int) -> None:
    engine: Engine = context.additional_context["engine"]
    schedule_service.execute_schedule(engine=engine, run_id=run_id)


def _recover_runs_task(context: procrastinate.JobContext, timestamp: int) -> None:
    engine: Engine = context.additional_context["engine"]
    recover(engine)


class ProcrastinateQueue:
    """Defers each run as a procrastinate job in the transaction that creates the run."""

    def __init__(self, url: URL):
        self._app = queue_app(url)

    def defer(self, session: Session, run_id: int, task: str = RUN_TASK) -> None:
        connection = session.connection().connection.driver_connection
        self._app.configure_task(
            task, connection=connection, queueing_lock=f"{QUEUEING_LOCKS[task]}-{run_id}"
        ).defer(run_id=run_id)

    def close(self) -> None:
        """Nothing to close: deferring borrows the caller's connection."""


def prepare_queue(engine: Engine) -> None:
    """Install procrastinate's tables and functions in the database, once (part of setup)."""
    if engine.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    with engine.begin() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_QUEUE_SCHEMA_LOCK_ID})")
        installed = connection.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar()
        if installed is None:
            raw: Any = connection.connection.driver_connection
            raw.execute(SchemaManager.get_schema())


def _alive_runs(session: Session, task: str = RUN_TASK) -> set[int]:
    """Runs whose job waits in the queue or is being done by a worker with a fresh heartbeat."""
    rows = session.execute(
        text(
            "SELECT j.args FROM procrastinate_jobs j "
            "LEFT JOIN procrastinate_workers w ON w.id = j.worker_id "
            "WHERE j.task_name = :task AND (j.status = 'todo' OR (j.status = 'doing' "
            "AND w.last_heartbeat > now() - make_interval(secs => :stalled)))"
        ),
        {"task": task, "stalled": STALLED_WORKER_SECONDS},
    ).all()
    return {int(args["run_id"]) for (args,) in rows if "run_id" in args}


def recover(engine: Engine) -> list[int]:
    """Mark interrupted every queued or running run (matching or meeting schedule) whose job
    is gone or whose worker died; returns the matching runs marked."""
    postgres = engine.dialect.name == "postgresql"
    alive: Callable[[Session], set[int]] | None = _alive_runs if postgres else None
    marked = run_execution.recover_interrupted(engine=engine, still_alive=alive)
    schedule_service.recover_interrupted(
        engine=engine,
        still_alive=(lambda session: _alive_runs(session, MEETINGS_TASK)) if postgres else None,
    )
    return marked


async def _fail_stalled_jobs(app: procrastinate.App) -> None:
    """Close the jobs of workers that died mid-run, so they do not stay 'doing' forever."""
    from procrastinate.jobs import Status

    stalled = [
        job
        for task in (RUN_TASK, MEETINGS_TASK)
        for job in await app.job_manager.get_stalled_jobs(
            task_name=task, seconds_since_heartbeat=STALLED_WORKER_SECONDS
        )
    ]
    for job in stalled:
        if job.id is not None:
            await app.job_manager.finish_job_by_id_async(
                job_id=job.id, status=Status.FAILED, delete_job=False
            )


def run_worker(
    *,
    database_url: URL | str,
    burst: bool = False,
    name: str | None = None,
    install_signal_handlers: bool = True,
) -> None:
    """Take matching runs from the PostgreSQL queue until stopped (or, with burst, until
    the queue is empty). Any number of these may run, on any number of machines."""
    engine = db.create_db_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise ValueError(
            "the worker needs PostgreSQL; with SQLite `matchmaker serve` runs the jobs itself"
        )
    try:
        db.upgrade_to_head(engine)
        prepare_queue(engine)
        app = queue_app(engine.url)

        async def work() -> None:
            async with app.open_async():
                await _fail_stalled_jobs(app)
                await asyncio.to_thread(recover, engine)
                await app.run_worker_async(
                    queues=[QUEUE],
                    name=name,
                    concurrency=1,  # solves are CPU-bound: one per process
                    wait=not burst,
                    listen_notify=not burst,
                    install_signal_handlers=install_signal_handlers,
                    delete_jobs="successful",
                    additional_context={"engine": engine},
                )

        asyncio.run(work())
    finally:
        engine.dispose()
