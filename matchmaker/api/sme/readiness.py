"""SME API: the readiness scan: its questions, taking it, and the firm's past scans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from matchmaker.api.sme.firm import own_firm, sme_router
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import Firm, ReadinessScan, ReadinessScanCreate, Track
from matchmaker.services import firms as firm_service
from matchmaker.services import readiness, readiness_referrals
from matchmaker.services.errors import Invalid, Problem

router = sme_router()


class OptionPublic(BaseModel):
    value: str
    label: str


class QuestionPublic(BaseModel):
    key: str
    section: str
    text: str
    required: bool
    options: list[OptionPublic] = Field(
        description="the allowed answers; empty for target_country (an ISO alpha-2 code)"
    )


class ReferralPublic(BaseModel):
    key: str
    name: str
    offer: str


class ReadinessFlags(BaseModel):
    strategy: bool
    organisation: bool
    finance: bool


class ScanPublic(BaseModel):
    id: int
    firm_id: int
    answers: dict[str, Any]
    track: Track
    track_title: str
    reason: str
    readiness: ReadinessFlags
    referrals: list[ReferralPublic]
    missions_url: str | None = Field(description="the open missions that fit the track, if any")
    created_at: datetime


def scan_public(scan: ReadinessScan, firm: Firm) -> ScanPublic:
    track = Track(scan.track)
    target = scan.answers.get("target_country")
    flags = readiness.readiness_of(scan.answers)
    return ScanPublic(
        id=scan.id or 0,
        firm_id=scan.firm_id,
        answers=scan.answers,
        track=track,
        track_title=readiness.TRACK_TITLES[track],
        reason=readiness.advice(scan.answers, scan.reason),
        readiness=ReadinessFlags(
            strategy=flags.strategy, organisation=flags.organisation, finance=flags.finance
        ),
        referrals=[
            ReferralPublic(key=r.key, name=r.name, offer=r.offer)
            for r in readiness_referrals.referrals(
                track, region=firm.region, sector=firm.sector, target_country=target
            )
        ],
        missions_url=readiness_referrals.missions_link(
            track, target_country=target, base="/api/missions"
        ),
        created_at=scan.created_at,
    )


@router.get("/readiness/questions")
def readiness_questions() -> list[QuestionPublic]:
    """The questionnaire: strategy, organisation, finance/risk, innovation and network."""
    return [
        QuestionPublic(
            key=q.key,
            section=q.section,
            text=q.text,
            required=q.required,
            options=[OptionPublic(value=o.value, label=o.label) for o in q.options],
        )
        for q in readiness.QUESTIONS
    ]


@router.post("/readiness", status_code=201)
def take_readiness_scan(
    body: ReadinessScanCreate, session: SessionDep, user: CurrentUser
) -> ScanPublic:
    """Answer the scan: one recommended track with its reason; sets the firm's readiness."""
    firm = own_firm(session, user)
    try:
        scan = firm_service.record_scan(session=session, actor=user, firm=firm, scan_in=body)
    except Invalid as error:
        raise Invalid([Problem(f"answers.{p.path}", p.message) for p in error.problems]) from None
    return scan_public(scan, firm)


@router.get("/readiness")
def list_readiness_scans(session: SessionDep, user: CurrentUser) -> list[ScanPublic]:
    """Your firm's scans, newest first."""
    firm = own_firm(session, user)
    return [scan_public(s, firm) for s in firm_service.scans_of(session=session, firm=firm)]


@router.get("/readiness/{scan_id}")
def get_readiness_scan(scan_id: int, session: SessionDep, user: CurrentUser) -> ScanPublic:
    firm = own_firm(session, user)
    scan = firm_service.scan_of(session=session, firm=firm, scan_id=scan_id)
    return scan_public(scan, firm)
