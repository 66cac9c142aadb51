"""Offers that were not answered in time: a reminder a day before the answer-by date, and at
the date the offer lapses and its place goes down the waiting list. The server runs this
every minute and once when it starts, so offers that fell due while it was down lapse too."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from matchmaker.models import Placement, PlacementStatus
from matchmaker.models.common import utcnow
from matchmaker.services import notifications
from matchmaker.services import placements as placement_service
from matchmaker.services.row_locks import locked_rows

log = logging.getLogger(__name__)

# The firm is reminded this long before its offer lapses (once, and only if the offer was
# made earlier than that).
REMIND_BEFORE = timedelta(hours=24)
TASK = "offer-deadlines"
SWEEP_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one pass did: reminders queued, offers lapsed and the new offers they made."""

    reminded: int = 0
    lapsed: int = 0
    offered: int = 0


def remind_due(*, session: Session, now: datetime) -> int:
    """Queue the reminder for every open offer that lapses within REMIND_BEFORE and was not
    reminded yet; each in its own commit with its mail."""
    due = session.exec(
        select(Placement.id).where(
            Placement.status == PlacementStatus.offered,
            col(Placement.reminded_at).is_(None),
            col(Placement.answer_by).is_not(None),
            col(Placement.answer_by) <= now + REMIND_BEFORE,
            col(Placement.answer_by) > now,
        )
    ).all()
    reminded = 0
    for placement_id in due:
        placement = locked_rows(session, Placement, Placement.id == placement_id).one()
        if placement.status != PlacementStatus.offered or placement.reminded_at is not None:
            session.rollback()
            continue
        assert placement.answer_by is not None
        if placement.answer_by - placement.updated_at > REMIND_BEFORE:
            notifications.offer_lapsing(session=session, placement=placement)
            reminded += 1
        # (A shorter offer gets no reminder: its own mail, a moment ago, named the date.)
        placement.reminded_at = now
        session.commit()
    return reminded


def lapse_due(*, session: Session, now: datetime) -> tuple[int, int]:
    """Let every offer whose answer-by date has passed lapse (each in its own transaction
    under its round's lock). Returns the offers lapsed and the new offers they made."""
    due = session.exec(
        select(Placement.id)
        .where(
            Placement.status == PlacementStatus.offered,
            col(Placement.answer_by).is_not(None),
            col(Placement.answer_by) <= now,
        )
        .order_by(col(Placement.answer_by), col(Placement.id))
    ).all()
    session.rollback()  # end the read: each lapse starts its own transaction
    lapsed = offered = 0
    for placement_id in due:
        try:
            change = placement_service.lapse(session=session, placement_id=placement_id, now=now)
        except placement_service.PlacementRefused:
            continue  # answered (or lapsed by another server) in the meantime
        lapsed += 1
        offered += len(change.offers)
    return lapsed, offered


def sweep(engine: Engine, now: datetime | None = None) -> Sweep:
    """One pass of the offer deadlines job."""
    now = now or utcnow()
    with Session(engine) as session:
        lapsed, offered = lapse_due(session=session, now=now)
        reminded = remind_due(session=session, now=now)
    if lapsed or reminded:
        log.info("offers: %d lapsed (%d new offers), %d reminded", lapsed, offered, reminded)
    return Sweep(reminded=reminded, lapsed=lapsed, offered=offered)
