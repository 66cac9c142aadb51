"""The terms of an offered place: the moment it must be answered by (the round's answer days,
to the end of that day in Amsterdam), set wherever a place is offered."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from matchmaker import times
from matchmaker.i18n import gettext
from matchmaker.models import Placement, PlacementStatus, Round, User
from matchmaker.models.rounds import MAX_ANSWER_DAYS
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Invalid, Problem


def answer_by(round_row: Round, now: datetime) -> datetime:
    """When an offer made now must be answered: 23:59 Amsterdam time, answer_days days on."""
    return times.end_of_day_after(now, round_row.answer_days)


def make_offer(placement: Placement, round_row: Round, now: datetime) -> None:
    """Offer the place: status offered, with its answer-by date and no reminder sent yet."""
    placement.status = PlacementStatus.offered
    placement.answer_by = answer_by(round_row, now)
    placement.reminded_at = None
    placement.updated_at = now


def set_answer_days(*, session: Session, actor: User, round_id: str, days: int) -> Round:
    """Set how many days firms get to answer an offered place in this round (offers already
    made keep their date)."""
    round_row = round_service.get_round(session=session, user=actor, round_id=round_id)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_ANSWER_DAYS:
        raise Invalid(
            [
                Problem(
                    "answer_days",
                    gettext(
                        "must be a whole number of days from 1 to %(most)s",
                        most=MAX_ANSWER_DAYS,
                    ),
                )
            ]
        )
    return round_service.change_setting(
        session=session,
        actor=actor,
        round_row=round_row,
        field="answer_days",
        value=days,
        action="round.answer_days",
    )
