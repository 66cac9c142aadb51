"""Missions and fairs of a round: create, edit with optimistic locking, list, and who owns them.

Every SPEC field is checked with the rules of the scenario format, and a problem names its
field (`end_date`, `region_min.GR`). An edit names the version it was based on; the UPDATE
only applies while the mission still has that version, so a second save based on an old
version is refused (Stale) instead of silently overwriting someone else's change.

Organisers create and edit the missions of their rounds until the round is published.
A branch organisation creates national missions (scope national) in draft or open rounds,
and sees and edits only the missions its organisation owns.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Mission,
    MissionCreate,
    MissionSpec,
    MissionUpdate,
    Organisation,
    Round,
    RoundStatus,
    Scope,
    User,
)
from matchmaker.models.common import CODE_LENGTH
from matchmaker.services import NotFound, audit, read_back
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Conflict, Invalid, Problem
from matchmaker.services.mission_checks import (
    MISSION_FIELDS,
    problems_in_round,
    shape_values,
)

OPTIONAL_DEFAULTS: dict[str, Any] = {
    "min_participants": 0,
    "sectors": [],
    "slipstream_max": None,
    "sector_max": None,
    "region_min": {},
    "subsidy_eur": 0,
}
EDITABLE_BY_ORGANISER = (RoundStatus.draft, RoundStatus.open, RoundStatus.closed)
EDITABLE_BY_BRANCH = (RoundStatus.draft, RoundStatus.open)


class Stale(Conflict):
    """The mission changed since the editor read it."""

    def __init__(self, mission: Mission, based_on: int):
        self.current_version = mission.version
        self.based_on = based_on
        super().__init__(
            gettext(
                "This mission was changed by someone else since you opened it (you edited "
                "version %(based_on)s, it is now version %(version)s). Nothing was saved: "
                "look at the current values and make your change again.",
                based_on=based_on,
                version=mission.version,
            )
        )


# --------------------------------------------------------------------------- reading


def list_missions(*, session: Session, round_id: str) -> list[Mission]:
    """A round's missions by start date, then title."""
    query = (
        select(Mission)
        .where(Mission.round_id == round_id)
        .order_by(col(Mission.start_date), col(Mission.title), col(Mission.id))
    )
    return list(session.exec(query))


def get_for_organiser(*, session: Session, user: User, round_id: str, mission_id: int) -> Mission:
    """A mission of one of the organiser's rounds; NotFound otherwise."""
    round_service.get_round(session=session, user=user, round_id=round_id)
    mission = session.get(Mission, mission_id)
    if mission is None or mission.round_id != round_id:
        raise NotFound("mission", mission_id)
    return mission


def list_owned(*, session: Session, user: User) -> list[Mission]:
    """The missions owned by the user's organisation (a branch organisation's own)."""
    if user.organisation_id is None:
        return []
    query = (
        select(Mission)
        .where(Mission.owner_organisation_id == user.organisation_id)
        .order_by(col(Mission.start_date), col(Mission.title), col(Mission.id))
    )
    return list(session.exec(query))


def get_owned(*, session: Session, user: User, mission_id: int) -> Mission:
    """A mission the user's organisation owns; any other answers NotFound."""
    mission = session.get(Mission, mission_id)
    if (
        mission is None
        or user.organisation_id is None
        or mission.owner_organisation_id != user.organisation_id
    ):
        raise NotFound("mission", mission_id)
    return mission


def _saved(mission: Mission) -> dict[str, Any]:
    """The mission's SPEC fields as saved."""
    return {name: getattr(mission, name) for name in MISSION_FIELDS}


def _document(fields: dict[str, Any]) -> dict[str, Any]:
    """Mission fields as JSON (dates as ISO strings), for audit rows."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in fields.items()
    }


def _check_round_status(round_row: Round, allowed: tuple[RoundStatus, ...]) -> None:
    status = RoundStatus(round_row.status)
    if status not in allowed:
        if status is RoundStatus.published:
            raise Conflict(gettext("the round is published; its missions can no longer change"))
        raise Conflict(
            gettext(
                "the round is %(status)s; missions can be offered and changed only while "
                "it is %(allowed)s",
                status=status.value,
                allowed=" or ".join(s.value for s in allowed),
            )
        )


# --------------------------------------------------------------------------- writing


def external_id_problems(*, session: Session, round_id: str, external_id: str) -> list[Problem]:
    """A new mission's id must fit and be free in its round (blank: one is chosen)."""
    if len(external_id) > CODE_LENGTH:
        return [
            Problem(
                "external_id", gettext("is longer than %(limit)s characters", limit=CODE_LENGTH)
            )
        ]
    if (
        external_id
        and session.exec(
            select(Mission.id).where(
                Mission.round_id == round_id, Mission.external_id == external_id
            )
        ).first()
    ):
        return [
            Problem(
                "external_id",
                gettext("the round has a mission %(id)s already", id=repr(external_id)),
            )
        ]
    return []


