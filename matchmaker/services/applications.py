"""A firm's applications: apply to missions of an open round with ranked preferences and
the business case each needs, change or withdraw them while the round is open, and read
the result of each once the round is published.

Rules checked on applying (each refusal names its field):
- the round is open (a draft round's mission does not exist for the firm);
- the firm's region and sector, and the sectors of all its business cases, are codes of
  the round (its scenario must stay valid);
- a mission that lists sectors lists the firm's sector (otherwise it could never place it);
- ranks are whole numbers from 1 to MAX_RANK, unique among the firm's submitted
  applications in the round;
- a business mission needs one of the firm's own business cases for the mission's
  country; a promotional mission may name one. An unverified case is accepted (the
  organiser verifies it before the matching).

A firm applies to a mission at most once (unique firm + mission): sending the same
application again answers with the existing one and changes nothing, so a double submit
creates one application; a withdrawn application comes back when the firm applies again.

Results. Once the round is published, each application's standing is its Placement row in
the round's latest succeeded matching run: placed (with accept/decline handled on the
placement pages), unplaced with the reason the engine gave, or a later offer or answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

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
    User,
)
from matchmaker.models.common import utcnow
from matchmaker.optimisation.eligibility import INELIGIBLE_REASONS
from matchmaker.services import NotFound, audit, read_back
from matchmaker.services import runs as run_service
from matchmaker.services.firms import (
    Conflict,
    Invalid,
    country_name,
    is_row_id,
    round_codes,
)
from matchmaker.text import is_digits

MAX_RANK = 99
_UNSET: Any = object()


# --------------------------------------------------------------------------- reading


def application_of(*, session: Session, firm: Firm, application_id: int) -> Application:
    """One of the firm's own applications; NotFound for any other (another firm's too)."""
    application = session.get(Application, application_id) if is_row_id(application_id) else None
    if application is None or application.firm_id != firm.id:
        raise NotFound("application", application_id)
    return application


def next_rank(*, session: Session, firm: Firm, round_id: str) -> int:
    """The rank after the firm's lowest preference in the round (1 for a first application)."""
    ranks = _taken_ranks(session, firm, round_id)
    return max(ranks, default=0) + 1


def _taken_ranks(session: Session, firm: Firm, round_id: str) -> dict[int, int]:
    """Rank -> mission id of the firm's submitted applications in the round."""
    rows = session.exec(
        select(Application.rank, Application.mission_id).where(
            Application.firm_id == firm.id,
            Application.round_id == round_id,
            Application.status == ApplicationStatus.submitted,
        )
    ).all()
    return dict(rows)


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


# --------------------------------------------------------------------------- checks


def _open_mission(session: Session, mission_id: int) -> tuple[Mission, Round]:
    mission = session.get(Mission, mission_id) if is_row_id(mission_id) else None
    round_row = session.get(Round, mission.round_id) if mission is not None else None
    if mission is None or round_row is None or round_row.status == RoundStatus.draft:
        raise NotFound("mission", mission_id)
    if round_row.status != RoundStatus.open:
        raise Conflict(f"round {round_row.name!r} is {round_row.status}: it takes no applications")
    return mission, round_row


def _lock_firm(session: Session, firm: Firm) -> None:
    """Serialise a firm's application changes (PostgreSQL row lock; SQLite writes one at a
    time already), so two requests cannot give out the same rank."""
    session.exec(select(Firm.id).where(Firm.id == firm.id).with_for_update()).one()


def _check_firm_fits_round(session: Session, firm: Firm, round_row: Round) -> None:
    regions, sectors = round_codes(session=session, round_id=round_row.id)
    problems = []
    if firm.region not in regions:
        problems.append(
            f"your firm's region {firm.region!r} is not one of round {round_row.name!r}'s "
            f"regions ({', '.join(sorted(regions))}); change your firm profile"
        )
    if firm.sector not in sectors:
        problems.append(
            f"your firm's sector {firm.sector!r} is not one of round {round_row.name!r}'s "
            f"sectors; change your firm profile"
        )
    for case in session.exec(select(BusinessCase).where(BusinessCase.firm_id == firm.id)):
        if case.sector not in sectors:
            problems.append(
                f"your business case {case.external_id} is for sector {case.sector!r}, which "
                f"round {round_row.name!r} does not have; change that case"
            )
    if problems:
        raise Conflict("; ".join(problems))


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and is_digits(value.strip()):
        return int(value.strip())
    return None


