"""A round's snapshot: the scenario the engine solves, read back out of the database, with the
index from its (firm, mission) pairs to application ids and the rule that keys its firms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    ApplicationStatus,
    Firm,
    LockedPair,
    MatchingRun,
    Mission,
    Region,
    Round,
    RoundFirm,
    Sector,
)
from matchmaker.optimisation.scenario import (
    SCENARIO_FORMAT,
    Scenario,
    ScenarioError,
    parse_scenario,
)
from matchmaker.services import mission_history
from matchmaker.services.errors import Invalid, NotFound
from matchmaker.services.scenarios import canonical_document, cases_of, firm_document, in_chunks

Pair = tuple[str, str]  # (firm, mission) ids in a round's scenario


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A round as the scenario document a solve reads, and the application id of each of
    its (firm, mission) pairs (every application of the round, withdrawn ones too)."""

    document: dict[str, Any]
    application_ids: dict[Pair, int]

    @property
    def pair_of(self) -> dict[int, Pair]:
        """The (firm, mission) pair of each application id."""
        return {application_id: pair for pair, application_id in self.application_ids.items()}

    def index_rows(self) -> list[list[Any]]:
        """The index as a run keeps it with the snapshot (MatchingRun.application_index):
        [firm, mission, application id] rows, sorted by pair."""
        return [
            [firm, mission, application_id]
            for (firm, mission), application_id in sorted(self.application_ids.items())
        ]


def round_snapshot(*, session: Session, round_id: str) -> dict[str, Any]:
    """The round as the scenario document a run solves; Invalid if it no longer is one."""
    try:
        return export_round(session=session, round_id=round_id)
    except ScenarioError as error:
        raise Invalid.of_scenario(error, summary="the round is not a valid scenario") from None


def take_snapshot(*, session: Session, round_id: str) -> Snapshot:
    """The round's snapshot with its index, read in the session's transaction."""
    document = round_snapshot(session=session, round_id=round_id)
    return Snapshot(document, application_ids(session=session, round_id=round_id))


def kept_application_ids(run: MatchingRun) -> dict[Pair, int] | None:
    """The index kept with the run's snapshot; None for a run from before it was kept."""
    if run.application_index is None:
        return None
    return {(firm, mission): int(id_) for firm, mission, id_ in run.application_index}


def run_application_ids(*, session: Session, run: MatchingRun) -> dict[Pair, int]:
    """Application ids of the run's snapshot by their (firm, mission) ids: the index kept
    with the snapshot, or, for a run from before it was kept, the round's as it is now."""
    kept = kept_application_ids(run)
    if kept is None:
        return application_ids(session=session, round_id=run.round_id)
    return kept


# --------------------------------------------------------------------------- the firm-key rule


def member_keys(*, session: Session, round_id: str) -> dict[int, str]:
    """The ids under which the round knows the firms that joined it (RoundFirm.external_id)."""
    return dict(
        session.exec(
            select(RoundFirm.firm_id, RoundFirm.external_id).where(RoundFirm.round_id == round_id)
        ).all()
    )


def firm_key(firm: Firm, members: dict[int, str]) -> str:
    """The firm's id in the round's scenario: its id in the round's file when it joined the
    round, else its KvK number (a firm that applied without joining, so an export never
    fails on it)."""
    return members.get(firm.id or 0, firm.kvk)


def firm_keys(*, session: Session, round_id: str, firms: Iterable[Firm]) -> dict[int, str]:
    """firm_key of each firm, by firm id."""
    members = member_keys(session=session, round_id=round_id)
    return {firm.id or 0: firm_key(firm, members) for firm in firms}


def application_ids(*, session: Session, round_id: str) -> dict[Pair, int]:
    """Application ids of the round by their (firm, mission) ids in its scenario."""
    missions = dict(
        session.exec(
            select(Mission.id, Mission.external_id).where(Mission.round_id == round_id)
        ).all()
    )
    applications = session.exec(
        select(Application.id, Application.firm_id, Application.mission_id).where(
            Application.round_id == round_id
        )
    ).all()
    members = member_keys(session=session, round_id=round_id)
    strangers = {firm_id for _, firm_id, _ in applications} - members.keys()
    keys = dict(members)
    if strangers:
        for firm in session.exec(select(Firm).where(col(Firm.id).in_(strangers))):
            keys[firm.id or 0] = firm_key(firm, members)
    return {
        (keys[firm_id], missions[mission_id]): application_id
        for application_id, firm_id, mission_id in applications
        if application_id is not None
    }


# --------------------------------------------------------------------------- the scenario


def export_round(*, session: Session, round_id: str) -> dict[str, Any]:
    """The round as a scenario document in canonical form (see the module docstring).

    Raises NotFound for an unknown round, and ScenarioError if what the database holds
    is no longer a valid scenario (e.g. a firm moved to a region the round lacks).
    """
    round_row = session.get(Round, round_id)
    if round_row is None:
        raise NotFound("round", round_id)
    return canonical_document(round_scenario(session=session, round_row=round_row))


