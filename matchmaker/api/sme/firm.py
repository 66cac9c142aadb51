"""SME API: the firm (register, read, change) and the codes it may choose from; the error
answers and the firm lookup the other SME routes share."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel
from sqlmodel import Session

from matchmaker.api.errors import refusals
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import Firm, FirmChanges, FirmPublic, FirmRegistration, User
from matchmaker.models.firms import Short as Short  # the SME routes' short answers
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
    firm = firm_service.register_firm(session=session, actor=user, firm_in=body)
    return FirmPublic.model_validate(firm, from_attributes=True)


@router.patch("/firm")
def update_firm(body: FirmChanges, session: SessionDep, user: CurrentUser) -> FirmPublic:
    """Change the fields given (the KvK number stays)."""
    firm = own_firm(session, user)
    firm = firm_service.update_firm(session=session, actor=user, firm=firm, changes=body)
    return FirmPublic.model_validate(firm, from_attributes=True)