def _next_external_id(session: Session, round_id: str, prefix: str) -> str:
    count = session.exec(select(func.count()).where(Mission.round_id == round_id)).one()
    number = count + 1
    while True:
        candidate = f"{prefix}{number:03d}"
        taken = session.exec(
            select(Mission.id).where(Mission.round_id == round_id, Mission.external_id == candidate)
        ).first()
        if taken is None:
            return candidate
        number += 1


def create_mission(
    *,
    session: Session,
    actor: User,
    round_row: Round,
    mission_in: MissionCreate,
    owner_organisation_id: int | None = None,
) -> Mission:
    """A new mission of the round. With an owner (a branch organisation) the scope is national
    and the round must be draft or open; an organiser's round must not be published yet.

    A blank external_id gets the next free "M007" (or "B007" for a branch organisation).
    """
    branch = owner_organisation_id is not None
    _check_round_status(round_row, EDITABLE_BY_BRANCH if branch else EDITABLE_BY_ORGANISER)
    full = {**OPTIONAL_DEFAULTS, **shape_values(mission_in)}
    if branch:
        full["scope"] = Scope.national.value
    external_id = (mission_in.external_id or "").strip()
    problems = external_id_problems(session=session, round_id=round_row.id, external_id=external_id)
    if not external_id:
        external_id = _next_external_id(session, round_row.id, "B" if branch else "M")
    problems.extend(
        problems_in_round(
            session=session, round_row=round_row, mission=MissionSpec.model_construct(**full)
        )
    )
    if problems:
        raise Invalid(problems)

    mission = Mission(
        round_id=round_row.id,
        external_id=external_id,
        owner_organisation_id=owner_organisation_id,
        **{name: full[name] for name in MISSION_FIELDS},
    )
    try:
        session.add(mission)
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="mission.create",
            object_type="mission",
            object_id=mission.id,
            after={"round_id": round_row.id, "external_id": external_id, **_document(full)},
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Invalid(
            [
                Problem(
                    "external_id",
                    gettext("the round has a mission %(id)s already", id=repr(external_id)),
                )
            ]
        ) from None
    read_back(session, mission)
    return mission


def update_mission(
    *,
    session: Session,
    actor: User,
    mission: Mission,
    changes: MissionUpdate,
    branch: bool = False,
) -> Mission:
    """Apply changes made to `changes.version` of the mission; Stale if it has moved on since.

    Only the fields set in `changes` change; a branch organisation's mission stays national.
    """
    round_row = session.get(Round, mission.round_id)
    assert round_row is not None
    _check_round_status(round_row, EDITABLE_BY_BRANCH if branch else EDITABLE_BY_ORGANISER)
    version = changes.version
    if mission.version != version:
        raise Stale(mission, version)
    current = _saved(mission)
    merged = {**current, **shape_values(changes, only_set=True)}
    if branch:
        merged["scope"] = Scope.national.value
    problems = problems_in_round(
        session=session, round_row=round_row, mission=MissionSpec.model_construct(**merged)
    )
    if problems:
        raise Invalid(problems)
    changed = {name: merged[name] for name in MISSION_FIELDS if merged[name] != current[name]}
    if not changed:
        return mission
    applied = session.execute(
        update(Mission)
        .where(col(Mission.id) == mission.id, col(Mission.version) == version)
        .values(**changed, version=version + 1)
    ).rowcount
    if applied != 1:
        session.rollback()
        read_back(session, mission)
        raise Stale(mission, version)
    audit.record(
        session=session,
        actor=actor,
        action="mission.update",
        object_type="mission",
        object_id=mission.id,
        before={"version": version, **_document({k: current[k] for k in changed})},
        after={"version": version + 1, **_document(changed)},
    )
    session.commit()
    read_back(session, mission)
    return mission


def round_of(*, session: Session, mission: Mission) -> Round:
    """The round the mission belongs to."""
    round_row = session.get(Round, mission.round_id)
    assert round_row is not None
    return round_row


def owner_names(*, session: Session, missions: Iterable[Mission]) -> dict[int, str]:
    """The names of the organisations owning these missions (branch missions), by id."""
    ids = {m.owner_organisation_id for m in missions if m.owner_organisation_id is not None}
    if not ids:
        return {}
    query = select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids))
    return {organisation_id: name for organisation_id, name in session.exec(query)}
