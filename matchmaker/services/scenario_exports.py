"""A round read back out of the database: the typed scenario the engine solves, and its document."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    ApplicationStatus,
    Firm,
    LockedPair,
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
from matchmaker.services import NotFound, mission_history, snapshots
from matchmaker.services.scenarios import canonical_document, cases_of, firm_document, in_chunks


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

    firm_key = {firm.id: external_id for firm, external_id in firms}
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
                    f"{firm_key[application.firm_id]}'s cases"
                )
        pair = {
            "firm": firm_key[application.firm_id],
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
    keys = snapshots.firm_keys(session=session, round_id=round_id, firms=firms)
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
