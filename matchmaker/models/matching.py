"""Matching runs (background jobs with their input, progress and result) and placements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from matchmaker.models.common import CODE_LENGTH, STATE_LENGTH, UtcDateTime, one_of, utcnow
from matchmaker.models.enums import PlacementStatus, RunState


class MatchingRun(SQLModel, table=True):
    """One solve of a round: queued, running (with progress), then succeeded, failed, or
    interrupted when a crash or restart cut it off. It keeps its exact input (the
    scenario document and its SHA-256), the OR-Tools version, parameters and seed, so a
    run can be reproduced; the result is written in the same transaction as its
    placements."""

    __tablename__ = "matching_run"
    __table_args__ = (one_of("state", RunState),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(
        foreign_key="round.id", ondelete="CASCADE", index=True, sa_type=String(CODE_LENGTH)
    )
    state: RunState = Field(default=RunState.queued, sa_type=String(STATE_LENGTH), index=True)
    elapsed_seconds: float = Field(default=0.0, sa_type=Float)
    best_objective: int | None = Field(default=None, sa_type=BigInteger)
    best_bound: float | None = Field(default=None, sa_type=Float)
    input_snapshot: dict[str, Any] = Field(sa_type=JSON)
    snapshot_sha256: str = Field(sa_type=String(64))
    ortools_version: str = Field(sa_type=String(CODE_LENGTH))
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    seed: int = Field(default=0)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # SHA-256 of the result without its timing (services.runs.result_digest): re-solving
    # the snapshot with the same parameters, seed and OR-Tools version gives the same.
    result_sha256: str | None = Field(default=None, sa_type=String(64))
    error: str | None = Field(default=None, sa_type=Text)
    created_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    progress_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class MatchingRunPublic(SQLModel):
    id: int
    round_id: str
    state: RunState
    elapsed_seconds: float
    best_objective: int | None
    best_bound: float | None
    snapshot_sha256: str
    ortools_version: str
    parameters: dict[str, Any]
    seed: int
    result_sha256: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class Placement(SQLModel, table=True):
    """Where a run left one application: placed (with its score, locked or not) or unplaced
    with the reason and detail; later offers and the firm's answers move its status."""

    __tablename__ = "placement"
    __table_args__ = (
        UniqueConstraint("run_id", "application_id"),
        one_of("status", PlacementStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="matching_run.id", ondelete="CASCADE")
    application_id: int = Field(foreign_key="application.id", ondelete="CASCADE", index=True)
    status: PlacementStatus = Field(sa_type=String(STATE_LENGTH))
    score: int | None = Field(default=None)
    locked: bool = Field(default=False, sa_type=Boolean)
    reason: str | None = Field(default=None, sa_type=String(CODE_LENGTH))
    detail: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class PlacementPublic(SQLModel):
    id: int
    run_id: int
    application_id: int
    status: PlacementStatus
    score: int | None
    locked: bool
    reason: str | None
    detail: str | None
