"""The rounds a firm has applied in that are still to be matched, and the codes they allow.

While a firm has applications in a round that is open or closed (still to be matched),
its region, sector and business cases stay within that round's codes, so the round
always exports as a valid scenario.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Application,
    ApplicationStatus,
    Firm,
    Region,
    Round,
    RoundStatus,
    Sector,
)


def active_rounds(*, session: Session, firm_id: int) -> list[Round]:
    """The open or closed rounds (still to be matched) the firm has applications in."""
    applied = select(Application.round_id).where(
        Application.firm_id == firm_id, Application.status == ApplicationStatus.submitted
    )
    query = (
        select(Round)
        .where(
            col(Round.id).in_(applied),
            col(Round.status).in_([RoundStatus.open, RoundStatus.closed]),
        )
        .order_by(col(Round.id))
    )
    return list(session.exec(query).all())


def round_codes(*, session: Session, round_id: str) -> tuple[set[str], set[str]]:
    """The region codes and the sector codes of a round."""
    regions = set(session.exec(select(Region.code).where(Region.round_id == round_id)).all())
    sectors = set(session.exec(select(Sector.code).where(Sector.round_id == round_id)).all())
    return regions, sectors


def code_outside_active_rounds(session: Session, firm: Firm, field: str, code: str) -> str | None:
    """Why `code` cannot be the firm's `field` (region or sector) now, if it cannot."""
    if firm.id is None:
        return None
    for round_row in active_rounds(session=session, firm_id=firm.id):
        regions, sectors = round_codes(session=session, round_id=round_row.id)
        known = regions if field == "region" else sectors
        if code not in known:
            values = {
                "round": repr(round_row.name),
                "code": repr(code),
                "known": ", ".join(sorted(known)),
            }
            if field == "region":
                return gettext(
                    "you have applied in round %(round)s, which has no region %(code)s "
                    "(%(known)s); withdraw those applications first",
                    **values,
                )
            return gettext(
                "you have applied in round %(round)s, which has no sector %(code)s "
                "(%(known)s); withdraw those applications first",
                **values,
            )
    return None
