"""The e-mails a decision sends, each queued in the decision's own transaction: a business
case reviewed, a round's result published, a place offered from the waiting list, an offer
about to lapse or lapsed. Each is written in the language of the firm's owner."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from matchmaker import i18n
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


def _owner(session: Session, firm_id: int) -> User | None:
    """The active user who owns the firm, whom its e-mails go to."""
    firm = session.get(Firm, firm_id)
    if firm is None or firm.owner_user_id is None:
        return None
    owner = session.get(User, firm.owner_user_id)
    return owner if owner is not None and owner.active else None


def _queue(session: Session, *, kind: str, to: str, template: str, **context: object) -> None:
    """Queue one mail, in the current language (the recipient's); an address no mail server
    would take is logged and skipped, so a decision never fails for it."""
    subject, body = mail_texts.render(template, **context)
    try:
        outbox.queue(session=session, kind=kind, to=to, subject=subject, body=body)
    except Invalid as error:
        log.warning("e-mail %s not queued: %s", kind, error)


def case_reviewed(*, session: Session, case: BusinessCase) -> None:
    """Tell the firm its business case was verified, or rejected with the organiser's note."""
    owner = _owner(session, case.firm_id)
    if owner is None:
        return
    firm = session.get(Firm, case.firm_id)
    with i18n.language(mail_texts.language_of(owner)):
        _queue(
            session,
            kind="business_case.verified" if case.verified else "business_case.rejected",
            to=owner.email,
            template="case_verified" if case.verified else "case_rejected",
            firm=firm.name if firm else "",
            country=i18n.country_name(case.country),
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
    by_firm: dict[int, list[tuple[Placement, Application, Mission]]] = defaultdict(list)
    for placement, application, mission in rows:
        by_firm[application.firm_id].append((placement, application, mission))
    for firm_id, placed in by_firm.items():
        owner = _owner(session, firm_id)
        if owner is None:
            continue
        with i18n.language(mail_texts.language_of(owner)):
            lines = [_result_line(session, *row) for row in placed]
            _queue(
                session,
                kind="result.published",
                to=owner.email,
                template="result_published",
                round=round_row.name,
                lines=lines,
            )


def _result_line(
    session: Session, placement: Placement, application: Application, mission: Mission
) -> dict[str, str]:
    """One application's line of the result e-mail, in the current language."""
    case_id = application.business_case_id
    case = session.get(BusinessCase, case_id) if case_id is not None else None
    offered = placement.status == PlacementStatus.offered
    answer_by = placement.answer_by if offered else None
    return {
        "mission": mission.title,
        "dates": _dates(mission),
        "status": reasons.status_for_firm(placement.status, placement.reason),
        "why": "" if offered else reasons.for_firm(placement.reason, case),
        "answer_by": mail_texts.moment(answer_by) if answer_by else "",
    }


def places_offered(*, session: Session, placements: Iterable[Placement]) -> None:
    """Tell each firm offered a place from the waiting list, with the date to answer by."""
    for placement in placements:
        _about_offer(session, placement, kind="placement.offered", template="place_offered")


def offer_lapsing(*, session: Session, placement: Placement) -> None:
    """Remind the firm that its offered place lapses soon unless it answers."""
    _about_offer(session, placement, kind="placement.lapsing", template="offer_lapsing")


def offer_lapsed(*, session: Session, placement: Placement) -> None:
    """Tell the firm its offer lapsed unanswered and the place went to the next firm."""
    _about_offer(session, placement, kind="placement.lapsed", template="offer_lapsed")


def _about_offer(session: Session, placement: Placement, *, kind: str, template: str) -> None:
    application = session.get(Application, placement.application_id)
    if application is None:
        return
    mission = session.get(Mission, application.mission_id)
    owner = _owner(session, application.firm_id)
    if owner is None or mission is None:
        return
    answer_by = placement.answer_by
    with i18n.language(mail_texts.language_of(owner)):
        _queue(
            session,
            kind=kind,
            to=owner.email,
            template=template,
            mission=mission.title,
            dates=_dates(mission),
            answer_by=mail_texts.moment(answer_by) if answer_by else "",
        )


def _dates(mission: Mission) -> str:
    start, end = mission.start_date, mission.end_date
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()} – {end.isoformat()}"
