"""Rounds for organisers: create, list, open and close, and scenario files in and out.

Which rounds an organiser sees: those of its own organisation, and rounds that belong to
no organisation (loaded by `matchmaker import` or the demo), which every organiser shares.
Any other round answers NotFound, as if it did not exist.

Status moves one way: draft -> open -> closed; `published` is set by the matching runs'
publish action. Each change is one conditional UPDATE, so two organisers pressing the
same button at once give one change and one clear refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matchmaker import text as free_text
from matchmaker.i18n import gettext, mark
from matchmaker.models import MatchingRun, Region, Round, RoundStatus, Sector, User
from matchmaker.models.common import CODE_LENGTH
from matchmaker.optimisation import documents
from matchmaker.optimisation.scenario import parse_scenario
from matchmaker.optimisation.scenario_types import SCENARIO_FORMAT, ScenarioError
from matchmaker.services import audit, end_reads, read_back, row_audit, scenario_exports, tenancy
from matchmaker.services import scenarios as scenario_service
from matchmaker.services.errors import Conflict, Invalid, NotFound, Problem
from matchmaker.services.solver_jobs import ACTIVE_STATES
from matchmaker.text import SLUG_RULE, is_slug

MAX_UPLOAD_BYTES = documents.MAX_BYTES
DESCRIPTION_LENGTH = 5000
NAME_LENGTH = 200


# --------------------------------------------------------------------------- reading


def _visible_to(user: User) -> ColumnElement[bool]:
    return tenancy.owns_round(user)


def list_rounds(*, session: Session, user: User) -> list[Round]:
    """The organiser's rounds, newest first."""
    query = (
        select(Round).where(_visible_to(user)).order_by(col(Round.created_at).desc(), col(Round.id))
    )
    return list(session.exec(query))


def get_round(*, session: Session, user: User, round_id: str) -> Round:
    """A round the organiser may see; NotFound otherwise."""
    found = session.exec(select(Round).where(Round.id == round_id, _visible_to(user))).first()
    if found is None:
        raise NotFound("round", round_id)
    return found


def rounds_taking_missions(*, session: Session) -> list[Round]:
    """Open rounds that invite branch missions, where a branch organisation may offer
    national missions (never drafts, never rounds that do not invite them)."""
    query = (
        select(Round)
        .where(tenancy.rounds_inviting_branches())
        .order_by(col(Round.created_at).desc(), col(Round.id))
    )
    return list(session.exec(query))


def round_taking_missions(*, session: Session, round_id: str) -> Round:
    """One round a branch organisation may offer a mission in; NotFound for any other."""
    found = session.exec(
        select(Round).where(Round.id == round_id, tenancy.rounds_inviting_branches())
    ).first()
    if found is None:
        raise NotFound("round", round_id)
    return found


def regions_of(*, session: Session, round_id: str) -> list[Region]:
    query = select(Region).where(Region.round_id == round_id).order_by(col(Region.id))
    return list(session.exec(query))


def sectors_of(*, session: Session, round_id: str) -> list[Sector]:
    query = select(Sector).where(Sector.round_id == round_id).order_by(col(Sector.id))
    return list(session.exec(query))


# --------------------------------------------------------------------------- create


@dataclass(slots=True)
class RegionInput:
    code: str
    name: str
    priority: int = 0


@dataclass(slots=True)
class SectorInput:
    code: str
    name: str
    focus: bool = False


@dataclass(slots=True)
class RoundInput:
    """What an organiser fills in for a new round."""

    id: str
    name: str
    description: str | None = None
    max_places_per_firm: int = 1
    budget_eur: int | None = None
    regions: list[RegionInput] = field(default_factory=list)
    sectors: list[SectorInput] = field(default_factory=list)


