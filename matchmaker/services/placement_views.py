"""A firm's own placements in published rounds, with their status and reason in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    BusinessCase,
    Firm,
    MatchingRun,
    Mission,
    Placement,
    PlacementStatus,
    Role,
    Round,
    RoundStatus,
    User,
)
from matchmaker.services import reasons, waiting_queues
from matchmaker.services import runs as run_service
from matchmaker.services.errors import NotFound


@dataclass(frozen=True, slots=True)
class PlacementView:
    """A placement with what a page shows about it."""

    placement: Placement
    application: Application
    mission: Mission
    firm: Firm
    round: Round
    business_case: BusinessCase | None = None
    # Its place in the mission's waiting list (1 is next); None when it is not waiting.
    position: int | None = None
    # The mission whose offered place the firm would give back to take this one.
    would_swap: Mission | None = None

    @property
    def status_text(self) -> str:
        if self.waits:
            return f"On the waiting list: number {self.position}"
        if self.placement.status == PlacementStatus.unplaced:
            return "Not placed"
        return reasons.status_for_firm(self.placement.status, self.placement.reason)

    @property
    def waits(self) -> bool:
        """Whether the application waits for a place: eligible, and able to take one if it
        freed (not for a firm that holds a choice it ranked higher, for example)."""
        return self.placement.status == PlacementStatus.unplaced and self.position is not None

    @property
    def reason_text(self) -> str | None:
        reason = self.placement.reason
        return reasons.for_firm(reason, self.business_case) if reason else None

    @property
    def can_accept(self) -> bool:
        return self.placement.status == PlacementStatus.offered

    @property
    def can_decline(self) -> bool:
        return self.placement.status == PlacementStatus.offered

    @property
    def can_withdraw(self) -> bool:
        return self.placement.status in (PlacementStatus.offered, PlacementStatus.accepted) or (
            self.waits
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
    positions: dict[str, dict[int, waiting_queues.QueuePlace]] = {}
    for placement, application, mission, firm, round_row in rows:
        if round_row.id not in current:
            run = run_service.published_run(session=session, round_row=round_row)
            current[round_row.id] = run.id if run else None
        if placement.run_id == current[round_row.id]:
            case = (
                session.get(BusinessCase, application.business_case_id)
                if application.business_case_id is not None
                else None
            )
            if round_row.id not in positions:
                run = session.get(MatchingRun, placement.run_id)
                assert run is not None
                positions[round_row.id] = waiting_queues.waiting_positions(session=session, run=run)
            place = positions[round_row.id].get(application.id or 0)
            swap = (
                session.exec(
                    select(Mission).where(
                        Mission.round_id == round_row.id, Mission.external_id == place.would_swap
                    )
                ).first()
                if place is not None and place.would_swap is not None
                else None
            )
            views.append(
                PlacementView(
                    placement,
                    application,
                    mission,
                    firm,
                    round_row,
                    case,
                    place.position if place else None,
                    swap,
                )
            )
    return views


def firm_placement(*, session: Session, placement_id: int, user: User) -> PlacementView:
    """One placement of the SME's own firm in a published round; anything else NotFound."""
    for view in firm_placements(session=session, user=user):
        if view.placement.id == placement_id:
            return view
    raise NotFound("placement", placement_id)
