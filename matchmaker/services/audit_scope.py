"""Whose audit log a new row belongs to: the organisation and the firm, found from its object.

The scope is fixed when the row is written, from the object as it is then, so a row keeps
its owner when the object is deleted later (a meeting partner, a request) and the log never
needs a join per object type to be read. The rules (the migration that added the columns
applies the same ones to older rows):
- an object of a round (round, mission, run, application, placement, meeting day, partner,
  request, schedule run) belongs to the organisation that owns the round, whoever acted
  (a branch organisation's mission in an organiser's round is in the organiser's log);
- anything else belongs to the acting organiser's or branch organisation's organisation,
  and, when the system or an SME acted, to the organisation of the account or invitation
  it is about (a failed login, an operator's invitation); an SME's firm has none;
- firm_id is the firm the decision is about: a firm, its business cases and scans, and its
  applications, placements and meeting requests.
An organiser reads the rows of its organisation and the rows of no organisation about a
firm in its world (services/audit_log.py); an SME the rows about its firm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from matchmaker.models import (
    ApiToken,
    Application,
    BusinessCase,
    ExternalMission,
    Invitation,
    MatchingRun,
    MeetingDay,
    MeetingRequest,
    MeetingScheduleRun,
    Mission,
    Partner,
    Placement,
    ReadinessScan,
    Round,
    User,
)


@dataclass(frozen=True, slots=True)
class Scope:
    organisation_id: int | None = None
    firm_id: int | None = None


# The object types that belong to a round, whose owner's log they are in.
ROUND_OBJECTS = frozenset(
    {
        "round",
        "mission",
        "matching_run",
        "application",
        "placement",
        "meeting_day",
        "meeting_partner",
        "meeting_request",
        "meeting_schedule_run",
    }
)


def scope_of(
    *, session: Session, actor: User | None, object_type: str, object_id: str | int
) -> Scope:
    """The scope of a row about this object, read without flushing the caller's changes (an
    object deleted in the same transaction is still found)."""
    with session.no_autoflush:
        round_row, firm_id, own_organisation = _owners(session, object_type, str(object_id))
    if object_type in ROUND_OBJECTS and round_row is not None:
        return Scope(round_row.organisation_id, firm_id)
    return Scope(_acting_organisation(actor) or own_organisation, firm_id)


def _acting_organisation(actor: User | None) -> int | None:
    return actor.organisation_id if actor is not None else None


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _owners(
    session: Session, object_type: str, object_id: str
) -> tuple[Round | None, int | None, int | None]:
    """The object's round, firm and own organisation (each None where it has none)."""
    if object_type == "round":
        return session.get(Round, object_id), None, None
    number = _number(object_id)
    if number is None:
        return None, None, None
    if object_type == "user":
        user = session.get(User, number)
        return None, None, user.organisation_id if user is not None else None
    if object_type == "api_token":
        token = session.get(ApiToken, number)
        owner = session.get(User, token.user_id) if token is not None else None
        return None, None, owner.organisation_id if owner is not None else None
    if object_type == "invitation":
        invitation = session.get(Invitation, number)
        return None, None, invitation.organisation_id if invitation is not None else None
    if object_type == "firm":
        return None, number, None
    if object_type == "business_case":
        case = session.get(BusinessCase, number)
        return None, case.firm_id if case is not None else None, None
    if object_type == "readiness_scan":
        scan = session.get(ReadinessScan, number)
        return None, scan.firm_id if scan is not None else None, None
    if object_type == "external_mission":
        entry = session.get(ExternalMission, number)
        if entry is None:
            return None, None, None
        return None, entry.firm_id, entry.organisation_id
    return _round_owners(session, object_type, number), _firm_of(session, object_type, number), None


# The round objects that name their round, and those that name their meeting day.
_ROUND_NAMED_BY: dict[str, Any] = {
    "mission": Mission,
    "matching_run": MatchingRun,
    "application": Application,
}
_DAY_NAMED_BY: dict[str, Any] = {
    "meeting_partner": Partner,
    "meeting_request": MeetingRequest,
    "meeting_schedule_run": MeetingScheduleRun,
}


def _round_owners(session: Session, object_type: str, number: int) -> Round | None:
    day_id: int | None = None
    round_id: str | None = None
    if object_type in _ROUND_NAMED_BY:
        found = session.get(_ROUND_NAMED_BY[object_type], number)
        round_id = found.round_id if found is not None else None
    elif object_type == "placement":
        application = _application_of_placement(session, number)
        round_id = application.round_id if application is not None else None
    elif object_type == "meeting_day":
        day_id = number
    elif object_type in _DAY_NAMED_BY:
        found = session.get(_DAY_NAMED_BY[object_type], number)
        day_id = found.meeting_day_id if found is not None else None
    if day_id is not None:
        day = session.get(MeetingDay, day_id)
        mission = session.get(Mission, day.mission_id) if day is not None else None
        round_id = mission.round_id if mission is not None else None
    return session.get(Round, round_id) if round_id is not None else None


def _application_of_placement(session: Session, number: int) -> Application | None:
    placement = session.get(Placement, number)
    return session.get(Application, placement.application_id) if placement is not None else None


def _firm_of(session: Session, object_type: str, number: int) -> int | None:
    if object_type == "application":
        application = session.get(Application, number)
        return application.firm_id if application is not None else None
    if object_type == "placement":
        application = _application_of_placement(session, number)
        return application.firm_id if application is not None else None
    if object_type == "meeting_request":
        request = session.get(MeetingRequest, number)
        return request.firm_id if request is not None else None
    return None
