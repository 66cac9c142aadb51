"""Scheduling a meeting day as a background job, locks kept by re-runs, and publishing.

"Schedule all" works like a matching run (services/runs.py): the day is snapshotted as a
matchmaker-meetings/1 document with its SHA-256, the OR-Tools version, parameters and
seed; the job runner (a server thread on SQLite, procrastinate workers on PostgreSQL)
solves it outside any transaction, writes throttled progress, and stores the result
document with one ScheduledMeeting per request in ONE transaction that first checks the
run is still running. Runs a crash or restart cut off are marked interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    MeetingDay,
    MeetingDayStatus,
    MeetingRequest,
    MeetingScheduleRun,
    RunState,
    ScheduledMeeting,
    User,
)
from matchmaker.models.common import utcnow
from matchmaker.optimisation.meetings import (
    MeetingProblemError,
    solve_meetings,
    validate,
)
from matchmaker.services import read_back, solver_jobs
from matchmaker.services import runs as run_service
from matchmaker.services.errors import Invalid
from matchmaker.services.meetings import (
    ACTIVE_STATES,
    DEFAULT_TIME_LIMIT_SECONDS,
    DEFAULT_WORKERS,
    MAX_TIME_LIMIT_SECONDS,
    NOT_PLACED,
    Enqueue,
    MeetingRefused,
    active_run,
    build_document,
    current_schedule,
    editable_day,
    visible_day,
    visible_request,
    visible_run,
)
from matchmaker.services.row_audit import record_change
from matchmaker.services.solver_jobs import MAX_WORKERS, JobKind
from matchmaker.services.transactions import committing


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    time_limit: float = DEFAULT_TIME_LIMIT_SECONDS
    seed: int = 0
    workers: int = DEFAULT_WORKERS

    def __post_init__(self) -> None:
        problems = {}
        if not 0 < self.time_limit <= MAX_TIME_LIMIT_SECONDS:
            problems["time_limit"] = gettext(
                "between 0 and %(most)s seconds", most=f"{MAX_TIME_LIMIT_SECONDS:g}"
            )
        if not 0 <= self.seed <= 2**31 - 1:
            problems["seed"] = gettext("0 or more")
        if not 1 <= self.workers <= MAX_WORKERS:
            problems["workers"] = gettext("between 1 and %(most)s", most=MAX_WORKERS)
        if problems:
            raise Invalid(problems)

    def to_dict(self) -> dict[str, Any]:
        return {"time_limit": self.time_limit, "seed": self.seed, "workers": self.workers}


def start_schedule(
    *,
    session: Session,
    mission_id: int,
    actor: User,
    options: ScheduleOptions,
    enqueue: Enqueue,
) -> MeetingScheduleRun:
    """Queue "schedule all" of the day as it is now (locks kept). Refused when published,
    while a run is queued or running, or with no requests to schedule."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    with committing(session):
        day = editable_day(session, day)
        running = active_run(session=session, day=day)
        if running is not None:
            raise MeetingRefused(
                gettext(
                    "schedule run %(run)s is still %(state)s", run=running.id, state=running.state
                )
            )
        document, left_out = build_document(session=session, day=day)
        if not document["requested"]:
            raise MeetingRefused(
                gettext("there are no meeting requests of placed firms to schedule")
            )
        try:
            validate(document)
        except MeetingProblemError as error:  # our own document: a bug if it happens
            message = "the day cannot be scheduled: " + "; ".join(error.problems)
            raise MeetingRefused(message) from None
        run = MeetingScheduleRun(
            meeting_day_id=day.id or 0,
            state=RunState.queued,
            input_snapshot=document,
            snapshot_sha256=run_service.snapshot_digest(document),
            ortools_version=run_service.ortools_version(),
            parameters={**options.to_dict(), "left_out": left_out},
            seed=options.seed,
            day_version=day.version,
            created_by=actor.id,
        )
        session.add(run)
        session.flush()
        record_change(
            session=session,
            actor=actor,
            action="meeting_schedule.start",
            row=run,
            after={
                "day": day.id,
                "state": RunState.queued.value,
                "snapshot_sha256": run.snapshot_sha256,
                "requests": len(document["requested"]),
                "locked": sum(1 for r in document["requested"] if "fixed_slot" in r),
                "parameters": options.to_dict(),
            },
        )
        enqueue(session, run.id or 0)
    read_back(session, run)
    return run


