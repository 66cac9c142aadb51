"""Scenario files in and out of the database: import a round (all or nothing), export it back.

Canonical form. `export_round` (in scenario_exports.py) always returns
`canonical_document(parse_scenario(doc))` of what the database holds, and the round trip
is exact in that form:

    export_round(import_scenario(doc)) == canonical_document(parse_scenario(doc))

The canonical form spells out every field of format v1 with its value, defaults filled
in (`round.max_places_per_firm`, `round.budget_eur`, `region.priority`, the optional
mission fields, `firm.readiness` with all three flags, `missions_last_3_years`,
`exports_to`, `business_cases`, `application.business_case`, `locked`, `weights`);
`description` only when the round has one. Dates are ISO strings, lists keep the order
of the imported file, and `weights` holds the file's overrides as given (as JSON, so
rank keys are strings), not the merged defaults. A file that already spells out every
field, like the bundled scenarios and `matchmaker generate`'s output, comes back equal
to itself, and in every case `parse_scenario(exported) == parse_scenario(original)`.

Firms are shared between rounds by KvK number. A firm that is not yet registered is
created with its business cases; a registered firm is reused when its data (business
cases included, their order aside) equal the file's, so a round can be imported again
under another id; any other difference is an input error on `firms[i].kvk`. A round
knows its firms under their ids in the file (RoundFirm.external_id), business cases
keep theirs (BusinessCase.external_id). Withdrawn applications are not part of a
round's scenario, nor are their locks.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    ApplicationStatus,
    AuditLog,
    BusinessCase,
    Firm,
    LockedPair,
    Mission,
    Region,
    Round,
    RoundFirm,
    Sector,
)
from matchmaker.models.common import CODE_LENGTH
from matchmaker.optimisation.scenario import parse_scenario
from matchmaker.optimisation.scenario_types import SCENARIO_FORMAT, Scenario, ScenarioError
from matchmaker.optimisation.scenario_types import Firm as ScenarioFirm
from matchmaker.optimisation.scenario_types import Mission as ScenarioMission
from matchmaker.services.readiness_scans import readiness_flags
from matchmaker.text import SLUG_RULE, is_slug

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# Rows per IN (...) list, well below SQLite's and PostgreSQL's bound-parameter limits.
_CHUNK = 500

T = TypeVar("T")


# --------------------------------------------------------------------------- canonical form


def canonical_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a document in canonical form (see the module docstring)."""
    document: dict[str, Any] = {"format": SCENARIO_FORMAT, "name": scenario.name}
    if scenario.description is not None:
        document["description"] = scenario.description
    document["round"] = {
        "id": scenario.round.id,
        "max_places_per_firm": scenario.round.max_places_per_firm,
        "budget_eur": scenario.round.budget_eur,
    }
    document["regions"] = [
        {"code": r.code, "name": r.name, "priority": r.priority} for r in scenario.regions
    ]
    document["sectors"] = [
        {"code": s.code, "name": s.name, "focus": s.focus} for s in scenario.sectors
    ]
    document["missions"] = [
        {
            "id": m.id,
            "title": m.title,
            "kind": m.kind,
            "format": m.format,
            "scope": m.scope,
            "organiser": m.organiser,
            "country": m.country,
            "start": m.start.isoformat(),
            "end": m.end.isoformat(),
            "capacity": m.capacity,
            "min_participants": m.min_participants,
            "sectors": list(m.sectors),
            "slipstream_max": m.slipstream_max,
            "sector_max": m.sector_max,
            "region_min": dict(m.region_min),
            "subsidy_eur": m.subsidy_eur,
        }
        for m in scenario.missions
    ]
    document["firms"] = [_canonical_firm(f) for f in scenario.firms]
    document["applications"] = [
        {"firm": a.firm, "mission": a.mission, "rank": a.rank, "business_case": a.business_case}
        for a in scenario.applications
    ]
    document["locked"] = [{"firm": p.firm, "mission": p.mission} for p in scenario.locked]
    document["weights"] = json.loads(json.dumps(scenario.weight_overrides))
    return document