def _check_choice(
    session: Session,
    firm: Firm,
    mission: Mission,
    rank: Any,
    business_case_id: Any,
    problems: dict[str, str],
    prefix: str = "",
) -> tuple[int, int | None]:
    """Check one application's own fields; add problems under `prefix` + field name."""
    number = _whole_number(rank)
    if number is None or not 1 <= number <= MAX_RANK:
        problems[f"{prefix}rank"] = f"give a rank from 1 (most wanted) to {MAX_RANK}"
        number = 0
    if mission.sectors and firm.sector not in mission.sectors:
        problems[f"{prefix}mission_id"] = (
            f"{mission.title} is for the sectors {', '.join(mission.sectors)}; your firm's "
            f"sector is {firm.sector}, so it could never be placed"
        )
    case_id: int | None = None
    if business_case_id not in (None, ""):
        case_id = _whole_number(business_case_id)
        case = session.get(BusinessCase, case_id) if is_row_id(case_id) else None
        if case is None or case.firm_id != firm.id:
            problems[f"{prefix}business_case_id"] = "is not one of your business cases"
        elif mission.kind == MissionKind.business and case.country != mission.country:
            problems[f"{prefix}business_case_id"] = (
                f"business case {case.external_id} is for {country_name(case.country)}; "
                f"this mission goes to {country_name(mission.country)}"
            )
    elif mission.kind == MissionKind.business:
        problems[f"{prefix}business_case_id"] = (
            "a business mission needs one of your business cases for "
            f"{country_name(mission.country)}; write one first"
        )
    return number, case_id


def _document(application: Application) -> dict[str, Any]:
    return {
        "firm_id": application.firm_id,
        "mission_id": application.mission_id,
        "round_id": application.round_id,
        "rank": application.rank,
        "business_case_id": application.business_case_id,
        "status": str(application.status),
    }


# --------------------------------------------------------------------------- changing


def apply(
    *,
    session: Session,
    actor: User,
    firm: Firm,
    mission_id: int,
    rank: int | str,
    business_case_id: int | str | None = None,
) -> tuple[Application, bool]:
    """Apply the firm to a mission of an open round and commit.

    Returns the application and whether it was (re)submitted now: sending an application
    identical to a submitted one changes nothing and returns (existing, False). Raises
    NotFound, Conflict (round not open, firm or cases outside the round's codes, applied
    already with another rank or case) or Invalid naming the bad fields.
    """
    for attempt in (1, 2):
        try:
            return _apply(session, actor, firm, mission_id, rank, business_case_id)
        except IntegrityError:
            # The same application arrived twice at once; the retry finds the first one.
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _apply(
    session: Session,
    actor: User,
    firm: Firm,
    mission_id: int,
    rank: int | str,
    business_case_id: int | str | None,
) -> tuple[Application, bool]:
    _lock_firm(session, firm)
    mission, round_row = _open_mission(session, mission_id)
    existing = session.exec(
        select(Application).where(
            Application.firm_id == firm.id, Application.mission_id == mission.id
        )
    ).first()
    problems: dict[str, str] = {}
    number, case_id = _check_choice(session, firm, mission, rank, business_case_id, problems)
    if existing is not None and existing.status == ApplicationStatus.submitted:
        if not problems and existing.rank == number and existing.business_case_id == case_id:
            return existing, False
        raise Conflict(
            f"you have applied to {mission.title} already (rank {existing.rank}); change or "
            "withdraw that application"
        )
    _check_firm_fits_round(session, firm, round_row)
    taken = _taken_ranks(session, firm, round_row.id)
    if "rank" not in problems and number in taken:
        problems["rank"] = _rank_taken(session, number, taken[number])
    if problems:
        raise Invalid(problems)
    if existing is not None:
        before = _document(existing)
        existing.status = ApplicationStatus.submitted
        existing.rank = number
        existing.business_case_id = case_id
        existing.withdrawn_at = None
        application = existing
        action = "application.resubmit"
    else:
        before = None
        application = Application(
            round_id=round_row.id,
            firm_id=firm.id or 0,
            mission_id=mission.id or 0,
            rank=number,
            business_case_id=case_id,
        )
        action = "application.create"
    session.add(application)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=action,
        object_type="application",
        object_id=application.id or 0,
        before=before,
        after=_document(application),
    )
    session.commit()
    read_back(session, application)
    return application, True


def _rank_taken(session: Session, rank: int, mission_id: int) -> str:
    other = session.get(Mission, mission_id)
    title = other.title if other is not None else f"mission {mission_id}"
    return f"you gave rank {rank} to {title} already; each preference gets its own rank"


