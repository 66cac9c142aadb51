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

import pycountry
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, func, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Mission,
    MissionCreate,
    MissionFormat,
    MissionKind,
    MissionSpec,
    MissionUpdate,
    Organisation,
    Round,
    RoundStatus,
    Scope,
    User,
)
from matchmaker.models.common import CODE_LENGTH
from matchmaker.optimisation.scenario_types import MAX_INTEGER
from matchmaker.services import NotFound, audit, read_back
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Conflict, Invalid, Problem

MISSION_FIELDS = (
    "title",
    "kind",
    "format",
    "scope",
    "organiser",
    "country",
    "start_date",
    "end_date",
    "capacity",
    "min_participants",
    "sectors",
    "slipstream_max",
    "sector_max",
    "region_min",
    "subsidy_eur",
)
OPTIONAL_DEFAULTS: dict[str, Any] = {
    "min_participants": 0,
    "sectors": [],
    "slipstream_max": None,
    "sector_max": None,
    "region_min": {},
    "subsidy_eur": 0,
}
TITLE_LENGTH = 300
ORGANISER_LENGTH = 200
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


def _values(shape: SQLModel, *, only_set: bool = False) -> dict[str, Any]:
    """A mission shape's SPEC fields as plain values (enums as their text); a field the
    shape lacks (built without pydantic's checks) is None."""
    names = shape.model_fields_set if only_set else type(shape).model_fields
    return {
        name: getattr(value, "value", value)
        for name in MISSION_FIELDS
        if name in names
        for value in (getattr(shape, name, None),)
    }


def _document(fields: dict[str, Any]) -> dict[str, Any]:
    """Mission fields as JSON (dates as ISO strings), for audit rows."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in fields.items()
    }


# --------------------------------------------------------------------------- checks


def _is_country(code: Any) -> bool:
    return (
        isinstance(code, str)
        and len(code) == 2
        and code.isupper()
        and pycountry.countries.get(alpha_2=code) is not None
    )


def _text(problems: list[Problem], name: str, value: Any, limit: int) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(name, gettext("must not be empty")))
    elif len(value) > limit:
        problems.append(
            Problem(
                name,
                gettext(
                    "is %(length)s characters long, at most %(limit)s",
                    length=len(value),
                    limit=limit,
                ),
            )
        )
    elif "\x00" in value:
        problems.append(Problem(name, gettext("must not contain NUL characters")))


def _count(problems: list[Problem], name: str, value: Any, *, nullable: bool = False) -> bool:
    if value is None and nullable:
        return True
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(
            Problem(
                name,
                gettext("must be a whole number or empty")
                if nullable
                else gettext("must be a whole number"),
            )
        )
        return False
    if value < 0:
        problems.append(Problem(name, gettext("must be 0 or more, got %(value)s", value=value)))
        return False
    if value > MAX_INTEGER:
        problems.append(
            Problem(
                name,
                gettext(
                    "must be at most %(most)s, got %(value)s",
                    most=f"{MAX_INTEGER:,}",
                    value=value,
                ),
            )
        )
        return False
    return True


def _choice(problems: list[Problem], name: str, value: Any, options: Iterable[str]) -> None:
    options = tuple(options)
    if value not in options:
        problems.append(
            Problem(
                name,
                gettext(
                    "%(value)s is not one of %(options)s",
                    value=repr(value),
                    options=", ".join(options),
                ),
            )
        )


def check_mission(
    mission: MissionSpec, *, sector_codes: Iterable[str], region_codes: Iterable[str]
) -> list[Problem]:
    """Every problem of a mission's SPEC fields (all MISSION_FIELDS), each named by its field.

    The shape may come unchecked from a page form (web/mission_forms.py), so any value may
    be of the wrong type: each is refused by its field, in the words the form shows.
    """
    values = _values(mission)
    problems: list[Problem] = []
    sector_codes, region_codes = list(sector_codes), list(region_codes)
    _text(problems, "title", values.get("title"), TITLE_LENGTH)
    _choice(problems, "kind", values.get("kind"), [k.value for k in MissionKind])
    _choice(problems, "format", values.get("format"), [f.value for f in MissionFormat])
    _choice(problems, "scope", values.get("scope"), [s.value for s in Scope])
    _text(problems, "organiser", values.get("organiser"), ORGANISER_LENGTH)
    if not _is_country(values.get("country")):
        problems.append(
            Problem(
                "country",
                gettext(
                    "%(code)s is not an ISO 3166-1 alpha-2 code",
                    code=repr(values.get("country")),
                ),
            )
        )
    start, end = values.get("start_date"), values.get("end_date")
    for name, day in (("start_date", start), ("end_date", end)):
        if not isinstance(day, date):
            problems.append(Problem(name, gettext("is not a date")))
    if isinstance(start, date) and isinstance(end, date) and start > end:
        problems.append(
            Problem(
                "end_date",
                gettext(
                    "%(end)s is before the start %(start)s",
                    end=end.isoformat(),
                    start=start.isoformat(),
                ),
            )
        )
    capacity, minimum = values.get("capacity"), values.get("min_participants")
    if (
        _count(problems, "capacity", capacity)
        and _count(problems, "min_participants", minimum)
        and minimum > capacity
    ):
        problems.append(
            Problem(
                "min_participants",
                gettext(
                    "%(minimum)s is more than the capacity %(capacity)s",
                    minimum=minimum,
                    capacity=capacity,
                ),
            )
        )
    sectors = values.get("sectors")
    if not isinstance(sectors, list):
        problems.append(Problem("sectors", gettext("must be a list of sector codes")))
    else:
        for index, code in enumerate(sectors):
            if code not in sector_codes:
                problems.append(
                    Problem(
                        f"sectors[{index}]",
                        gettext("%(code)s is not a sector of the round", code=repr(code)),
                    )
                )
            elif code in sectors[:index]:
                problems.append(
                    Problem(
                        f"sectors[{index}]", gettext("%(code)s is listed twice", code=repr(code))
                    )
                )
    _count(problems, "slipstream_max", values.get("slipstream_max"), nullable=True)
    _count(problems, "sector_max", values.get("sector_max"), nullable=True)
    region_min = values.get("region_min")
    if not isinstance(region_min, dict):
        problems.append(Problem("region_min", gettext("must map region codes to numbers of seats")))
    else:
        for code, seats in region_min.items():
            if code not in region_codes:
                problems.append(
                    Problem(f"region_min.{code}", gettext("is not a region of the round"))
                )
            else:
                _count(problems, f"region_min.{code}", seats)
    _count(problems, "subsidy_eur", values.get("subsidy_eur"))
    return problems


def problems_in_round(*, session: Session, round_row: Round, mission: MissionSpec) -> list[Problem]:
    """check_mission against the round's own sectors and regions."""
    return check_mission(
        mission,
        sector_codes=[
            s.code for s in round_service.sectors_of(session=session, round_id=round_row.id)
        ],
        region_codes=[
            r.code for r in round_service.regions_of(session=session, round_id=round_row.id)
        ],
    )


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
    full = {**OPTIONAL_DEFAULTS, **_values(mission_in)}
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
    merged = {**current, **_values(changes, only_set=True)}
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