def _canonical_firm(firm: ScenarioFirm) -> dict[str, Any]:
    return {
        "id": firm.id,
        "kvk": firm.kvk,
        "name": firm.name,
        "region": firm.region,
        "sector": firm.sector,
        "employees": firm.employees,
        "readiness": dataclasses.asdict(firm.readiness),
        "missions_last_3_years": firm.missions_last_3_years,
        "exports_to": list(firm.exports_to),
        "business_cases": [
            {
                "id": c.id,
                "country": c.country,
                "sector": c.sector,
                "summary": c.summary,
                "evidence": c.evidence,
                "verified": c.verified,
            }
            for c in firm.business_cases
        ],
    }


# --------------------------------------------------------------------------- import


def import_scenario(
    *,
    session: Session,
    document: Any,
    organisation_id: int | None = None,
    actor_user_id: int | None = None,
) -> Round:
    """Load a scenario document as a new round (id `round.id`) and commit, or write nothing.

    Raises ScenarioError listing every problem with its JSON path: the engine's
    validation first, then what the database adds (the round id is taken, a KvK number
    twice in the file or registered with other data, a value too long or too large to
    store).
    """
    scenario = parse_scenario(document)
    for attempt in (1, 2):
        try:
            round_row = _insert_round(
                session=session,
                scenario=scenario,
                organisation_id=organisation_id,
                actor_user_id=actor_user_id,
            )
            session.commit()
            return round_row
        except IntegrityError:
            # A concurrent import took the round id or registered a firm after the
            # checks; the second attempt sees it and reports it (or reuses the firm).
            session.rollback()
            if attempt == 2:
                raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


def _insert_round(
    *,
    session: Session,
    scenario: Scenario,
    organisation_id: int | None,
    actor_user_id: int | None,
) -> Round:
    registered = _registered_firms(session, [f.kvk for f in scenario.firms])
    problems = _storage_problems(scenario) + _conflicts(session, scenario, registered)
    if problems:
        raise ScenarioError(problems)

    round_row = Round(
        id=scenario.round.id,
        name=scenario.name,
        description=scenario.description,
        max_places_per_firm=scenario.round.max_places_per_firm,
        budget_eur=scenario.round.budget_eur,
        weights=json.loads(json.dumps(scenario.weight_overrides)),
        organisation_id=organisation_id,
    )
    session.add(round_row)
    session.flush()
    add_codes(session, round_row.id, scenario.regions, scenario.sectors)

    firm_rows: dict[str, Firm] = {}
    case_rows: dict[tuple[str, str], BusinessCase] = {}
    new_firms: list[ScenarioFirm] = []
    for firm in scenario.firms:
        if firm.kvk in registered:
            firm_rows[firm.id], cases = registered[firm.kvk]
            case_rows.update(((firm.id, case.external_id), case) for case in cases)
        else:
            firm_rows[firm.id] = _new_firm(firm)
            new_firms.append(firm)
    session.add_all(firm_rows[f.id] for f in new_firms)
    session.flush()
    for firm in new_firms:
        for case in firm.business_cases:
            case_rows[(firm.id, case.id)] = BusinessCase(
                firm_id=firm_rows[firm.id].id,
                external_id=case.id,
                country=case.country,
                sector=case.sector,
                summary=case.summary,
                evidence=case.evidence,
                verified=case.verified,
            )
            session.add(case_rows[(firm.id, case.id)])
    session.add_all(
        RoundFirm(round_id=round_row.id, firm_id=firm_rows[f.id].id, external_id=f.id)
        for f in scenario.firms
    )
    mission_rows = {m.id: _new_mission(round_row.id, m) for m in scenario.missions}
    session.add_all(mission_rows.values())
    session.flush()

    application_rows: dict[tuple[str, str], Application] = {}
    for application in scenario.applications:
        case_row = (
            case_rows[(application.firm, application.business_case)]
            if application.business_case is not None
            else None
        )
        application_rows[(application.firm, application.mission)] = Application(
            round_id=round_row.id,
            firm_id=firm_rows[application.firm].id,
            mission_id=mission_rows[application.mission].id,
            rank=application.rank,
            business_case_id=case_row.id if case_row is not None else None,
            status=ApplicationStatus.submitted,
        )
    session.add_all(application_rows.values())
    session.flush()
    session.add_all(
        LockedPair(
            round_id=round_row.id,
            application_id=application_rows[(pair.firm, pair.mission)].id,
            created_by=actor_user_id,
        )
        for pair in scenario.locked
    )
    session.add(
        AuditLog(
            actor_user_id=actor_user_id,
            action="round.import",
            object_type="round",
            object_id=round_row.id,
            organisation_id=round_row.organisation_id,
            after={
                "name": scenario.name,
                "regions": len(scenario.regions),
                "sectors": len(scenario.sectors),
                "missions": len(scenario.missions),
                "firms": len(scenario.firms),
                "firms_registered": len(new_firms),
                "applications": len(scenario.applications),
                "locked": len(scenario.locked),
            },
        )
    )
    session.flush()
    return round_row