def round_scenario(*, session: Session, round_row: Round) -> Scenario:
    """The round as the engine's typed scenario, exactly what a matching run solves."""
    round_id = round_row.id
    regions = session.exec(
        select(Region).where(Region.round_id == round_id).order_by(col(Region.id))
    ).all()
    sectors = session.exec(
        select(Sector).where(Sector.round_id == round_id).order_by(col(Sector.id))
    ).all()
    missions = session.exec(
        select(Mission).where(Mission.round_id == round_id).order_by(col(Mission.id))
    ).all()
    applications = session.exec(
        select(Application)
        .where(
            Application.round_id == round_id,
            Application.status == ApplicationStatus.submitted,
        )
        .order_by(col(Application.id))
    ).all()
    locked = session.exec(
        select(LockedPair).where(LockedPair.round_id == round_id).order_by(col(LockedPair.id))
    ).all()
    firms = _round_firms(session, round_id, {a.firm_id for a in applications})
    cases = cases_of(session, [firm.id for firm, _ in firms if firm.id is not None])

    firm_ids = {firm.id: external_id for firm, external_id in firms}
    mission_key = {mission.id: mission.external_id for mission in missions}
    case_key = {
        (case.firm_id, case.id): case.external_id
        for firm_cases in cases.values()
        for case in firm_cases
    }
    problems = []
    application_documents = []
    application_pair = {}
    for index, application in enumerate(applications):
        case_id = None
        if application.business_case_id is not None:
            case_id = case_key.get((application.firm_id, application.business_case_id))
            if case_id is None:
                problems.append(
                    f"applications[{index}].business_case: business case "
                    f"{application.business_case_id} is not one of firm "
                    f"{firm_ids[application.firm_id]}'s cases"
                )
        pair = {
            "firm": firm_ids[application.firm_id],
            "mission": mission_key[application.mission_id],
        }
        application_pair[application.id] = pair
        application_documents.append({**pair, "rank": application.rank, "business_case": case_id})
    if problems:
        raise ScenarioError(problems)

    document: dict[str, Any] = {
        "format": SCENARIO_FORMAT,
        "name": round_row.name,
        "round": {
            "id": round_row.id,
            "max_places_per_firm": round_row.max_places_per_firm,
            "budget_eur": round_row.budget_eur,
        },
        "regions": [{"code": r.code, "name": r.name, "priority": r.priority} for r in regions],
        "sectors": [{"code": s.code, "name": s.name, "focus": s.focus} for s in sectors],
        "missions": [_mission_document(m) for m in missions],
        "firms": _with_history(session, round_id, firms, cases),
        "applications": application_documents,
        "locked": [
            application_pair[pair.application_id]
            for pair in locked
            if pair.application_id in application_pair
        ],
        "weights": round_row.weights,
    }
    if round_row.description is not None:
        document["description"] = round_row.description
    return parse_scenario(document)


def _with_history(
    session: Session,
    round_id: str,
    firms: list[tuple[Firm, str]],
    cases: dict[int, list[Any]],
) -> list[dict[str, Any]]:
    """The firms' documents, each `missions_last_3_years` counted from the record: the
    imported history (the column) plus the firm's accepted places in the service's other
    published rounds and its missions outside matchmaker, in the three years before the
    round's first mission (services/mission_history.py)."""
    history = mission_history.counts(
        session=session,
        firm_ids=(firm.id for firm, _ in firms if firm.id is not None),
        before=mission_history.round_start(session=session, round_id=round_id),
        exclude_round=round_id,
    )
    documents = []
    for firm, external_id in firms:
        document = firm_document(firm, cases.get(firm.id or 0, []), external_id=external_id)
        document["missions_last_3_years"] += history.get(firm.id or 0, 0)
        documents.append(document)
    return documents


def _round_firms(
    session: Session, round_id: str, applicant_ids: set[int]
) -> list[tuple[Firm, str]]:
    """The round's firms with their ids in its scenario, in the order they joined.

    A firm that applied without joining the round (no RoundFirm row) comes last under
    its KvK number, so an export never fails on it.
    """
    members = session.exec(
        select(Firm)
        .join(RoundFirm, col(RoundFirm.firm_id) == col(Firm.id))
        .where(RoundFirm.round_id == round_id)
        .order_by(col(RoundFirm.id))
    ).all()
    firms = list(members)
    missing = sorted(applicant_ids - {firm.id for firm in firms if firm.id is not None})
    for chunk in in_chunks(missing):
        firms.extend(
            session.exec(select(Firm).where(col(Firm.id).in_(chunk)).order_by(col(Firm.id)))
        )
    keys = firm_keys(session=session, round_id=round_id, firms=firms)
    return [(firm, keys[firm.id or 0]) for firm in firms]


def _mission_document(mission: Mission) -> dict[str, Any]:
    return {
        "id": mission.external_id,
        "title": mission.title,
        "kind": mission.kind,
        "format": mission.format,
        "scope": mission.scope,
        "organiser": mission.organiser,
        "country": mission.country,
        "start": mission.start_date.isoformat(),
        "end": mission.end_date.isoformat(),
        "capacity": mission.capacity,
        "min_participants": mission.min_participants,
        "sectors": list(mission.sectors),
        "slipstream_max": mission.slipstream_max,
        "sector_max": mission.sector_max,
        "region_min": dict(mission.region_min),
        "subsidy_eur": mission.subsidy_eur,
    }
