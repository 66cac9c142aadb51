"""Matching runs (background jobs with their input, progress and result) and placements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from matchmaker.models.common import CODE_LENGTH, STATE_LENGTH, UtcDateTime, one_of, utcnow
from matchmaker.models.enums import PlacementStatus, RunState
from matchmaker.models.solver_runs import SolverRunBase


class MatchingRun(SolverRunBase, table=True):
    """One solve of a round (see SolverRunBase). Its input is the round's scenario document
    with its locked placements; its result is written in the same transaction as its
    placements."""

    __tablename__ = "matching_run"
    __table_args__ = (one_of("state", RunState),)

    round_id: str = Field(
        foreign_key="round.id", ondelete="CASCADE", index=True, sa_type=String(CODE_LENGTH)
    )
    # SHA-256 of the result without its timing (services.runs.result_digest): re-solving
    # the snapshot with the same parameters, seed and OR-Tools version gives the same.
    result_sha256: str | None = Field(default=None, sa_type=String(64))
    # The application id of each (firm, mission) pair of the snapshot, taken with it
    # (scenario_exports.Snapshot.index_rows: [[firm, mission, application id], ...]); None
    # on runs from before it was kept, whose pairs are looked up in the round again.
    application_index: list[list[Any]] | None = Field(default=None, sa_type=JSON)


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
    # An offered place lapses to the next firm when not answered by this moment; reminded_at
    # is when the firm was told it is about to (once per offer).
    answer_by: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
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
    answer_by: datetime | None = None
