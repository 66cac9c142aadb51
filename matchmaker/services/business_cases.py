"""A firm's business cases: written by the firm, unverified again on every change.

Business cases start unverified and become unverified again on every change, until an
organiser verifies them (services/verification).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    BusinessCase,
    BusinessCaseCreate,
    BusinessCaseUpdate,
    Evidence,
    Firm,
    User,
)
from matchmaker.services import audit, read_back, row_audit
from matchmaker.services.active_rounds import code_outside_active_rounds
from matchmaker.services.errors import Invalid, NotFound
from matchmaker.services.field_cleaning import FieldCleaner
from matchmaker.services.firm_codes import is_row_id, sector_choices

MAX_SUMMARY = 5000

CASE_FIELDS = ("country", "sector", "summary", "evidence")


def case_document(case: BusinessCase) -> dict[str, Any]:
    return {
        "external_id": case.external_id,
        "country": case.country,
        "sector": case.sector,
        "summary": case.summary,
        "evidence": str(case.evidence),
        "verified": case.verified,
    }


def cases_of(*, session: Session, firm: Firm) -> list[BusinessCase]:
    """The firm's business cases, oldest first."""
    return list(
        session.exec(
            select(BusinessCase)
            .where(BusinessCase.firm_id == firm.id)
            .order_by(col(BusinessCase.id))
        ).all()
    )


def case_of(*, session: Session, firm: Firm, case_id: int) -> BusinessCase:
    """One of the firm's own business cases; NotFound for any other (another firm's too)."""
    case = session.get(BusinessCase, case_id) if is_row_id(case_id) else None
    if case is None or case.firm_id != firm.id:
        raise NotFound("business case", case_id)
    return case


def _sent(shape: BusinessCaseCreate | BusinessCaseUpdate) -> list[str]:
    """The case fields the shape was given."""
    return [name for name in CASE_FIELDS if name in shape.model_fields_set]


def _clean_case(
    session: Session,
    firm: Firm,
    shape: BusinessCaseCreate | BusinessCaseUpdate,
    fields: Iterable[str],
) -> dict[str, Any]:
    """The shape's `fields`, cleaned; Invalid naming each bad one. A field the shape lacks
    or holds as None counts as not given (a new case's evidence is then none)."""
    clean = FieldCleaner()
    result: dict[str, Any] = {}
    for field in fields:
        value = getattr(shape, field, None)
        value = getattr(value, "value", value)  # the evidence as its text
        if value is None and field == "evidence" and isinstance(shape, BusinessCaseCreate):
            value = Evidence.none.value
        if field == "country":
            result[field] = clean.country(field, value)
        elif field == "sector":
            result[field] = clean.code(
                field, value, sector_choices(session=session), label=gettext("sector")
            )
            if "sector" not in clean.problems:
                problem = code_outside_active_rounds(session, firm, "sector", result[field])
                if problem:
                    clean.fail(field, problem)
        elif field == "summary":
            result[field] = clean.text(field, value, maximum=MAX_SUMMARY, label=gettext("summary"))
        elif field == "evidence":
            if value in {e.value for e in Evidence}:
                result[field] = Evidence(value)
            else:
                clean.fail(
                    field,
                    gettext(
                        "choose the evidence: one of %(choices)s",
                        choices=", ".join(e for e in Evidence),
                    ),
                )
    if clean.problems:
        raise Invalid(clean.problems)
    return result


def create_case(
    *, session: Session, actor: User, firm: Firm, case_in: BusinessCaseCreate
) -> BusinessCase:
    """Write a new business case (unverified until an organiser verifies it) and commit."""
    clean = _clean_case(session, firm, case_in, CASE_FIELDS)
    taken = set(
        session.exec(select(BusinessCase.external_id).where(BusinessCase.firm_id == firm.id)).all()
    )
    number = len(taken) + 1
    while f"BC{number}" in taken:
        number += 1
    case = BusinessCase(firm_id=firm.id, external_id=f"BC{number}", verified=False, **clean)
    return row_audit.commit_change(
        session=session,
        actor=actor,
        row=case,
        action="business_case.create",
        after=case_document(case),
    )


def update_case(
    *, session: Session, actor: User, firm: Firm, case_id: int, changes: BusinessCaseUpdate
) -> BusinessCase:
    """Change the fields set in `changes` of one of the firm's cases and commit; a changed
    case is unverified again."""
    case = case_of(session=session, firm=firm, case_id=case_id)
    clean = _clean_case(session, firm, changes, _sent(changes))
    changed = {k: v for k, v in clean.items() if getattr(case, k) != v}
    if not changed:
        return case
    before = case_document(case)
    for field, value in changed.items():
        setattr(case, field, value)
    case.verified = False
    case.verified_by = None
    case.verified_at = None
    case.review_note = None  # back in the queue: an earlier rejection's note no longer applies
    session.add(case)
    audit.record(
        session=session,
        actor=actor,
        action="business_case.update",
        object_type="business_case",
        object_id=case.id or 0,
        before=before,
        after=case_document(case),
    )
    session.commit()
    read_back(session, case)
    return case