def _new_firm(firm: ScenarioFirm) -> Firm:
    return Firm(
        kvk=firm.kvk,
        name=firm.name,
        region=firm.region,
        sector=firm.sector,
        employees=firm.employees,
        readiness_strategy=firm.readiness.strategy,
        readiness_organisation=firm.readiness.organisation,
        readiness_finance=firm.readiness.finance,
        missions_last_3_years=firm.missions_last_3_years,
        exports_to=list(firm.exports_to),
    )


def _new_mission(round_id: str, mission: ScenarioMission) -> Mission:
    return Mission(
        round_id=round_id,
        external_id=mission.id,
        title=mission.title,
        kind=mission.kind,
        format=mission.format,
        scope=mission.scope,
        organiser=mission.organiser,
        country=mission.country,
        start_date=mission.start,
        end_date=mission.end,
        capacity=mission.capacity,
        min_participants=mission.min_participants,
        sectors=list(mission.sectors),
        slipstream_max=mission.slipstream_max,
        sector_max=mission.sector_max,
        region_min=dict(mission.region_min),
        subsidy_eur=mission.subsidy_eur,
    )


def _conflicts(
    session: Session,
    scenario: Scenario,
    registered: dict[str, tuple[Firm, list[BusinessCase]]],
) -> list[str]:
    """What the database already holds (or must keep unique) that the scenario collides with."""
    problems = []
    if session.get(Round, scenario.round.id) is not None:
        problems.append(f"round.id: a round with id {scenario.round.id!r} already exists")
    first_use: dict[str, int] = {}
    for index, firm in enumerate(scenario.firms):
        if firm.kvk in first_use:
            problems.append(
                f"firms[{index}].kvk: {firm.kvk} is already used by firms[{first_use[firm.kvk]}]"
            )
            continue
        first_use[firm.kvk] = index
        if firm.kvk in registered and _firm_differences(firm, *registered[firm.kvk]):
            # Only that the number is taken: the registered firm may be another
            # organisation's, and neither its name nor its details are the importer's.
            problems.append(f"firms[{index}].kvk: KvK number {firm.kvk} is already taken")
    return problems


def _registered_firms(
    session: Session, kvk_numbers: Sequence[str]
) -> dict[str, tuple[Firm, list[BusinessCase]]]:
    """The registered firms among these KvK numbers, each with its business cases."""
    firms: dict[str, Firm] = {}
    for chunk in in_chunks(sorted(set(kvk_numbers))):
        for firm in session.exec(select(Firm).where(col(Firm.kvk).in_(chunk))):
            firms[firm.kvk] = firm
    cases = cases_of(session, [f.id for f in firms.values() if f.id is not None])
    return {kvk: (firm, cases.get(firm.id, [])) for kvk, firm in firms.items()}


def cases_of(session: Session, firm_ids: Iterable[int]) -> dict[int, list[BusinessCase]]:
    cases: dict[int, list[BusinessCase]] = {}
    for chunk in in_chunks(sorted(set(firm_ids))):
        query = (
            select(BusinessCase)
            .where(col(BusinessCase.firm_id).in_(chunk))
            .order_by(col(BusinessCase.id))
        )
        for case in session.exec(query):
            cases.setdefault(case.firm_id, []).append(case)
    return cases