def check_round(values: RoundInput) -> list[Problem]:
    """Every problem of a new round: the scenario rules (parse_scenario) and what storage adds."""
    problems: list[Problem] = []
    if not is_slug(values.id):
        problems.append(Problem("id", str(SLUG_RULE)))
    elif len(values.id) > CODE_LENGTH:
        problems.append(
            Problem(
                "id",
                gettext(
                    "is %(length)s characters long, at most %(limit)s",
                    length=len(values.id),
                    limit=CODE_LENGTH,
                ),
            )
        )
    if len(values.name) > NAME_LENGTH:
        problems.append(
            Problem(
                "name",
                gettext(
                    "is %(length)s characters long, at most %(limit)s",
                    length=len(values.name),
                    limit=200,
                ),
            )
        )
    if values.description is not None and len(values.description) > DESCRIPTION_LENGTH:
        problems.append(
            Problem(
                "description",
                gettext(
                    "is %(length)s characters long, at most %(limit)s",
                    length=len(values.description),
                    limit=DESCRIPTION_LENGTH,
                ),
            )
        )
    if not values.regions:
        problems.append(Problem("regions", gettext("name at least one region")))
    if not values.sectors:
        problems.append(Problem("sectors", gettext("name at least one sector")))
    for key, items in (("regions", values.regions), ("sectors", values.sectors)):
        for index, item in enumerate(items):
            if len(item.code) > CODE_LENGTH:
                problems.append(
                    Problem(
                        f"{key}[{index}].code",
                        gettext("is longer than %(limit)s characters", limit=CODE_LENGTH),
                    )
                )
    document: dict[str, Any] = {
        "format": SCENARIO_FORMAT,
        "name": values.name,
        "round": {
            "id": values.id or "-",
            "max_places_per_firm": values.max_places_per_firm,
            "budget_eur": values.budget_eur,
        },
        "regions": [
            {"code": r.code, "name": r.name, "priority": r.priority} for r in values.regions
        ],
        "sectors": [{"code": s.code, "name": s.name, "focus": s.focus} for s in values.sectors],
        "missions": [],
        "firms": [],
        "applications": [],
    }
    if values.description is not None:
        document["description"] = values.description
    try:
        parse_scenario(document)
    except ScenarioError as error:
        for problem in Invalid.of_scenario(error).problems:
            path = problem.path.removeprefix("round.")
            if path != "id" or not any(p.path == "id" for p in problems):
                problems.append(Problem(path, problem.message))
    return problems


