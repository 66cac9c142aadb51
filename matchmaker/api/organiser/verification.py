"""Organiser API: the verification queue of business cases (verify, or reject with a note)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, Field

from matchmaker.api.mission_shapes import ORGANISER_ERRORS as ERRORS
from matchmaker.api.rows import shape_of
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import verification as verification_service

router = APIRouter(prefix="/api/organiser", tags=["organiser"], responses=ERRORS)


class CaseOut(BaseModel):
    id: int
    firm_id: int
    firm_name: str
    kvk: str
    country: str
    sector: str
    summary: str
    evidence: str
    state: verification_service.ReviewState
    verified: bool
    verified_by: int | None
    verified_at: datetime | None
    review_note: str | None = Field(description="the reason given when the case was rejected")
    named_by: list[str]


def case_out(entry: verification_service.QueueEntry) -> CaseOut:
    return shape_of(
        CaseOut,
        entry.case,
        firm_name=entry.firm.name,
        kvk=entry.firm.kvk,
        evidence=str(entry.case.evidence),
        state=entry.state,
        named_by=entry.named_by,
    )


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=2000, description="what is missing")


@router.get("/business-cases")
def business_cases(
    session: SessionDep,
    user: CurrentUser,
    state: verification_service.ReviewState = verification_service.ReviewState.pending,
    scope: verification_service.QueueScope = verification_service.QueueScope.mine,
) -> list[CaseOut]:
    """Business cases in one review state, of firms in your rounds (scope=mine) or all."""
    entries = verification_service.queue(session=session, user=user, state=state, scope=scope)
    return [case_out(entry) for entry in entries]


@router.post("/business-cases/{case_id}/verify")
def verify_case(case_id: int, session: SessionDep, user: CurrentUser) -> CaseOut:
    """Mark the case verified, with you as verifier and now as the time."""
    case = verification_service.review(session=session, actor=user, case_id=case_id, verified=True)
    return case_out(verification_service.describe(session=session, user=user, case=case))


@router.post("/business-cases/{case_id}/reject")
def reject_case(
    case_id: int,
    session: SessionDep,
    user: CurrentUser,
    body: Annotated[RejectBody | None, Body()] = None,
) -> CaseOut:
    """Reject the case (it stays unverified), with an optional note saying what is missing."""
    note = body.note if body is not None else None
    case = verification_service.review(
        session=session, actor=user, case_id=case_id, verified=False, note=note
    )
    return case_out(verification_service.describe(session=session, user=user, case=case))
