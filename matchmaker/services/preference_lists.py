"""A firm's whole preference list in a round, set at once: all of it applied, or none.

Listed missions are applied to (or changed, or resubmitted) and the firm's other
submitted applications in the round are withdrawn, with the checks of
services/application_rules; sending the same list twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Application,
    ApplicationStatus,
    Firm,
    Mission,
    Round,
    RoundStatus,
    User,
)
from matchmaker.models.common import utcnow
from matchmaker.services import Invalid, NotFound, audit
from matchmaker.services.application_rules import (
    application_document,
    check_choice,
    check_firm_fits_round,
    lock_firm,
    refuse_closed_round,
    retried_once,
)


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
    return retried_once(session, lambda: _set_preferences(session, actor, firm, round_id, choices))


def _set_preferences(
    session: Session, actor: User, firm: Firm, round_id: str, choices: Sequence[Choice]
) -> list[Application]:
    lock_firm(session, firm)
    round_row = session.get(Round, round_id)
    if round_row is None or round_row.status == RoundStatus.draft:
        raise NotFound("round", round_id)
    refuse_closed_round(round_row)
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
            problems[f"{prefix}mission_id"] = gettext("is not a mission of this round")
            continue
        if choice.mission_id in wanted:
            problems[f"{prefix}mission_id"] = gettext(
                "%(mission)s is listed twice", mission=mission.title
            )
            continue
        number, case_id = check_choice(
            session, firm, mission, choice.rank, choice.business_case_id, problems, prefix
        )
        if f"{prefix}rank" not in problems:
            if number in rank_owner:
                problems[f"{prefix}rank"] = gettext(
                    "rank %(rank)s is given to %(mission)s too; each preference gets its own rank",
                    rank=number,
                    mission=missions[rank_owner[number]].title,
                )
            rank_owner[number] = choice.mission_id
        wanted[choice.mission_id] = (number, case_id)
    if problems:
        raise Invalid(problems)
    if wanted:
        check_firm_fits_round(session, firm, round_row)
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
            before = application_document(application)
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
        before = application_document(application)
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
            after=application_document(application),
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
