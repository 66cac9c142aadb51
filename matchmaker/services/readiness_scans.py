"""A firm's readiness scans: scored by services/readiness, stored, and setting the firm's flags.

A readiness scan is scored by the pure rules of matchmaker.services.readiness and stored
here, setting the firm's three readiness flags in the same transaction: the flags come
from the latest scan only, never from the profile (firms.NOT_FROM_THE_FIRM).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from matchmaker import i18n
from matchmaker.models import Firm, ReadinessScan, ReadinessScanCreate, User
from matchmaker.services import audit, read_back, readiness
from matchmaker.services.errors import NotFound
from matchmaker.services.firm_codes import is_row_id


def record_scan(
    *, session: Session, actor: User, firm: Firm, scan_in: ReadinessScanCreate
) -> ReadinessScan:
    """Score the readiness questionnaire, store it with its track and reason, set the firm's
    readiness flags from it, and commit. Raises Invalid naming each bad answer by its key."""
    answers = readiness.parse_answers(scan_in.answers)
    # The reason is stored in English, whatever language the firm reads it in now: pages
    # word it in the reader's language with readiness.advice().
    with i18n.language(i18n.SOURCE_LANGUAGE):
        outcome = readiness.recommend(answers)
    flags_before = readiness_flags(firm)
    firm.readiness_strategy = outcome.readiness.strategy
    firm.readiness_organisation = outcome.readiness.organisation
    firm.readiness_finance = outcome.readiness.finance
    scan = ReadinessScan(
        firm_id=firm.id or 0, answers=answers, track=outcome.track, reason=outcome.reason
    )
    session.add(firm)
    session.add(scan)
    session.flush()
    # One audit row for the scan, with the firm's flags it changed.
    audit.record(
        session=session,
        actor=actor,
        action="readiness_scan.create",
        object_type="readiness_scan",
        object_id=scan.id or 0,
        before={"firm_id": firm.id, "readiness": flags_before},
        after={
            "firm_id": firm.id,
            "readiness": readiness_flags(firm),
            "track": str(outcome.track),
        },
    )
    session.commit()
    read_back(session, scan)
    return scan


def readiness_flags(firm: Firm) -> dict[str, bool]:
    """The firm's three readiness flags, by the names a scenario and the audit trail use."""
    return {
        "strategy": firm.readiness_strategy,
        "organisation": firm.readiness_organisation,
        "finance": firm.readiness_finance,
    }


def scans_of(*, session: Session, firm: Firm) -> list[ReadinessScan]:
    """The firm's readiness scans, newest first."""
    return list(
        session.exec(
            select(ReadinessScan)
            .where(ReadinessScan.firm_id == firm.id)
            .order_by(col(ReadinessScan.id).desc())
        ).all()
    )


def scan_of(*, session: Session, firm: Firm, scan_id: int) -> ReadinessScan:
    """One of the firm's own scans; NotFound for any other."""
    scan = session.get(ReadinessScan, scan_id) if is_row_id(scan_id) else None
    if scan is None or scan.firm_id != firm.id:
        raise NotFound("readiness scan", scan_id)
    return scan
