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

The checks live in services/application_rules, shared with a whole preference list set at
once (services/preference_lists, whose names are importable from here too). Results are
read in services.application_results: once the round is published, each
application's standing is its Placement row in the round's latest succeeded matching run.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from matchmaker.i18n import gettext
from matchmaker.models import Application, ApplicationStatus, Firm, Round, RoundStatus, User
from matchmaker.models.common import utcnow
from matchmaker.services import Conflict, Invalid, NotFound, row_audit
from matchmaker.services.application_rules import (
    application_document,
    check_choice,
    check_firm_fits_round,
    lock_firm,
    open_mission,
    rank_taken,
    retried_once,
    taken_ranks,
)
from matchmaker.services.firm_codes import is_row_id
from matchmaker.services.preference_lists import Choice as Choice
from matchmaker.services.preference_lists import set_preferences as set_preferences

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
    ranks = taken_ranks(session, firm, round_id)
    return max(ranks, default=0) + 1


# --------------------------------------------------------------------------- changing


def _save(
    session: Session,
    actor: User,
    application: Application,
    action: str,
    before: dict[str, Any] | None,
) -> None:
    """Commit the application's change, audited with its document before and after."""
    row_audit.commit_change(
        session=session,
        actor=actor,
        row=application,
        action=action,
        before=before,
        after=application_document(application),
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
    return retried_once(
        session, lambda: _apply(session, actor, firm, mission_id, rank, business_case_id)
    )


def _apply(
    session: Session,
    actor: User,
    firm: Firm,
    mission_id: int,
    rank: int | str,
    business_case_id: int | str | None,
) -> tuple[Application, bool]:
    lock_firm(session, firm)
    mission, round_row = open_mission(session, mission_id)
    existing = session.exec(
        select(Application).where(
            Application.firm_id == firm.id, Application.mission_id == mission.id
        )
    ).first()
    problems: dict[str, str] = {}
    number, case_id = check_choice(session, firm, mission, rank, business_case_id, problems)
    if existing is not None and existing.status == ApplicationStatus.submitted:
        if not problems and existing.rank == number and existing.business_case_id == case_id:
            return existing, False
        raise Conflict(
            gettext(
                "you have applied to %(mission)s already (rank %(rank)s); change or "
                "withdraw that application",
                mission=mission.title,
                rank=existing.rank,
            )
        )
    check_firm_fits_round(session, firm, round_row)
    taken = taken_ranks(session, firm, round_row.id)
    if "rank" not in problems and number in taken:
        problems["rank"] = rank_taken(session, number, taken[number])
    if problems:
        raise Invalid(problems)
    if existing is not None:
        before = application_document(existing)
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
    _save(session, actor, application, action, before)
    return application, True


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
    lock_firm(session, firm)
    application = application_of(session=session, firm=firm, application_id=application_id)
    mission, round_row = open_mission(session, application.mission_id)
    if application.status != ApplicationStatus.submitted:
        raise Conflict(gettext("this application is withdrawn; apply again instead"))
    new_rank = application.rank if rank is _UNSET else rank
    new_case = application.business_case_id if business_case_id is _UNSET else business_case_id
    problems: dict[str, str] = {}
    number, case_id = check_choice(session, firm, mission, new_rank, new_case, problems)
    taken = taken_ranks(session, firm, round_row.id)
    if "rank" not in problems and taken.get(number, mission.id) != mission.id:
        problems["rank"] = rank_taken(session, number, taken[number])
    if problems:
        raise Invalid(problems)
    if number == application.rank and case_id == application.business_case_id:
        return application
    before = application_document(application)
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
            gettext(
                "the round is closed, so the application can no longer be withdrawn; once the "
                "results are out you can decline or withdraw from a place"
            )
        )
    before = application_document(application)
    application.status = ApplicationStatus.withdrawn
    application.withdrawn_at = utcnow()
    _save(session, actor, application, "application.withdraw", before)
    return application


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