def _result_summary(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": result.get("status"),
        "scheduled": result.get("scheduled"),
        "breaks": result.get("objective"),
    }


SCHEDULING = JobKind(
    model=MeetingScheduleRun,
    action="meeting_schedule",
    object_type="meeting_schedule_run",
    noun="schedule run",
    again="schedule again",
    stopped_empty="stopped before a schedule was found; schedule again to let it search longer",
    summary=_result_summary,
)


def next_queued_run(*, engine: Engine) -> int | None:
    return solver_jobs.next_queued(engine=engine, kind=SCHEDULING)


def execute_schedule(*, engine: Engine, run_id: int) -> RunState | None:
    """Claim a queued schedule run, solve it and store the outcome (None if not queued).

    Runs in the job runner's thread or a worker process, never in a request."""
    return solver_jobs.execute(
        engine=engine, kind=SCHEDULING, run_id=run_id, solve=_solve, store=_store
    )


def _solve(run: MeetingScheduleRun, on_progress: Callable[[Any], None]) -> dict[str, Any]:
    """Solve the run's snapshot; the result document."""
    parameters = run.parameters or {}
    result = solve_meetings(
        validate(run.input_snapshot),
        time_limit=parameters.get("time_limit"),
        seed=int(parameters.get("seed", 0)),
        workers=int(parameters.get("workers", DEFAULT_WORKERS)),
        progress=on_progress,
    )
    return result.to_document()


def _no_schedule_message(document: dict[str, Any]) -> str:
    if document["status"] == "INFEASIBLE":
        details = [c["detail"] for c in document.get("infeasible", [])]
        return "the locked meetings and the day's rules cannot all hold: " + " ".join(details)
    return "no schedule was found within the time limit; schedule again with a longer one"


def _store(session: Session, run: MeetingScheduleRun, document: dict[str, Any]) -> str | None:
    """Store the result and one ScheduledMeeting per request (in the finishing
    transaction); why there is no schedule, if there is none."""
    left_out = [int(i) for i in (run.parameters or {}).get("left_out", [])]
    run.result = document
    run.elapsed_seconds = float(document.get("solve_seconds") or 0.0)
    run.best_objective = document.get("objective")
    run.best_bound = document.get("bound")
    if document["status"] not in ("OPTIMAL", "FEASIBLE"):
        return _no_schedule_message(document)
    existing = set(
        session.exec(
            select(MeetingRequest.id).where(MeetingRequest.meeting_day_id == run.meeting_day_id)
        ).all()
    )
    rows = []
    for meeting in document["meetings"]:
        request_id = int(str(meeting["id"]).removeprefix("request-"))
        if request_id not in existing:
            continue  # deleted since the snapshot
        rows.append(
            ScheduledMeeting(
                run_id=run.id or 0,
                request_id=request_id,
                slot=meeting["slot"],
                table_no=meeting["table"],
                reason=meeting.get("reason") if meeting["slot"] is None else None,
                detail=meeting.get("detail") if meeting["slot"] is None else None,
            )
        )
    for request_id in left_out:
        if request_id in existing:
            rows.append(
                ScheduledMeeting(
                    run_id=run.id or 0,
                    request_id=request_id,
                    reason=NOT_PLACED,
                    detail="its firm declined or withdrew from the mission",
                )
            )
    session.add_all(rows)
    day = session.exec(
        select(MeetingDay).where(MeetingDay.id == run.meeting_day_id).with_for_update()
    ).first()
    if day is not None and day.status == MeetingDayStatus.draft:
        day.status = MeetingDayStatus.scheduled
    return None


def recover_interrupted(
    *, engine: Engine, still_alive: Callable[[Session], set[int]] | None = None
) -> list[int]:
    """Mark interrupted every queued or running schedule run whose job is gone."""
    return solver_jobs.recover_interrupted(engine=engine, kind=SCHEDULING, still_alive=still_alive)


