"""Indexes over a parsed scenario that the model, the explanations and the checks share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaker.optimisation.eligibility import ineligibility
from matchmaker.optimisation.objective import application_score
from matchmaker.optimisation.scenario_types import Application, Firm, Mission, Scenario


@dataclass(slots=True)
class RoundData:
    """A scenario with eligibility, scores and lookups computed once, in linear time."""

    scenario: Scenario
    firms: dict[str, Firm]
    missions: dict[str, Mission]
    applications: tuple[Application, ...]
    scores: list[int]
    ineligible: dict[int, str]
    eligible: list[int]
    by_mission: dict[str, list[int]]
    by_firm: dict[str, list[int]]
    eligible_by_mission_region: dict[tuple[str, str], int]
    focus_sectors: frozenset[str]
    locked: list[int]

    def subsidy(self, index: int) -> int:
        """Subsidy an application draws when placed: the mission's, for target-group firms only."""
        application = self.applications[index]
        if not self.firms[application.firm].in_target_group:
            return 0
        return self.missions[application.mission].subsidy_eur


def prepare(scenario: Scenario) -> RoundData:
    firms = scenario.firm_by_id()
    missions = scenario.mission_by_id()
    regions = scenario.region_by_code()
    scores: list[int] = []
    ineligible: dict[int, str] = {}
    eligible: list[int] = []
    by_mission: dict[str, list[int]] = {m.id: [] for m in scenario.missions}
    by_firm: dict[str, list[int]] = defaultdict(list)
    by_mission_region: dict[tuple[str, str], int] = defaultdict(int)
    for index, application in enumerate(scenario.applications):
        firm = firms[application.firm]
        mission = missions[application.mission]
        scores.append(
            application_score(application, firm, mission, regions[firm.region], scenario.weights)
        )
        reason = ineligibility(application, firm, mission)
        if reason is not None:
            ineligible[index] = reason
            continue
        eligible.append(index)
        by_mission[mission.id].append(index)
        by_firm[firm.id].append(index)
        by_mission_region[(mission.id, firm.region)] += 1
    position = {(a.firm, a.mission): i for i, a in enumerate(scenario.applications)}
    return RoundData(
        scenario=scenario,
        firms=firms,
        missions=missions,
        applications=scenario.applications,
        scores=scores,
        ineligible=ineligible,
        eligible=eligible,
        by_mission=by_mission,
        by_firm=dict(by_firm),
        eligible_by_mission_region=dict(by_mission_region),
        focus_sectors=frozenset(s.code for s in scenario.sectors if s.focus),
        locked=[position[(p.firm, p.mission)] for p in scenario.locked],
    )


@dataclass(slots=True)
class Variables:
    """The decisions of model v1: placed per eligible application, runs per mission, shortfalls."""

    placed: dict[int, cp_model.IntVar] = field(default_factory=dict)
    runs: dict[str, cp_model.IntVar] = field(default_factory=dict)
    shortfall: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