def _firm_differences(firm: ScenarioFirm, row: Firm, cases: list[BusinessCase]) -> list[str]:
    """Fields in which a registered firm differs from the file's (case order aside).

    The history count is left out: a file states it for its own round, while the record
    counts the firm's places anew for each round (services/mission_history.py), so a firm
    with history in the service would otherwise never match its own export."""
    wanted = _canonical_firm(firm)
    stored = firm_document(row, cases, external_id=firm.id)
    for document in (wanted, stored):
        document["business_cases"] = sorted(document["business_cases"], key=lambda c: c["id"])
    return [key for key in wanted if key != "missions_last_3_years" and wanted[key] != stored[key]]


def _storage_problems(scenario: Scenario) -> list[str]:
    """Values the engine accepts but the database columns cannot hold."""
    problems: list[str] = []

    def text(path: str, value: str) -> None:
        if len(value) > CODE_LENGTH:
            problems.append(f"{path}: is {len(value)} characters long, at most {CODE_LENGTH}")

    def number(path: str, value: int | None, limit: int = INT32_MAX) -> None:
        if value is not None and not -limit - 1 <= value <= limit:
            problems.append(f"{path}: {value} is too large (at most {limit})")

    text("round.id", scenario.round.id)
    if scenario.round.id is not None and not is_slug(scenario.round.id):
        # The id is the round's address (/organiser/rounds/<id>): "../../x" would be unreachable.
        problems.append(f"round.id: {scenario.round.id!r}: {SLUG_RULE}")
    number("round.max_places_per_firm", scenario.round.max_places_per_firm)
    number("round.budget_eur", scenario.round.budget_eur, INT64_MAX)
    for index, region in enumerate(scenario.regions):
        text(f"regions[{index}].code", region.code)
        number(f"regions[{index}].priority", region.priority)
    for index, sector in enumerate(scenario.sectors):
        text(f"sectors[{index}].code", sector.code)
    for index, mission in enumerate(scenario.missions):
        path = f"missions[{index}]"
        text(f"{path}.id", mission.id)
        for key in ("capacity", "min_participants", "slipstream_max", "sector_max"):
            number(f"{path}.{key}", getattr(mission, key))
        number(f"{path}.subsidy_eur", mission.subsidy_eur, INT64_MAX)
    for index, firm in enumerate(scenario.firms):
        path = f"firms[{index}]"
        text(f"{path}.id", firm.id)
        number(f"{path}.employees", firm.employees)
        number(f"{path}.missions_last_3_years", firm.missions_last_3_years)
        for case_index, case in enumerate(firm.business_cases):
            text(f"{path}.business_cases[{case_index}].id", case.id)
    for index, application in enumerate(scenario.applications):
        number(f"applications[{index}].rank", application.rank)
    return problems


# --------------------------------------------------------------------------- stored rows


def add_codes(
    session: Session, round_id: str, regions: Iterable[Any], sectors: Iterable[Any]
) -> None:
    """Add a new round's region and sector codes (from a scenario or the round form)."""
    session.add_all(
        Region(round_id=round_id, code=r.code, name=r.name, priority=r.priority) for r in regions
    )
    session.add_all(
        Sector(round_id=round_id, code=s.code, name=s.name, focus=s.focus) for s in sectors
    )


def firm_document(firm: Firm, cases: list[BusinessCase], *, external_id: str) -> dict[str, Any]:
    return {
        "id": external_id,
        "kvk": firm.kvk,
        "name": firm.name,
        "region": firm.region,
        "sector": firm.sector,
        "employees": firm.employees,
        "readiness": readiness_flags(firm),
        "missions_last_3_years": firm.missions_last_3_years,
        "exports_to": list(firm.exports_to),
        "business_cases": [
            {
                "id": case.external_id,
                "country": case.country,
                "sector": case.sector,
                "summary": case.summary,
                "evidence": case.evidence,
                "verified": case.verified,
            }
            for case in cases
        ],
    }


def in_chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
