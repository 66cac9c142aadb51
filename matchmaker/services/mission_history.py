"""A firm's missions of the last three years, from the record: the places it accepted in
the service's published rounds, and the missions outside matchmaker that an organiser
entered (ExternalMission), which organisers add, list and delete for firms in their world.

A round's scenario counts them in the three years before the round's first mission
(HISTORY_YEARS); a firm cannot enter them itself. What a scenario file imported as
`missions_last_3_years` stays in Firm.missions_last_3_years as the imported history (the
record of the system the file came from) and is added to the count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from matchmaker import text as free_text
from matchmaker.i18n import gettext
from matchmaker.models import (
    Application,
    ExternalMission,
    ExternalMissionCreate,
    Firm,
    Mission,
    Placement,
    PlacementStatus,
    Role,
    Round,
    RoundStatus,
    User,
)
from matchmaker.models.firms import EXTERNAL_NOTE_LENGTH, EXTERNAL_TITLE_LENGTH
from matchmaker.services import audit, row_audit, tenancy
from matchmaker.services.errors import Invalid, NotFound
from matchmaker.services.firm_codes import country_name, is_country, is_row_id

HISTORY_YEARS = 3
MAX_TITLE = EXTERNAL_TITLE_LENGTH
MAX_NOTE = EXTERNAL_NOTE_LENGTH


def window_start(before: date) -> date:
    """The first day of the HISTORY_YEARS before `before` (29 February falls to the 28th)."""
    try:
        return before.replace(year=before.year - HISTORY_YEARS)
    except ValueError:
        return before.replace(year=before.year - HISTORY_YEARS, day=28)


# --------------------------------------------------------------------------- counting


def counts(
    *, session: Session, firm_ids: Iterable[int], before: date, exclude_round: str | None = None
) -> dict[int, int]:
    """Per firm: its accepted places in published rounds (but `exclude_round`) on missions
    that started in the window before `before`, plus its external missions in that window."""
    wanted = sorted(set(firm_ids))
    if not wanted:
        return {}
    start = window_start(before)
    found: dict[int, int] = dict.fromkeys(wanted, 0)
    accepted = (
        select(Application.firm_id, func.count())
        .join(Placement, col(Placement.application_id) == col(Application.id))
        .join(Round, col(Round.published_run_id) == col(Placement.run_id))
        .join(Mission, col(Mission.id) == col(Application.mission_id))
        .where(
            col(Application.firm_id).in_(wanted),
            Placement.status == PlacementStatus.accepted,
            Round.status == RoundStatus.published,
            col(Round.id) != (exclude_round or ""),
            col(Mission.start_date) >= start,
            col(Mission.start_date) < before,
        )
        .group_by(col(Application.firm_id))
    )
    outside = (
        select(ExternalMission.firm_id, func.count())
        .where(
            col(ExternalMission.firm_id).in_(wanted),
            col(ExternalMission.mission_date) >= start,
            col(ExternalMission.mission_date) < before,
        )
        .group_by(col(ExternalMission.firm_id))
    )
    for query in (accepted, outside):
        for firm_id, number in session.exec(query).all():
            found[firm_id] += number
    return found


def round_start(*, session: Session, round_id: str) -> date:
    """The day the round's first mission starts (today for a round without missions)."""
    first = session.exec(
        select(func.min(Mission.start_date)).where(Mission.round_id == round_id)
    ).one()
    return first or date.today()


# --------------------------------------------------------------------------- the firm's view


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One mission of the firm's history as its profile page lists it."""

    title: str
    country: str
    day: date
    outside: bool  # entered by an organiser: outside matchmaker


def history_of(*, session: Session, firm: Firm, today: date | None = None) -> list[HistoryEntry]:
    """The firm's missions of the last three years, newest first: its accepted places in
    the service's published rounds, and the missions outside matchmaker entered for it."""
    today = today or date.today()
    start = window_start(today)
    places = session.exec(
        select(Mission)
        .join(Application, col(Application.mission_id) == col(Mission.id))
        .join(Placement, col(Placement.application_id) == col(Application.id))
        .join(Round, col(Round.published_run_id) == col(Placement.run_id))
        .where(
            Application.firm_id == firm.id,
            Placement.status == PlacementStatus.accepted,
            Round.status == RoundStatus.published,
            col(Mission.start_date) >= start,
        )
    ).all()
    entries = [HistoryEntry(m.title, country_name(m.country), m.start_date, False) for m in places]
    entries += [
        HistoryEntry(e.title, country_name(e.country), e.mission_date, True)
        for e in external_of(session=session, firm_id=firm.id or 0)
        if e.mission_date >= start
    ]
    return sorted(entries, key=lambda e: e.day, reverse=True)