def change(
    *,
    session: Session,
    actor: User,
    firm: Firm,
    application_id: int,
    rank: int | str = _UNSET,
    business_case_id: int | str | None = _UNSET,
) -> Application:
    """Change the rank or business case of a submitted application while its round is open,
    and commit."""
    _lock_firm(session, firm)
    application = application_of(session=session, firm=firm, application_id=application_id)
    mission, round_row = _open_mission(session, application.mission_id)
    if application.status != ApplicationStatus.submitted:
        raise Conflict("this application is withdrawn; apply again instead")
    new_rank = application.rank if rank is _UNSET else rank
    new_case = application.business_case_id if business_case_id is _UNSET else business_case_id
    problems: dict[str, str] = {}
    number, case_id = _check_choice(session, firm, mission, new_rank, new_case, problems)
    taken = _taken_ranks(session, firm, round_row.id)
    if "rank" not in problems and taken.get(number, mission.id) != mission.id:
        problems["rank"] = _rank_taken(session, number, taken[number])
    if problems:
        raise Invalid(problems)
    if number == application.rank and case_id == application.business_case_id:
        return application
    before = _document(application)
    application.rank = number
    application.business_case_id = case_id
    session.add(application)
    audit.record(
        session=session,
        actor=actor,
        action="application.update",
        object_type="application",
        object_id=application.id or 0,
        before=before,
        after=_document(application),
    )
    session.commit()
    read_back(session, application)
    return application


def withdraw(*, session: Session, actor: User, firm: Firm, application_id: int) -> Application:
    """Withdraw an application before its round closes, and commit (again: no change)."""
    application = application_of(session=session, firm=firm, application_id=application_id)
    if application.status == ApplicationStatus.withdrawn:
        return application
    round_row = session.get(Round, application.round_id)
    if round_row is None or round_row.status != RoundStatus.open:
        raise Conflict(
            "the round is closed, so the application can no longer be withdrawn; once the "
            "results are out you can decline or withdraw from a place"
        )
    before = _document(application)
    application.status = ApplicationStatus.withdrawn
    application.withdrawn_at = utcnow()
    session.add(application)
    audit.record(
        session=session,
        actor=actor,
        action="application.withdraw",
        object_type="application",
        object_id=application.id or 0,
        before=before,
        after=_document(application),
    )
    session.commit()
    read_back(session, application)
    return application


@dataclass(frozen=True, slots=True)
class Choice:
    """One line of a preference list: a mission, its rank, and the business case it needs."""

    mission_id: int
    rank: int | str
    business_case_id: int | str | None = None


def set_preferences(
    *, session: Session, actor: User, firm: Firm, round_id: str, choices: Sequence[Choice]
) -> list[Application]:
    """Make `choices` the firm's submitted applications in an open round, all or nothing,
    and commit: listed missions are applied to (or changed, or resubmitted), the firm's
    other submitted applications in the round are withdrawn. Sending the same list twice
    changes nothing the second time. Problems are named `choices.i.field`."""
    for attempt in (1, 2):
        try:
            return _set_preferences(session, actor, firm, round_id, choices)
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _set_preferences(
    session: Session, actor: User, firm: Firm, round_id: str, choices: Sequence[Choice]
) -> list[Application]:
    _lock_firm(session, firm)
    round_row = session.get(Round, round_id)
    if round_row is None or round_row.status == RoundStatus.draft:
        raise NotFound("round", round_id)
    if round_row.status != RoundStatus.open:
        raise Conflict(f"round {round_row.name!r} is {round_row.status}: it takes no applications")
    missions = {
        m.id: m for m in session.exec(select(Mission).where(Mission.round_id == round_id)).all()
    }
    problems: dict[str, str] = {}
    wanted: dict[int, tuple[int, int | None]] = {}
    rank_owner: dict[int, int] = {}
    for index, choice in enumerate(choices):
        prefix = f"choices.{index}."
        mission = missions.get(choice.mission_id)
        if mission is None:
            problems[f"{prefix}mission_id"] = "is not a mission of this round"
            continue
        if choice.mission_id in wanted:
            problems[f"{prefix}mission_id"] = f"{mission.title} is listed twice"
            continue
        number, case_id = _check_choice(
            session, firm, mission, choice.rank, choice.business_case_id, problems, prefix
        )
        if f"{prefix}rank" not in problems:
            if number in rank_owner:
                problems[f"{prefix}rank"] = (
                    f"rank {number} is given to {missions[rank_owner[number]].title} too; "
                    "each preference gets its own rank"
                )
            rank_owner[number] = choice.mission_id
        wanted[choice.mission_id] = (number, case_id)
    if problems:
        raise Invalid(problems)
    if wanted:
        _check_firm_fits_round(session, firm, round_row)
    existing = {
        a.mission_id: a
        for a in session.exec(
            select(Application).where(
                Application.firm_id == firm.id, Application.round_id == round_id
            )
        ).all()
    }
    changes: list[tuple[Application, str, dict[str, Any] | None]] = []
    # Withdraw first: a rank given up here may be taken by another mission below.
    for mission_id, application in existing.items():
        if application.status == ApplicationStatus.submitted and mission_id not in wanted:
            before = _document(application)
            application.status = ApplicationStatus.withdrawn
            application.withdrawn_at = utcnow()
            changes.append((application, "application.withdraw", before))
    for mission_id, (number, case_id) in wanted.items():
        application = existing.get(mission_id)
        if application is None:
            application = Application(
                round_id=round_id,
                firm_id=firm.id or 0,
                mission_id=mission_id,
                rank=number,
                business_case_id=case_id,
            )
            changes.append((application, "application.create", None))
            continue
        if (
            application.status == ApplicationStatus.submitted
            and application.rank == number
            and application.business_case_id == case_id
        ):
            continue
        before = _document(application)
        action = (
            "application.update"
            if application.status == ApplicationStatus.submitted
            else "application.resubmit"
        )
        application.status = ApplicationStatus.submitted
        application.rank = number
        application.business_case_id = case_id
        application.withdrawn_at = None
        changes.append((application, action, before))
    for application, _, _ in changes:
        session.add(application)
    session.flush()
    for application, action, before in changes:
        audit.record(
            session=session,
            actor=actor,
            action=action,
            object_type="application",
            object_id=application.id or 0,
            before=before,
            after=_document(application),
        )
    session.commit()
    return list(
        session.exec(
            select(Application)
            .where(
                Application.firm_id == firm.id,
                Application.round_id == round_id,
                Application.status == ApplicationStatus.submitted,
            )
            .order_by(col(Application.rank))
        ).all()
    )


