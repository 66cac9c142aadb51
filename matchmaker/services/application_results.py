"""What a firm reads of its applications: what would keep one off, and its result once published."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from matchmaker.i18n import Texts, mark
from matchmaker.models import (
    Application,
    ApplicationStatus,
    BusinessCase,
    Firm,
    Mission,
    MissionKind,
    Placement,
    PlacementStatus,
    Round,
    RoundStatus,
)
from matchmaker.services import reasons
from matchmaker.services import runs as run_service
from matchmaker.services.applications import application_of


def eligibility_warnings(
    *, firm: Firm, mission: Mission, business_case: BusinessCase | None
) -> list[str]:
    """What would keep an accepted application off the mission at matching time, in plain
    words: an unverified case, or readiness not in order for a business mission."""
    if mission.kind != MissionKind.business:
        return []
    warnings = []
    if business_case is not None and not business_case.verified:
        warnings.append(
            f"Business case {business_case.external_id} is not verified yet: the organiser must "
            "verify it before the matching, or the application cannot be placed."
        )
    missing = [
        name
        for name, ready in (
            ("strategy", firm.readiness_strategy),
            ("organisation", firm.readiness_organisation),
        )
        if not ready
    ]
    if missing:
        warnings.append(
            f"A business mission needs your {' and '.join(missing)} in order (see the readiness "
            "scan); as it stands the application cannot be placed."
        )
    return warnings


STATUS_TEXT = Texts(
    {
        PlacementStatus.placed: mark("You have a place on this mission. Accept or decline it."),
        # Publishing makes every placement an offer; the waiting list makes offers later too.
        PlacementStatus.offered: mark(
            "A place on this mission is offered to you. Accept or decline it."
        ),
        PlacementStatus.accepted: mark("You accepted your place on this mission."),
        PlacementStatus.declined: mark("You declined the place on this mission."),
        PlacementStatus.withdrawn: mark("You withdrew from this mission."),
    }
)


@dataclass(frozen=True, slots=True)
class Result:
    """Where the published matching left an application, in plain words."""

    placement_id: int
    status: PlacementStatus
    reason: str | None
    detail: str | None
    explanation: str
    waiting_list: bool


@dataclass(frozen=True, slots=True)
class ApplicationView:
    application: Application
    mission: Mission
    round: Round
    business_case: BusinessCase | None
    result: Result | None

    @property
    def changeable(self) -> bool:
        """Whether the firm may still change or withdraw it (the round is open)."""
        return (
            self.round.status == RoundStatus.open
            and self.application.status == ApplicationStatus.submitted
        )


def explain(placement: Placement, case: BusinessCase | None = None) -> Result:
    status = PlacementStatus(placement.status)
    reason = placement.reason
    waiting = reasons.waits(status, reason)
    if status == PlacementStatus.unplaced:
        text = reasons.for_firm(reason, case)
        if waiting:
            text += " " + str(reasons.WAITING)
    else:
        text = STATUS_TEXT[status]
    return Result(
        placement_id=placement.id or 0,
        status=status,
        reason=reason,
        detail=placement.detail,
        explanation=text,
        waiting_list=waiting,
    )


def applications_of(*, session: Session, firm: Firm) -> list[ApplicationView]:
    """The firm's applications with their missions, cases and (once published) results:
    by round, submitted before withdrawn, then by rank."""
    applications = session.exec(
        select(Application).where(Application.firm_id == firm.id).order_by(col(Application.id))
    ).all()
    return _views(session, list(applications))


def application_view(*, session: Session, firm: Firm, application_id: int) -> ApplicationView:
    """One of the firm's own applications with its result; NotFound for any other."""
    application = application_of(session=session, firm=firm, application_id=application_id)
    return _views(session, [application])[0]


def _views(session: Session, applications: list[Application]) -> list[ApplicationView]:
    if not applications:
        return []
    missions = {
        m.id: m
        for m in session.exec(
            select(Mission).where(col(Mission.id).in_({a.mission_id for a in applications}))
        )
    }
    rounds = {
        r.id: r
        for r in session.exec(
            select(Round).where(col(Round.id).in_({a.round_id for a in applications}))
        )
    }
    case_ids = {a.business_case_id for a in applications if a.business_case_id is not None}
    cases = (
        {
            c.id: c
            for c in session.exec(select(BusinessCase).where(col(BusinessCase.id).in_(case_ids)))
        }
        if case_ids
        else {}
    )
    placements: dict[int, Placement] = {}
    for round_row in rounds.values():
        if round_row.status != RoundStatus.published:
            continue
        run = run_service.published_run(session=session, round_row=round_row)
        if run is None:
            continue
        ids = [a.id for a in applications if a.round_id == round_row.id]
        for placement in session.exec(
            select(Placement).where(
                Placement.run_id == run.id, col(Placement.application_id).in_(ids)
            )
        ):
            placements[placement.application_id] = placement
    views = [
        ApplicationView(
            application=a,
            mission=missions[a.mission_id],
            round=rounds[a.round_id],
            business_case=cases.get(a.business_case_id) if a.business_case_id else None,
            result=(
                explain(placements[a.id], cases.get(a.business_case_id or 0))
                if a.id in placements
                else None
            ),
        )
        for a in applications
    ]
    views.sort(
        key=lambda v: (
            v.round.name,
            v.round.id,
            v.application.status != ApplicationStatus.submitted,
            v.application.rank,
        )
    )
    return views
