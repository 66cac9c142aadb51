"""The typed shapes of a scenario (format matchmaker-scenario/1): round, regions, sectors,
missions, firms with their business cases, applications, locks and weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matchmaker.optimisation.checking import DocumentError

SCENARIO_FORMAT = "matchmaker-scenario/1"
KINDS = ("promotional", "business")
FORMATS = ("trade_mission", "trade_fair", "branch_delegation")
SCOPES = ("regional", "national")
EVIDENCE_LEVELS = ("none", "leads", "letter_of_intent", "order")
MAX_INTEGER = 10**9  # every count, euro amount and weight; keeps the model's sums exact


class ScenarioError(DocumentError):
    """Raised with every problem of a scenario document at once."""


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Sector:
    code: str
    name: str
    focus: bool


@dataclass(frozen=True, slots=True)
class RoundSettings:
    id: str
    max_places_per_firm: int = 1
    budget_eur: int | None = None


@dataclass(frozen=True, slots=True)
class Mission:
    id: str
    title: str
    kind: str
    format: str
    scope: str
    organiser: str
    country: str
    start: date
    end: date
    capacity: int
    min_participants: int = 0
    sectors: tuple[str, ...] = ()
    slipstream_max: int | None = None
    sector_max: int | None = None
    region_min: Mapping[str, int] = field(default_factory=dict)
    subsidy_eur: int = 0

    def overlaps(self, other: Mission) -> bool:
        """Date ranges overlap, both end days included."""
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True, slots=True)
class Readiness:
    strategy: bool = False
    organisation: bool = False
    finance: bool = False


@dataclass(frozen=True, slots=True)
class BusinessCase:
    id: str
    country: str
    sector: str
    summary: str
    evidence: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Firm:
    id: str
    kvk: str
    name: str
    region: str
    sector: str
    employees: int
    readiness: Readiness = Readiness()
    missions_last_3_years: int = 0
    exports_to: tuple[str, ...] = ()
    business_cases: tuple[BusinessCase, ...] = ()

    @property
    def in_target_group(self) -> bool:
        return 5 <= self.employees <= 100

    def case(self, case_id: str | None) -> BusinessCase | None:
        return next((c for c in self.business_cases if c.id == case_id), None)


@dataclass(frozen=True, slots=True)
class Application:
    firm: str
    mission: str
    rank: int
    business_case: str | None = None


@dataclass(frozen=True, slots=True)
class LockedPair:
    firm: str
    mission: str


@dataclass(frozen=True, slots=True)
class Weights:
    place: int
    rank_points: Mapping[int, int]
    first_timer: int
    repeat: int
    evidence_points: Mapping[str, int]
    region_shortfall: int

    def rank_value(self, rank: int) -> int:
        """Points for a rank: its own key, else the largest key below it, else 0."""
        keys = [k for k in self.rank_points if k <= rank]
        return self.rank_points[max(keys)] if keys else 0


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    round: RoundSettings
    regions: tuple[Region, ...]
    sectors: tuple[Sector, ...]
    missions: tuple[Mission, ...]
    firms: tuple[Firm, ...]
    applications: tuple[Application, ...]
    locked: tuple[LockedPair, ...] = ()
    weights: Weights = None  # type: ignore[assignment]  # filled by parse_scenario
    weight_overrides: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None

    def firm_by_id(self) -> dict[str, Firm]:
        return {f.id: f for f in self.firms}

    def mission_by_id(self) -> dict[str, Mission]:
        return {m.id: m for m in self.missions}

    def region_by_code(self) -> dict[str, Region]:
        return {r.code: r for r in self.regions}

    def sector_by_code(self) -> dict[str, Sector]:
        return {s.code: s for s in self.sectors}