# --------------------------------------------------------------------------- results

STATUS_TEXT = {
    PlacementStatus.placed: "You have a place on this mission. Accept or decline it.",
    # Publishing makes every placement an offer; the waiting list makes offers later too.
    PlacementStatus.offered: "A place on this mission is offered to you. Accept or decline it.",
    PlacementStatus.accepted: "You accepted your place on this mission.",
    PlacementStatus.declined: "You declined the place on this mission.",
    PlacementStatus.withdrawn: "You withdrew from this mission.",
}
REASON_TEXT = {
    "sector_mismatch": (
        "This mission is only for the sectors it lists, and your firm's sector is not among them."
    ),
    "no_business_case": "A business mission needs a business case, and the application named none.",
    "business_case_unverified": (
        "Your business case had not been verified by the organiser before the matching."
    ),
    "business_case_wrong_country": (
        "Your business case is for another country than the one this mission goes to."
    ),
    "not_ready": (
        "A business mission needs your export strategy and organisation in order (see the "
        "readiness scan), and they were not."
    ),
    "placed_elsewhere": (
        "You already have as many places as a firm may get in this round, on another mission "
        "you applied to."
    ),
    "date_conflict": "You have a place on another mission whose dates overlap with this one.",
    "mission_cancelled": (
        "The mission does not take place: too few firms could be placed to reach its minimum."
    ),
    "outranked": (
        "The mission was full, and the firms placed on it came first on preference, region "
        "priority, first participation or the strength of their business case."
    ),
    "slipstream_full": (
        "This promotional mission takes only a few firms from outside the region's top "
        "sectors, and those places were taken."
    ),
    "sector_cap": (
        "This mission takes a limited number of firms per sector, and your sector's places "
        "were taken."
    ),
    "budget": "The round's subsidy budget was spent before your place could be funded.",
    "not_selected": (
        "No single rule kept you off: the places went to the combination of firms that filled "
        "the most places with the most wanted choices."
    ),
}


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


def explain(placement: Placement) -> Result:
    status = PlacementStatus(placement.status)
    reason = placement.reason
    waiting = status == PlacementStatus.unplaced and reason not in INELIGIBLE_REASONS
    if status == PlacementStatus.unplaced:
        text = REASON_TEXT.get(reason or "", "You were not placed on this mission.")
        if waiting:
            text += " You are on the waiting list: if a place frees up it may be offered to you."
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
            result=explain(placements[a.id]) if a.id in placements else None,
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


def submitted_by_mission(*, session: Session, firm_id: int) -> dict[int, Application]:
    """The firm's submitted applications by mission: one query, not the full views (results,
    cases) the SME's own pages show."""
    applications = session.exec(
        select(Application).where(
            Application.firm_id == firm_id,
            Application.status == ApplicationStatus.submitted,
        )
    ).all()
    return {application.mission_id: application for application in applications}
