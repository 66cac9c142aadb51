"""The columns every solver job shares: matching runs and meeting schedule runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, String, Text
from sqlmodel import Field, SQLModel

from matchmaker.models.common import CODE_LENGTH, STATE_LENGTH, UtcDateTime, utcnow
from matchmaker.models.enums import RunState


class SolverRunBase(SQLModel):
    """A solve as a background job: queued, running (with progress and a heartbeat), then
    succeeded, failed, stopped (an organiser stopped it: its best answer so far is kept)
    or interrupted (a crash or restart cut it off). It keeps its exact input (a document
    and its SHA-256), the OR-Tools version, parameters and seed, so it can be reproduced."""

    id: int | None = Field(default=None, primary_key=True)
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
    error: str | None = Field(default=None, sa_type=Text)
    created_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    progress_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # When an organiser asked a running job to stop (the job then ends with its best answer).
    stop_requested_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
