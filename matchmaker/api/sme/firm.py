"""SME API: the firm (register, read, change) and the codes it may choose from; the error
answers and the firm lookup the other SME routes share."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.api.errors import refusals
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import Firm, FirmPublic, User
from matchmaker.services import firms as firm_service

ERRORS = refusals(
    forbidden="Only SME accounts may do this",
    not_found="No such object among your firm's",
    conflict="Refused in the current state (no firm yet, round not open, ...)",
)


def sme_router() -> APIRouter:
    """The router of one part of the SME's API: under /api/sme, with the SME's error answers."""
    return APIRouter(prefix="/api/sme", tags=["sme"], responses=ERRORS)


router = sme_router()


def own_firm(session: Session, user: User) -> Firm:
    """The caller's firm (409 until it is registered)."""
    return firm_service.require_firm(session=session, user=user)


class CodePublic(BaseModel):
    code: str
    name: str


class FirmChoices(BaseModel):
    regions: list[CodePublic]
    sectors: list[CodePublic]


# A code or a short answer (countries, readiness answers); free text has its own caps.
Short = Annotated[str, Field(max_length=64)]

# Readiness flags come from the readiness scan only: declared so that sending one is
# refused by name, with why (firm_service.NOT_FROM_THE_FIRM), not as an unknown field.
SCAN_ONLY = "not accepted: set by the firm's latest readiness scan (sending it answers 422)"


def _scan_only() -> Any:
    return Field(default=None, description=SCAN_ONLY, json_schema_extra={"readOnly": True})


# Likewise the missions of the last three years: counted from the service's own rounds and
# the organiser's entries of missions outside matchmaker.
FROM_THE_RECORD = (
    "not accepted: counted from the record, the places the firm accepted in matchmaker's "
    "rounds and the missions outside it an organiser entered (sending it answers 422)"
)


def _from_the_record() -> Any:
    return Field(default=None, description=FROM_THE_RECORD, json_schema_extra={"readOnly": True})


class FirmRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kvk: str = Field(description="exactly 8 digits", examples=["01234567"], max_length=20)
    name: str = Field(max_length=400)
    region: str = Field(max_length=64)
    sector: str = Field(max_length=64)
    employees: int
    readiness_strategy: bool | None = _scan_only()
    readiness_organisation: bool | None = _scan_only()
    readiness_finance: bool | None = _scan_only()
    missions_last_3_years: int | None = _from_the_record()
    exports_to: list[Short] = Field(default_factory=list, max_length=300)


class FirmChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=400)
    region: str | None = Field(default=None, max_length=64)
    sector: str | None = Field(default=None, max_length=64)
    employees: int | None = None
    readiness_strategy: bool | None = _scan_only()
    readiness_organisation: bool | None = _scan_only()
    readiness_finance: bool | None = _scan_only()
    missions_last_3_years: int | None = _from_the_record()
    exports_to: list[Short] | None = Field(default=None, max_length=300)


@router.get("/firm/choices")
def firm_choices(session: SessionDep) -> FirmChoices:
    """The region and sector codes a firm (or a business case) may use."""
    return FirmChoices(
        regions=[
            CodePublic(code=c.code, name=c.name)
            for c in firm_service.region_choices(session=session)
        ],
        sectors=[
            CodePublic(code=c.code, name=c.name)
            for c in firm_service.sector_choices(session=session)
        ],
    )


@router.get("/firm")
def get_firm(session: SessionDep, user: CurrentUser) -> FirmPublic:
    """Your firm (404 until you register it)."""
    firm = firm_service.firm_of(session=session, user=user)
    if firm is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no firm registered yet")
    return FirmPublic.model_validate(firm, from_attributes=True)


@router.post("/firm", status_code=201)
def register_firm(body: FirmRegistration, session: SessionDep, user: CurrentUser) -> FirmPublic:
    """Register your firm (one per account)."""
    firm = firm_service.register_firm(
        session=session, actor=user, values=body.model_dump(exclude_unset=True)
    )
    return FirmPublic.model_validate(firm, from_attributes=True)


@router.patch("/firm")
def update_firm(body: FirmChanges, session: SessionDep, user: CurrentUser) -> FirmPublic:
    """Change the fields given (the KvK number stays)."""
    firm = own_firm(session, user)
    firm = firm_service.update_firm(
        session=session, actor=user, firm=firm, values=body.model_dump(exclude_unset=True)
    )
    return FirmPublic.model_validate(firm, from_attributes=True)
