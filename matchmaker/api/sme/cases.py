"""SME API: the firm's business cases (write, read, change)."""

from __future__ import annotations

from matchmaker.api.sme.firm import own_firm, sme_router
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import (
    BusinessCase,
    BusinessCaseCreate,
    BusinessCasePublic,
    BusinessCaseUpdate,
)
from matchmaker.services import firms as firm_service

router = sme_router()


def case_public(case: BusinessCase) -> BusinessCasePublic:
    return BusinessCasePublic.model_validate(case, from_attributes=True)


@router.get("/cases")
def list_cases(session: SessionDep, user: CurrentUser) -> list[BusinessCasePublic]:
    firm = own_firm(session, user)
    return [case_public(c) for c in firm_service.cases_of(session=session, firm=firm)]


@router.post("/cases", status_code=201)
def create_case(
    body: BusinessCaseCreate, session: SessionDep, user: CurrentUser
) -> BusinessCasePublic:
    """Write a business case; it is unverified until an organiser verifies it."""
    firm = own_firm(session, user)
    case = firm_service.create_case(session=session, actor=user, firm=firm, case_in=body)
    return case_public(case)


@router.get("/cases/{case_id}")
def get_case(case_id: int, session: SessionDep, user: CurrentUser) -> BusinessCasePublic:
    firm = own_firm(session, user)
    return case_public(firm_service.case_of(session=session, firm=firm, case_id=case_id))


@router.patch("/cases/{case_id}")
def update_case(
    case_id: int, body: BusinessCaseUpdate, session: SessionDep, user: CurrentUser
) -> BusinessCasePublic:
    """Change the fields given; a changed case is unverified again."""
    firm = own_firm(session, user)
    case = firm_service.update_case(
        session=session,
        actor=user,
        firm=firm,
        case_id=case_id,
        changes=body,
    )
    return case_public(case)
