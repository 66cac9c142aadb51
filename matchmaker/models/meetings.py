"""A mission's meeting day: foreign partners, requested one-to-one meetings, schedule runs."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from matchmaker.models.common import (
    CODE_LENGTH,
    STATE_LENGTH,
    UtcDateTime,
    one_of,
    utcnow,
)
from matchmaker.models.enums import MeetingDayStatus, MeetingSession, RequestedBy, RunState
from matchmaker.models.solver_runs import SolverRunBase

EMAIL_LENGTH = 320


class MeetingDay(SQLModel, table=True):
    """The one-to-one meeting day of a mission: when it starts, how long a slot lasts, how
    many slots (the first `morning_slots` are the morning) and tables there are.

    draft until a schedule run succeeds (scheduled), then published: every participant
    sees its agenda. version counts changes (the schedule of an older version is stale).
    """

    __tablename__ = "meeting_day"
    __table_args__ = (
        one_of("status", MeetingDayStatus),
        CheckConstraint("slot_minutes >= 5 AND slot_minutes <= 240", name="slot_minutes"),
        CheckConstraint("slots >= 1", name="slots"),
        CheckConstraint("morning_slots >= 0 AND morning_slots <= slots", name="morning_slots"),
        CheckConstraint("tables >= 1", name="tables"),
        CheckConstraint("lunch_minutes >= 0 AND lunch_minutes <= 240", name="lunch_minutes"),
        CheckConstraint("fairness IS NULL OR fairness >= 0", name="fairness"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", ondelete="CASCADE", unique=True)
    day: date = Field(sa_type=Date)
    start_time: time = Field(sa_type=Time)
    slot_minutes: int
    slots: int
    morning_slots: int
    tables: int
    # A pause between the morning and the afternoon slots (0: none).
    lunch_minutes: int = Field(default=0)
    fairness: int | None = Field(default=None)
    venue: str | None = Field(default=None, sa_type=Text)
    status: MeetingDayStatus = Field(default=MeetingDayStatus.draft, sa_type=String(STATE_LENGTH))
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Partner(SQLModel, table=True):
    """A foreign partner (buyer, distributor, utility) met on the day; `forbidden_slots`
    are the 1-based slots it cannot attend."""

    __tablename__ = "meeting_partner"
    __table_args__ = (UniqueConstraint("meeting_day_id", "name", "organisation"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_day_id: int = Field(foreign_key="meeting_day.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_type=Text)
    organisation: str = Field(sa_type=Text)
    country: str = Field(sa_type=String(2))
    sector: str = Field(sa_type=String(CODE_LENGTH))
    email: str | None = Field(default=None, sa_type=String(EMAIL_LENGTH))
    forbidden_slots: list[int] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class MeetingRequest(SQLModel, table=True):
    """A requested meeting of a placed firm with a partner, by the organiser or the firm;
    a lock pins it to a slot and table in every later schedule."""

    __tablename__ = "meeting_request"
    __table_args__ = (
        UniqueConstraint("meeting_day_id", "firm_id", "partner_id"),
        one_of("session", MeetingSession),
        one_of("requested_by", RequestedBy),
        CheckConstraint("priority >= 1 AND priority <= 10", name="priority"),
        CheckConstraint(
            "(locked_slot IS NULL AND locked_table IS NULL) OR "
            "(locked_slot IS NOT NULL AND locked_table IS NOT NULL)",
            name="lock",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_day_id: int = Field(foreign_key="meeting_day.id", ondelete="CASCADE", index=True)
    firm_id: int = Field(foreign_key="firm.id", ondelete="CASCADE", index=True)
    partner_id: int = Field(foreign_key="meeting_partner.id", ondelete="CASCADE", index=True)
    priority: int = Field(default=1)
    session: MeetingSession = Field(default=MeetingSession.any, sa_type=String(STATE_LENGTH))
    requested_by: RequestedBy = Field(sa_type=String(STATE_LENGTH))
    created_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    locked_slot: int | None = Field(default=None)
    locked_table: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class MeetingScheduleRun(SolverRunBase, table=True):
    """One "schedule all" of a meeting day (see SolverRunBase): its input is the
    matchmaker-meetings/1 document; its result is written with its meetings in one
    transaction."""

    __tablename__ = "meeting_schedule_run"
    __table_args__ = (one_of("state", RunState),)

    meeting_day_id: int = Field(foreign_key="meeting_day.id", ondelete="CASCADE", index=True)
    day_version: int = Field(default=1)


class ScheduledMeeting(SQLModel, table=True):
    """Where a schedule run put one request: a slot and table, or unscheduled with the
    engine's reason code and its detail."""

    __tablename__ = "scheduled_meeting"
    __table_args__ = (UniqueConstraint("run_id", "request_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="meeting_schedule_run.id", ondelete="CASCADE")
    request_id: int = Field(foreign_key="meeting_request.id", ondelete="CASCADE", index=True)
    slot: int | None = Field(default=None)
    table_no: int | None = Field(default=None)
    reason: str | None = Field(default=None, sa_type=String(CODE_LENGTH))
    detail: str | None = Field(default=None, sa_type=Text)
