"""The e-mails a decision sends, each queued in the decision's own transaction: a business
case reviewed, a round's result published, a place offered from the waiting list."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    BusinessCase,
    Firm,
    Mission,
    Placement,
    PlacementStatus,
    Round,
    User,
)
from matchmaker.services import mail_texts, outbox, reasons
from matchmaker.services.errors import Invalid

log = logging.getLogger(__name__)


def _owner_email(session: Session, firm_id: int) -> str | None:
    firm = session.get(Firm, firm_id)
    if firm is None or firm.owner_user_id is None:
        return None
    owner = session.get(User, firm.owner_user_id)
    return owner.email if owner is not None and owner.active else None


def _queue(session: Session, *, kind: str, to: str, template: str, **context: object) -> None:
    """Queue one mail; an address no mail server would take is logged and skipped, so a
    decision never fails for it."""
    subject, body = mail_texts.render(template, **context)
    try:
        outbox.queue(session=session, kind=kind, to=to, subject=subject, body=body)
    except Invalid as error:
        log.warning("e-mail %s not queued: %s", kind, error)


def case_reviewed(*, session: Session, case: BusinessCase) -> None:
    """Tell the firm its business case was verified, or rejected with the organiser's note."""
    to = _owner_email(session, case.firm_id)
    if to is None:
        return
    firm = session.get(Firm, case.firm_id)
    _queue(
        session,
        kind="business_case.verified" if case.verified else "business_case.rejected",
        to=to,
        template="case_verified" if case.verified else "case_rejected",
        firm=firm.name if firm else "",
        country=case.country,
        summary=case.summary,
        note=case.review_note or "",
    )


def result_published(*, session: Session, round_row: Round, run_id: int) -> None:
    """Tell every firm of the round where the published roster left each of its applications."""
    rows = session.exec(
        select(Placement, Application, Mission)
        .join(Application, col(Application.id) == col(Placement.application_id))
        .join(Mission, col(Mission.id) == col(Application.mission_id))
        .where(Placement.run_id == run_id)
        .order_by(col(Application.firm_id), col(Application.rank))
    ).all()
    by_firm: dict[int, list[dict[str, str]]] = defaultdict(list)
    for placement, application, mission in rows:
        case_id = application.business_case_id
        case = session.get(BusinessCase, case_id) if case_id is not None else None
        offered = placement.status == PlacementStatus.offered
        by_firm[application.firm_id].append(
            {
                "mission": mission.title,
                "dates": _dates(mission),
                "status": reasons.status_for_firm(placement.status, placement.reason),
                "why": "" if offered else reasons.for_firm(placement.reason, case),
            }
        )
    for firm_id, lines in by_firm.items():
        to = _owner_email(session, firm_id)
        if to is not None:
            _queue(
                session,
                kind="result.published",
                to=to,
                template="result_published",
                round=round_row.name,
                lines=lines,
            )


def places_offered(*, session: Session, placements: Iterable[Placement]) -> None:
    """Tell each firm offered a place from the waiting list."""
    for placement in placements:
        application = session.get(Application, placement.application_id)
        if application is None:
            continue
        mission = session.get(Mission, application.mission_id)
        to = _owner_email(session, application.firm_id)
        if to is None or mission is None:
            continue
        _queue(
            session,
            kind="placement.offered",
            to=to,
            template="place_offered",
            mission=mission.title,
            dates=_dates(mission),
        )


def _dates(mission: Mission) -> str:
    start, end = mission.start_date, mission.end_date
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()} – {end.isoformat()}"
