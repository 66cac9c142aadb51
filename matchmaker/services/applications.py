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

Results are read in services.application_results: once the round is published, each
application's standing is its Placement row in the round's latest succeeded matching run.
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
    Round,
    RoundStatus,
    User,
)
from matchmaker.models.common import utcnow
from matchmaker.services import Conflict, Invalid, NotFound, audit
from matchmaker.services.active_rounds import round_codes
from matchmaker.services.firm_codes import country_name, is_row_id
from matchmaker.text import is_digits
from matchmaker.times import amsterdam_time

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


# --------------------------------------------------------------------------- checks


def _open_mission(session: Session, mission_id: int) -> tuple[Mission, Round]:
    mission = session.get(Mission, mission_id) if is_row_id(mission_id) else None
    round_row = session.get(Round, mission.round_id) if mission is not None else None
    if mission is None or round_row is None or round_row.status == RoundStatus.draft:
        raise NotFound("mission", mission_id)
    if round_row.status != RoundStatus.open:
        raise Conflict(f"round {round_row.name!r} is {round_row.status}: it takes no applications")
    refuse_after_deadline(round_row)
    return mission, round_row


def refuse_after_deadline(round_row: Round) -> None:
    """Conflict once the round's application deadline has passed (it may still be open)."""
    close_at = round_row.applications_close_at
    if close_at is not None and utcnow() >= close_at:
        raise Conflict(
            f"applications for round {round_row.name!r} closed on {amsterdam_time(close_at)}; "
            "ask the organiser if you think this is a mistake"
        )


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


def _save(
    session: Session,
    actor: User,
    application: Application,
    action: str,
    before: dict[str, Any] | None,
) -> None:
    """Commit the application's change, audited with its document before and after."""
    audit.commit_change(
        session=session,
        actor=actor,
        row=application,
        action=action,
        object_type="application",
        before=before,
        after=_document(application),
    )


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
    _save(session, actor, application, action, before)
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
    _save(session, actor, application, "application.update", before)
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
    _save(session, actor, application, "application.withdraw", before)
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
    refuse_after_deadline(round_row)
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