# --------------------------------------------------------------------------- organisers


def visible_firm(*, session: Session, user: User, firm_id: int) -> Firm:
    """A firm in the organiser's world; NotFound for any other."""
    firm = session.get(Firm, firm_id) if is_row_id(firm_id) else None
    if firm is None or not tenancy.firm_in_world(session=session, user=user, firm_id=firm_id):
        raise NotFound("firm", firm_id)
    return firm


def external_of(
    *, session: Session, firm_id: int, organisation_id: int | None = None
) -> list[ExternalMission]:
    """The firm's missions outside matchmaker, newest first: all of them (the firm's own
    view, and what counts), or with `organisation_id` only those that organisation entered
    (what an organiser sees: another organisation's notes are not its business)."""
    query = select(ExternalMission).where(ExternalMission.firm_id == firm_id)
    if organisation_id is not None:
        query = query.where(ExternalMission.organisation_id == organisation_id)
    return list(
        session.exec(
            query.order_by(col(ExternalMission.mission_date).desc(), col(ExternalMission.id).desc())
        ).all()
    )


def document(entry: ExternalMission) -> dict[str, Any]:
    return {
        "firm_id": entry.firm_id,
        "title": entry.title,
        "country": entry.country,
        "mission_date": entry.mission_date.isoformat(),
        "note": entry.note,
    }


def _clean(entry_in: ExternalMissionCreate) -> dict[str, Any]:
    problems: dict[str, str] = {}
    result: dict[str, Any] = {}
    for field, maximum in (("title", MAX_TITLE), ("note", MAX_NOTE)):
        value = getattr(entry_in, field)
        if value in (None, "") and field == "note":
            result[field] = None
            continue
        if not isinstance(value, str) or not value.strip():
            problems[field] = gettext("enter the mission's title")
            continue
        try:
            result[field] = free_text.clean(value.strip(), maximum=maximum)
        except free_text.TextError as error:
            problems[field] = str(error)
    country = entry_in.country
    code = country.strip().upper() if isinstance(country, str) else None
    if code is None or not is_country(code):
        problems["country"] = gettext(
            "give the country as an ISO 3166-1 alpha-2 code (e.g. DE, PL)"
        )
    result["country"] = code
    day = entry_in.mission_date
    if not isinstance(day, date):
        problems["mission_date"] = gettext("give the mission's first day as YYYY-MM-DD")
    elif not date(1990, 1, 1) <= day <= date.today():
        problems["mission_date"] = gettext("must be a day in the past, from 1990 on")
    result["mission_date"] = day
    if problems:
        raise Invalid(problems)
    return result


def add_external(
    *, session: Session, actor: User, firm_id: int, entry_in: ExternalMissionCreate
) -> ExternalMission:
    """Enter a mission the firm joined outside matchmaker (organisers, for firms in their
    world); NotFound for another firm, Invalid naming every bad field."""
    visible_firm(session=session, user=actor, firm_id=firm_id)
    assert str(actor.role) == Role.organiser.value and actor.organisation_id is not None
    entry = ExternalMission(
        firm_id=firm_id,
        organisation_id=actor.organisation_id,
        created_by=actor.id,
        **_clean(entry_in),
    )
    return row_audit.commit_change(
        session=session,
        actor=actor,
        row=entry,
        action="external_mission.create",
        after=document(entry),
    )


def visible_external(*, session: Session, user: User, entry_id: int) -> ExternalMission:
    """An entry of the organiser's own organisation; NotFound for any other (a peer's)."""
    entry = session.get(ExternalMission, entry_id) if is_row_id(entry_id) else None
    if (
        entry is None
        or user.organisation_id is None
        or entry.organisation_id != user.organisation_id
    ):
        raise NotFound("external mission", entry_id)
    return entry


def delete_external(*, session: Session, actor: User, entry_id: int) -> int:
    """Delete an entry of the actor's organisation; the firm's id."""
    entry = visible_external(session=session, user=actor, entry_id=entry_id)
    audit.record(
        session=session,
        actor=actor,
        action="external_mission.delete",
        object_type="external_mission",
        object_id=entry.id or 0,
        before=document(entry),
    )
    session.delete(entry)
    session.commit()
    return entry.firm_id
