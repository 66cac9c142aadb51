"""The checks an application must pass, shared by single applications and preference lists.

Each refusal names its field: the round is open and before its deadline, the firm and
its business cases fit the round's codes, a rank is a whole number from 1 to MAX_RANK,
and a business mission has one of the firm's own cases for its country.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Application,
    ApplicationStatus,
    BusinessCase,
    Firm,
    Mission,
    MissionKind,
    Round,
    RoundStatus,
)
from matchmaker.models.common import utcnow
from matchmaker.services import Conflict, NotFound
from matchmaker.services.active_rounds import round_codes
from matchmaker.services.firm_codes import country_name, is_row_id
from matchmaker.text import is_digits
from matchmaker.times import amsterdam_time

MAX_RANK = 99
T = TypeVar("T")


def retried_once(session: Session, attempt: Callable[[], T]) -> T:
    """`attempt()`, tried a second time when the same change arrived twice at once (the
    retry finds the first one's rows); a second IntegrityError is raised."""
    for number in (1, 2):
        try:
            return attempt()
        except IntegrityError:
            session.rollback()
            if number == 2:
                raise
    raise AssertionError("unreachable")


def taken_ranks(session: Session, firm: Firm, round_id: str) -> dict[int, int]:
    """Rank -> mission id of the firm's submitted applications in the round."""
    rows = session.exec(
        select(Application.rank, Application.mission_id).where(
            Application.firm_id == firm.id,
            Application.round_id == round_id,
            Application.status == ApplicationStatus.submitted,
        )
    ).all()
    return dict(rows)


def rank_taken(session: Session, rank: int, mission_id: int) -> str:
    """Why `rank` cannot be given: the firm gave it to another mission already."""
    other = session.get(Mission, mission_id)
    title = other.title if other is not None else gettext("mission %(id)s", id=mission_id)
    return gettext(
        "you gave rank %(rank)s to %(title)s already; each preference gets its own rank",
        rank=rank,
        title=title,
    )


def refuse_closed_round(round_row: Round) -> None:
    """Conflict unless the round takes applications now: open, and before its deadline."""
    if round_row.status != RoundStatus.open:
        raise Conflict(
            gettext(
                "round %(name)s is %(status)s: it takes no applications",
                name=repr(round_row.name),
                status=round_row.status,
            )
        )
    refuse_after_deadline(round_row)


def open_mission(session: Session, mission_id: int) -> tuple[Mission, Round]:
    """The mission and its round, which takes applications now; NotFound for a draft's."""
    mission = session.get(Mission, mission_id) if is_row_id(mission_id) else None
    round_row = session.get(Round, mission.round_id) if mission is not None else None
    if mission is None or round_row is None or round_row.status == RoundStatus.draft:
        raise NotFound("mission", mission_id)
    refuse_closed_round(round_row)
    return mission, round_row


def refuse_after_deadline(round_row: Round) -> None:
    """Conflict once the round's application deadline has passed (it may still be open)."""
    close_at = round_row.applications_close_at
    if close_at is not None and utcnow() >= close_at:
        raise Conflict(
            gettext(
                "applications for round %(name)s closed on %(moment)s; "
                "ask the organiser if you think this is a mistake",
                name=repr(round_row.name),
                moment=amsterdam_time(close_at),
            )
        )


def lock_firm(session: Session, firm: Firm) -> None:
    """Serialise a firm's application changes (PostgreSQL row lock; SQLite writes one at a
    time already), so two requests cannot give out the same rank."""
    session.exec(select(Firm.id).where(Firm.id == firm.id).with_for_update()).one()


def check_firm_fits_round(session: Session, firm: Firm, round_row: Round) -> None:
    """Conflict naming each of the firm's codes (its own, its cases' sectors) the round lacks."""
    regions, sectors = round_codes(session=session, round_id=round_row.id)
    problems = []
    if firm.region not in regions:
        problems.append(
            gettext(
                "your firm's region %(region)s is not one of round %(name)s's "
                "regions (%(regions)s); change your firm profile",
                region=repr(firm.region),
                name=repr(round_row.name),
                regions=", ".join(sorted(regions)),
            )
        )
    if firm.sector not in sectors:
        problems.append(
            gettext(
                "your firm's sector %(sector)s is not one of round %(name)s's "
                "sectors; change your firm profile",
                sector=repr(firm.sector),
                name=repr(round_row.name),
            )
        )
    for case in session.exec(select(BusinessCase).where(BusinessCase.firm_id == firm.id)):
        if case.sector not in sectors:
            problems.append(
                gettext(
                    "your business case %(case)s is for sector %(sector)s, which "
                    "round %(name)s does not have; change that case",
                    case=case.external_id,
                    sector=repr(case.sector),
                    name=repr(round_row.name),
                )
            )
    if problems:
        raise Conflict("; ".join(problems))


def whole_number(value: Any) -> int | None:
    """A whole number from a form string or a JSON number (never a bool); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and is_digits(value.strip()):
        return int(value.strip())
    return None


def check_choice(
    session: Session,
    firm: Firm,
    mission: Mission,
    rank: Any,
    business_case_id: Any,
    problems: dict[str, str],
    prefix: str = "",
) -> tuple[int, int | None]:
    """Check one application's own fields; add problems under `prefix` + field name."""
    number = whole_number(rank)
    if number is None or not 1 <= number <= MAX_RANK:
        problems[f"{prefix}rank"] = gettext(
            "give a rank from 1 (most wanted) to %(most)s", most=MAX_RANK
        )
        number = 0
    if mission.sectors and firm.sector not in mission.sectors:
        problems[f"{prefix}mission_id"] = gettext(
            "%(mission)s is for the sectors %(sectors)s; your firm's "
            "sector is %(sector)s, so it could never be placed",
            mission=mission.title,
            sectors=", ".join(mission.sectors),
            sector=firm.sector,
        )
    case_id: int | None = None
    if business_case_id not in (None, ""):
        case_id = whole_number(business_case_id)
        case = session.get(BusinessCase, case_id) if is_row_id(case_id) else None
        if case is None or case.firm_id != firm.id:
            problems[f"{prefix}business_case_id"] = gettext("is not one of your business cases")
        elif mission.kind == MissionKind.business and case.country != mission.country:
            problems[f"{prefix}business_case_id"] = gettext(
                "business case %(case)s is for %(country)s; this mission goes to %(goes_to)s",
                case=case.external_id,
                country=country_name(case.country),
                goes_to=country_name(mission.country),
            )
    elif mission.kind == MissionKind.business:
        problems[f"{prefix}business_case_id"] = gettext(
            "a business mission needs one of your business cases for %(country)s; write one first",
            country=country_name(mission.country),
        )
    return number, case_id


def application_document(application: Application) -> dict[str, Any]:
    """The application as its audit rows show it."""
    return {
        "firm_id": application.firm_id,
        "mission_id": application.mission_id,
        "round_id": application.round_id,
        "rank": application.rank,
        "business_case_id": application.business_case_id,
        "status": str(application.status),
    }