def stop_schedule(*, session: Session, run_id: int, actor: User) -> MeetingScheduleRun:
    """Stop a queued schedule run, or ask a running one to stop: it then keeps the best
    schedule found so far, marked stopped. NotFound if the organiser may not see it;
    JobRefused once it has ended."""
    run = visible_run(session=session, run_id=run_id, user=actor)
    return solver_jobs.request_stop(session=session, kind=SCHEDULING, run=run, actor=actor)


def progress_of(run: MeetingScheduleRun) -> dict[str, Any]:
    """What the progress bar shows. While running, `percent` is the share of the time limit
    used (the solve has two phases whose objectives differ, so a gap would mislead)."""
    finished = run.state not in ACTIVE_STATES
    limit = (run.parameters or {}).get("time_limit")
    percent: int | None
    if run.state == RunState.succeeded or solver_jobs.has_answer(run):
        percent = 100
    elif finished:
        percent = 0
    elif run.state == RunState.running and limit:
        percent = min(99, int(100 * (run.elapsed_seconds or 0.0) / float(limit)))
    else:
        percent = None
    result = run.result or {}
    return solver_jobs.progress(
        run,
        percent=percent,
        status=result.get("status"),
        scheduled=result.get("scheduled"),
        requested=result.get("requested"),
    )


# --------------------------------------------------------------------------- locks, publish


def set_lock(*, session: Session, request_id: int, actor: User, locked: bool) -> MeetingRequest:
    """Lock a scheduled meeting where the current schedule has it (slot and table), or
    unlock it. Later runs keep a locked meeting in its slot at its table."""
    request = visible_request(session=session, request_id=request_id, user=actor)
    day = session.get(MeetingDay, request.meeting_day_id)
    assert day is not None
    with committing(session):
        day = editable_day(session, day)
        if active_run(session=session, day=day) is not None:
            raise MeetingRefused(gettext("a schedule run is in progress; wait for it first"))
        before = {"slot": request.locked_slot, "table": request.locked_table}
        if locked:
            run = current_schedule(session=session, day=day)
            placed = (
                session.exec(
                    select(ScheduledMeeting).where(
                        ScheduledMeeting.run_id == run.id,
                        ScheduledMeeting.request_id == request.id,
                    )
                ).first()
                if run is not None
                else None
            )
            if placed is None or placed.slot is None:
                raise MeetingRefused(gettext("only a scheduled meeting can be locked"))
            if placed.slot > day.slots or (placed.table_no or 0) > day.tables:
                raise MeetingRefused(
                    gettext(
                        "the day changed since this schedule and no longer has that slot or "
                        "table; schedule again first"
                    )
                )
            request.locked_slot, request.locked_table = placed.slot, placed.table_no
        else:
            request.locked_slot = request.locked_table = None
        session.add(request)
        record_change(
            session=session,
            actor=actor,
            action="meeting_request.lock" if locked else "meeting_request.unlock",
            row=request,
            before=before,
            after={"slot": request.locked_slot, "table": request.locked_table},
        )
    read_back(session, request)
    return request


def publish_day(*, session: Session, mission_id: int, actor: User) -> MeetingDay:
    """Publish the current schedule: every firm and partner sees its agenda."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    with committing(session):
        day = editable_day(session, day)
        if active_run(session=session, day=day) is not None:
            raise MeetingRefused(gettext("a schedule run is in progress; wait for it first"))
        run = current_schedule(session=session, day=day)
        if run is None or day.status != MeetingDayStatus.scheduled:
            raise MeetingRefused(gettext("schedule the day (again, after its last change) first"))
        day.status = MeetingDayStatus.published
        day.published_at = utcnow()
        record_change(
            session=session,
            actor=actor,
            action="meeting_day.publish",
            row=day,
            before={"status": MeetingDayStatus.scheduled.value},
            after={
                "status": MeetingDayStatus.published.value,
                "run": run.id,
                "snapshot_sha256": run.snapshot_sha256,
                "scheduled": (run.result or {}).get("scheduled"),
            },
        )
    read_back(session, day)
    return day