def create_round(*, session: Session, actor: User, values: RoundInput) -> Round:
    """A new draft round of the actor's organisation, with its regions and sectors."""
    problems = check_round(values)
    if not problems and session.get(Round, values.id) is not None:
        problems.append(
            Problem("id", gettext("a round with id %(id)s already exists", id=repr(values.id)))
        )
    if problems:
        raise Invalid(problems)
    round_row = Round(
        id=values.id,
        name=values.name,
        description=values.description or None,
        max_places_per_firm=values.max_places_per_firm,
        budget_eur=values.budget_eur,
        organisation_id=actor.organisation_id,
    )
    try:
        session.add(round_row)
        session.flush()
        scenario_service.add_codes(session, values.id, values.regions, values.sectors)
        audit.record(
            session=session,
            actor=actor,
            action="round.create",
            object_type="round",
            object_id=values.id,
            after={
                "name": values.name,
                "max_places_per_firm": values.max_places_per_firm,
                "budget_eur": values.budget_eur,
                "regions": [r.code for r in values.regions],
                "sectors": [s.code for s in values.sectors],
            },
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Invalid(
            [Problem("id", gettext("a round with id %(id)s already exists", id=repr(values.id)))]
        ) from None
    read_back(session, round_row)
    return round_row


# --------------------------------------------------------------------------- status


_TRANSITIONS = {
    "open": (RoundStatus.draft, RoundStatus.open),
    "close": (RoundStatus.open, RoundStatus.closed),
    "reopen": (RoundStatus.closed, RoundStatus.open),
}
_REFUSALS = {
    ("open", RoundStatus.open): mark("the round is open already"),
    ("open", RoundStatus.closed): mark(
        "the round is closed; re-open it to take applications again"
    ),
    ("open", RoundStatus.published): mark("the round is published; it does not open again"),
    ("close", RoundStatus.draft): mark("the round is still a draft; open it before closing it"),
    ("close", RoundStatus.closed): mark("the round is closed already"),
    ("close", RoundStatus.published): mark("the round is published and closed already"),
    ("reopen", RoundStatus.draft): mark("the round is still a draft; open it instead"),
    ("reopen", RoundStatus.open): mark("the round is open already"),
    ("reopen", RoundStatus.published): mark(
        "the round is published; its results stand, it does not open again"
    ),
}


def open_round(*, session: Session, actor: User, round_id: str) -> Round:
    """draft -> open: firms may apply."""
    return _move(session=session, actor=actor, round_id=round_id, action="open")


def close_round(*, session: Session, actor: User, round_id: str) -> Round:
    """open -> closed: applications end; the round is ready for matching."""
    return _move(session=session, actor=actor, round_id=round_id, action="close")


def reopen_round(*, session: Session, actor: User, round_id: str) -> Round:
    """closed -> open, until a roster is published: firms may apply and change again (for
    example after closing too early). Refused while a matching run is queued or running."""
    get_round(session=session, user=actor, round_id=round_id)
    running = session.exec(
        select(MatchingRun.id).where(
            MatchingRun.round_id == round_id, col(MatchingRun.state).in_(ACTIVE_STATES)
        )
    ).first()
    if running is not None:
        raise Conflict(
            gettext(
                "matching run %(run)s is still going; stop it or wait for it first", run=running
            )
        )
    return _move(session=session, actor=actor, round_id=round_id, action="reopen")


def set_deadline(
    *, session: Session, actor: User, round_id: str, close_at: datetime | None
) -> Round:
    """Set (or with None, remove) the moment after which firms can no longer apply or change
    their applications, until the round is published."""
    round_row = get_round(session=session, user=actor, round_id=round_id)
    if round_row.status == RoundStatus.published:
        raise Conflict(
            gettext("the round is published; its application deadline no longer matters")
        )
    if close_at is not None and close_at.tzinfo is None:
        raise Invalid([Problem("applications_close_at", gettext("needs a time zone"))])
    return change_setting(
        session=session,
        actor=actor,
        round_row=round_row,
        field="applications_close_at",
        value=close_at,
        action="round.deadline",
        recorded=lambda moment: moment.isoformat() if moment else None,
    )


def change_setting(
    *,
    session: Session,
    actor: User,
    round_row: Round,
    field: str,
    value: Any,
    action: str,
    recorded: Callable[[Any], Any] = lambda value: value,
) -> Round:
    """Set one of the round's settings and commit it with its audit row (before and after as
    `recorded` writes them); setting the value it already has changes and records nothing."""
    before = getattr(round_row, field)
    if before == value:
        return round_row
    setattr(round_row, field, value)
    return row_audit.commit_change(
        session=session,
        actor=actor,
        row=round_row,
        action=action,
        before={field: recorded(before)},
        after={field: recorded(value)},
    )


def invite_branch_missions(*, session: Session, actor: User, round_id: str, invite: bool) -> Round:
    """Let branch organisations see the round once it is open and offer national missions
    in it, or stop that (missions already offered stay)."""
    return change_setting(
        session=session,
        actor=actor,
        round_row=get_round(session=session, user=actor, round_id=round_id),
        field="invites_branch_missions",
        value=invite,
        action="round.invite_branch_missions",
    )


def _move(*, session: Session, actor: User, round_id: str, action: str) -> Round:
    round_row = get_round(session=session, user=actor, round_id=round_id)
    source, target = _TRANSITIONS[action]
    changed = session.execute(
        update(Round)
        .where(col(Round.id) == round_id, col(Round.status) == source)
        .values(status=target)
    ).rowcount
    if changed != 1:
        session.rollback()
        read_back(session, round_row)
        raise Conflict(str(_REFUSALS[(action, RoundStatus(round_row.status))]))
    row_audit.commit_change(
        session=session,
        actor=actor,
        row=round_row,
        action=f"round.{action}",
        before={"status": source.value},
        after={"status": target.value},
    )
    return round_row


# --------------------------------------------------------------------------- scenario files


def read_scenario_file(content: bytes, filename: str | None = None) -> Any:
    """The document in an uploaded JSON or YAML file, read within the caps of
    matchmaker.optimisation.documents; an unreadable file raises Invalid naming `(file)`."""
    try:
        return documents.read_upload(content, filename)
    except documents.DocumentError as error:
        raise Invalid([Problem("(file)", str(error))]) from None


def import_file(
    *, session: Session, actor: User, content: bytes, filename: str | None = None
) -> Round:
    """Import an uploaded scenario file as a new round: the file is read (within its caps)
    outside any transaction, then written like import_round.

    Raises Invalid for a file that cannot be read, else as import_round."""
    end_reads(session)
    document = read_scenario_file(content, filename)
    return import_round(session=session, actor=actor, document=document)


def import_round(*, session: Session, actor: User, document: Any) -> Round:
    """Load a scenario document as a new round of the actor's organisation: all rows or none.

    Raises Invalid with every problem and its JSON path; nothing is written then. Every text
    of the document is checked and normalised like form input first (matchmaker.text), and
    the whole document is checked outside any transaction, before the import's own begins.
    """
    end_reads(session)
    try:
        documents.check_tree(document)
    except documents.DocumentError as error:
        raise Invalid([Problem("(body)", str(error))]) from None
    document, text_problems = free_text.clean_tree(document)
    if text_problems:
        raise Invalid.of_scenario(ScenarioError(text_problems))
    try:
        return scenario_service.import_scenario(
            session=session,
            document=document,
            organisation_id=actor.organisation_id,
            actor_user_id=actor.id,
        )
    except ScenarioError as error:
        raise Invalid.of_scenario(error) from None
    except IntegrityError:
        raise Conflict(
            gettext("another import wrote the same round or firms at the same time; try again")
        ) from None


def export_round(*, session: Session, user: User, round_id: str) -> dict[str, Any]:
    """The round as a scenario document (canonical form); import gives the same round back."""
    get_round(session=session, user=user, round_id=round_id)
    try:
        return scenario_exports.export_round(session=session, round_id=round_id)
    except ScenarioError as error:
        raise Conflict(
            gettext(
                "the round no longer makes a valid scenario: %(problems)s",
                problems="; ".join(error.problems),
            )
        ) from None


def round_by_id(*, session: Session, round_id: str) -> Round:
    """The round of an object found already (a mission's, a run's): it exists."""
    round_row = session.get(Round, round_id)
    assert round_row is not None
    return round_row
