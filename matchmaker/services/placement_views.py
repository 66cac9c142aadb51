"""A firm's own placements in published rounds, with their status and reason in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    Firm,
    Mission,
    Placement,
    PlacementStatus,
    Role,
    Round,
    RoundStatus,
    User,
)
from matchmaker.services import runs as run_service
from matchmaker.services.errors import NotFound

# Reasons in plain words, for the firm's own page (the engine's detail follows them).
PLAIN_REASONS = {
    "sector_mismatch": "The mission is not open to your firm's sector.",
    "no_business_case": "A business mission needs a business case, and the application named none.",
    "business_case_unverified": "The business case has not been verified (yet).",
    "business_case_wrong_country": "The business case is for another country than the mission's.",
    "not_ready": "The readiness scan shows the firm's export strategy or organisation is not "
    "yet in order, which a business mission needs.",
    "placed_elsewhere": "Your firm already has as many places in this round as a firm can get.",
    "date_conflict": "The dates overlap with another mission your firm is placed on.",
    "mission_cancelled": "The mission did not reach its minimum number of participants and "
    "does not go ahead.",
    "outranked": "The mission is full; the firms placed scored higher on the round's criteria.",
    "slipstream_full": "The places for firms from outside the top sectors are taken.",
    "sector_cap": "The mission's limit for firms of your sector is reached.",
    "budget": "The round's subsidy budget is used up.",
    "not_selected": "Another combination of firms filled the round better; no single rule "
    "excluded yours.",
}
PLAIN_STATUS = {
    PlacementStatus.placed: "Placed (not yet published)",
    PlacementStatus.unplaced: "On the waiting list",
    PlacementStatus.offered: "Place offered: please accept or decline",
    PlacementStatus.accepted: "Place accepted",
    PlacementStatus.declined: "Place declined",
    PlacementStatus.withdrawn: "Withdrawn",
}


@dataclass(frozen=True, slots=True)
class PlacementView:
    """A placement with what a page shows about it."""

    placement: Placement
    application: Application
    mission: Mission
    firm: Firm
    round: Round

    @property
    def status_text(self) -> str:
        return PLAIN_STATUS[PlacementStatus(self.placement.status)]

    @property
    def reason_text(self) -> str | None:
        reason = self.placement.reason
        return PLAIN_REASONS.get(reason, reason) if reason else None

    @property
    def can_accept(self) -> bool:
        return self.placement.status == PlacementStatus.offered

    @property
    def can_decline(self) -> bool:
        return self.placement.status == PlacementStatus.offered

    @property
    def can_withdraw(self) -> bool:
        return self.placement.status in (
            PlacementStatus.offered,
            PlacementStatus.accepted,
            PlacementStatus.unplaced,
        )


def firm_placements(*, session: Session, user: User) -> list[PlacementView]:
    """The SME's placements in published rounds (the rosters of their published runs)."""
    if str(user.role) != Role.sme or user.firm_id is None:
        return []
    rows = session.exec(
        select(Placement, Application, Mission, Firm, Round)
        .join(Application, col(Application.id) == col(Placement.application_id))
        .join(Mission, col(Mission.id) == col(Application.mission_id))
        .join(Firm, col(Firm.id) == col(Application.firm_id))
        .join(Round, col(Round.id) == col(Application.round_id))
        .where(Application.firm_id == user.firm_id, Round.status == RoundStatus.published)
        .order_by(col(Mission.start_date), col(Application.rank))
    ).all()
    views = []
    current: dict[str, int | None] = {}
    for placement, application, mission, firm, round_row in rows:
        if round_row.id not in current:
            run = run_service.published_run(session=session, round_row=round_row)
            current[round_row.id] = run.id if run else None
        if placement.run_id == current[round_row.id]:
            views.append(PlacementView(placement, application, mission, firm, round_row))
    return views


def firm_placement(*, session: Session, placement_id: int, user: User) -> PlacementView:
    """One placement of the SME's own firm in a published round; anything else NotFound."""
    for view in firm_placements(session=session, user=user):
        if view.placement.id == placement_id:
            return view
    raise NotFound("placement", placement_id)
