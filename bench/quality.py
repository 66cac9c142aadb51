"""Section 3: the optimiser's rosters against first-come-first-served and a greedy by rank."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass

from bench import common
from bench.common import Size, number, table
from bench.rounds import App, Round
from bench.speed_limit import pure_scenario

TITLE = "## 3. Quality against the status quo"

FULL = [Size(500, 30, s) for s in (1, 2, 3)] + [Size(4000, 120, 1), Size(20000, 500, 1)]
QUICK = [Size(60, 6, 1), Size(60, 6, 2), Size(200, 12, 1)]


# ------------------------------------------------------------------------ status-quo rosters


class _State:
    """A roster being built or examined, with the running counts every hard check needs."""

    def __init__(self, rnd: Round, roster: set[int] | None = None) -> None:
        self.rnd = rnd
        self.roster: set[int] = set()
        self.count: Counter[str] = Counter()
        self.riders: Counter[str] = Counter()
        self.per_sector: Counter[tuple[str, str]] = Counter()
        self.of_firm: dict[str, list[App]] = defaultdict(list)
        self.on_mission: dict[str, list[App]] = defaultdict(list)
        self.used = 0
        for i in roster or ():
            self.add(rnd.apps[i])

    def rides(self, app: App) -> bool:
        mission = self.rnd.missions[app.mission]
        sector = self.rnd.firms[app.firm].sector
        return mission.kind == "promotional" and sector not in self.rnd.focus

    def add(self, app: App) -> None:
        self.roster.add(app.index)
        self.count[app.mission] += 1
        self.riders[app.mission] += self.rides(app)
        self.per_sector[(app.mission, self.rnd.firms[app.firm].sector)] += 1
        self.of_firm[app.firm].append(app)
        self.on_mission[app.mission].append(app)
        self.used += app.subsidy

    def fits(self, app: App) -> bool:
        """Whether adding the application alone keeps H1, H3-H7 (H2 is settled at the end)."""
        rnd = self.rnd
        mission = rnd.missions[app.mission]
        held = self.of_firm.get(app.firm, [])
        if not app.eligible or self.count[app.mission] >= mission.capacity:
            return False
        if len(held) >= rnd.max_places:
            return False
        if any(rnd.missions[h.mission].overlaps(mission) for h in held):
            return False
        if (
            mission.slipstream_max is not None
            and self.rides(app)
            and self.riders[app.mission] >= mission.slipstream_max
        ):
            return False
        sector = rnd.firms[app.firm].sector
        if (
            mission.sector_max is not None
            and self.per_sector[(app.mission, sector)] >= mission.sector_max
        ):
            return False
        return rnd.budget is None or self.used + app.subsidy <= rnd.budget


def place_in_order(rnd: Round, order: list[App]) -> set[int]:
    """Take applications one by one in `order` (locked ones first) wherever they still fit,
    then cancel the missions left below their minimum: a feasible roster."""
    state = _State(rnd)
    locked = [rnd.by_pair[p] for p in sorted(rnd.locked)]
    for app in [*locked, *order]:
        if app.index not in state.roster and state.fits(app):
            state.add(app)
    return {
        i
        for i in state.roster
        if state.count[rnd.apps[i].mission] >= rnd.missions[rnd.apps[i].mission].minimum
    }


def first_come_first_served(rnd: Round) -> set[int]:
    """Applications in the order they came in (the scenario's order), each placed if it fits."""
    return place_in_order(rnd, [a for a in rnd.apps if a.eligible])


def greedy_by_rank(rnd: Round) -> set[int]:
    """Every firm's first choice, then every second choice, and so on (ties in arrival order)."""
    return place_in_order(rnd, sorted(rnd.eligible, key=lambda a: (a.rank, a.index)))


# ---------------------------------------------------------------------------- measures


def blocking_pairs(rnd: Round, roster: set[int]) -> int:
    """Justified envy: eligible unplaced (firm, mission) pairs where the firm prefers the
    mission (it has room, or holds a worse-ranked place it would give up), a firm with a
    lower score holds a place there, and swapping the two breaks no hard constraint."""
    state = _State(rnd, roster)
    count = 0
    for app in rnd.eligible:
        if app.index in roster:
            continue
        if _blocking_swap(rnd, state, app) is not None:
            count += 1
    return count


def _blocking_swap(rnd: Round, state: _State, app: App) -> tuple[App, App | None] | None:
    """The (displaced application, place given up) of a feasible envious swap, or None."""
    mission = rnd.missions[app.mission]
    held = state.of_firm.get(app.firm, [])
    given_up: App | None = None
    if len(held) >= rnd.max_places:
        worse = [h for h in held if h.rank > app.rank and (h.firm, h.mission) not in rnd.locked]
        if not worse:
            return None
        given_up = max(worse, key=lambda h: (h.rank, h.index))
        if rnd.missions[given_up.mission].minimum > 0:
            left = state.count[given_up.mission] - 1
            if 0 < left < rnd.missions[given_up.mission].minimum:
                return None
    kept = [h for h in held if h is not given_up]
    if any(rnd.missions[h.mission].overlaps(mission) for h in kept):
        return None
    sector = rnd.firms[app.firm].sector
    rides = state.rides(app)
    for other in state.on_mission.get(app.mission, []):
        if other.score >= app.score or (other.firm, other.mission) in rnd.locked:
            continue
        if mission.slipstream_max is not None and (
            state.riders[app.mission] - state.rides(other) + rides > mission.slipstream_max
        ):
            continue
        if mission.sector_max is not None:
            same = state.per_sector[(app.mission, sector)]
            if rnd.firms[other.firm].sector != sector and same + 1 > mission.sector_max:
                continue
        if rnd.budget is not None:
            used = state.used - other.subsidy + app.subsidy
            if given_up is not None:
                used -= given_up.subsidy
            if used > rnd.budget:
                continue
        return other, given_up
    return None


def addable(rnd: Round, state: _State, app: App) -> bool:
    """An unplaced application that could simply be added: it fits and its mission then runs."""
    if not state.fits(app):
        return False
    return state.count[app.mission] + 1 >= rnd.missions[app.mission].minimum


@dataclass(slots=True)
class Measures:
    objective: int
    places: int
    capacity: int
    firms: int
    applicants: int
    first_choice: float
    left_out: int
    left_out_addable: int
    balance: float
    balance_region: str
    blocking: int
    shortfall: int
    violations: list[str]


def measure(rnd: Round, roster: set[int]) -> Measures:
    state = _State(rnd, roster)
    placed_firms = {rnd.apps[i].firm for i in roster}
    applicants = {a.firm for a in rnd.eligible}
    best_rank: dict[str, int] = {}
    for a in rnd.apps:
        best_rank[a.firm] = min(best_rank.get(a.firm, a.rank), a.rank)
    first = sum(1 for i in roster if rnd.apps[i].rank == best_rank[rnd.apps[i].firm])
    left_out = [
        a
        for a in rnd.eligible
        if a.index not in roster and state.count[a.mission] < rnd.missions[a.mission].capacity
    ]
    by_region = Counter(rnd.firms[rnd.apps[i].firm].region for i in roster)
    applicants_by_region = Counter(rnd.firms[f].region for f in applicants)
    deviations = {
        region: abs(
            by_region[region] / max(1, len(roster))
            - applicants_by_region[region] / max(1, len(applicants))
        )
        for region in rnd.regions
    }
    worst = max(deviations, key=lambda r: deviations[r])
    return Measures(
        objective=rnd.objective(roster),
        places=len(roster),
        capacity=sum(m.capacity for m in rnd.missions.values()),
        firms=len(placed_firms),
        applicants=len(applicants),
        first_choice=first / max(1, len(placed_firms)),
        left_out=len(left_out),
        left_out_addable=sum(1 for a in left_out if addable(rnd, state, a)),
        balance=deviations[worst],
        balance_region=worst,
        blocking=blocking_pairs(rnd, roster),
        shortfall=rnd.shortfall(roster),
        violations=rnd.violations(roster),
    )


# ------------------------------------------------------------------------------ section


def evaluate(size: Size) -> dict:
    path = common.scenario(size)
    rnd = Round(common.load(path))
    solved = common.matchmaker_solves(path, 1)[0]
    if solved.result is None:
        raise RuntimeError(f"matchmaker solve failed on {path}: {solved.process.stderr[-2000:]}")
    optimiser = rnd.roster_of([(p["firm"], p["mission"]) for p in solved.result["placements"]])
    pure = common.reference_runs("flow", pure_scenario(size), 1)[0]
    rosters = {
        "first come, first served": first_come_first_served(rnd),
        "greedy by rank": greedy_by_rank(rnd),
        f"matchmaker ({solved.status})": optimiser,
    }
    measures = {name: measure(rnd, roster) for name, roster in rosters.items()}
    sys.stderr.write(
        f"[bench] quality {size.label}: "
        + ", ".join(f"{k} {v.objective}" for k, v in measures.items())
        + "\n"
    )
    return {
        "size": size,
        "applications": len(rnd.apps),
        "eligible": len(rnd.eligible),
        "measures": measures,
        "optimiser": measures[f"matchmaker ({solved.status})"],
        "pure": pure.objective,
        "reported_objective": solved.objective,
    }


def _gain(better: int, other: int) -> str:
    return f"{better - other:+,} ({(better - other) / max(1, abs(other)):+.2%})"


def _pct(value: float) -> str:
    return f"{value:.1%}"


def run(quick: bool) -> str:
    results = [evaluate(size) for size in (QUICK if quick else FULL)]
    parts = [
        TITLE,
        "",
        "On each round three rosters are compared, all checked against every hard constraint "
        "(eligibility, capacity, minimum participants, one place per firm, dates, slipstream, "
        "sector caps, budget, locks) by the benchmark's own checker (`bench/rounds.py`):",
        "",
        "- **first come, first served**: applications in the order they arrived (the "
        "scenario's order), each placed if it still fits; missions left below their minimum "
        "are cancelled at the end, as an organiser would have to;",
        "- **greedy by rank**: every firm's first choice, then every second choice, and so on, "
        "with the same rules;",
        "- **matchmaker**: the roster of `matchmaker solve`.",
        "",
        "Columns: objective of model v1 (scores minus region-shortfall penalties); places "
        "filled of total capacity; firms placed of firms with an eligible application; "
        "first-choice share of placed firms; eligible applications left out while their "
        "mission still had an empty place (in brackets: how many of those could simply have "
        "been added without breaking any hard constraint); regional balance as the largest "
        "gap between a region's share of placements and its share of eligible applicants; "
        "seats of the missions' region minimums left untaken (each costs the round's "
        "`region_shortfall` weight, 2,000 by default, in the objective); "
        "justified envy as feasible blocking pairs (a firm is not on a mission it prefers to "
        "what it holds, a lower-scored firm is, and swapping them breaks no hard constraint).",
    ]
    summary = []
    problems = []
    for r in results:
        rows = []
        best = r["optimiser"]
        for name, m in r["measures"].items():
            if m.violations:
                problems.append(f"{name} on {r['size'].label}: {m.violations[:3]}")
            rows.append(
                [
                    name,
                    number(m.objective),
                    "—" if m is best else _gain(best.objective, m.objective),
                    f"{m.places:,} / {m.capacity:,}",
                    f"{m.firms:,} / {m.applicants:,}",
                    _pct(m.first_choice),
                    f"{m.left_out:,} ({m.left_out_addable:,})",
                    f"{m.balance * 100:.1f} pp ({m.balance_region})",
                    f"{m.shortfall:,}",
                    f"{m.blocking:,}",
                    "yes" if not m.violations else f"**NO ({len(m.violations)})**",
                ]
            )
            if m is not best and m.objective > best.objective:
                problems.append(
                    f"{name} beats the optimiser on {r['size'].label}: {m.objective} > "
                    f"{best.objective}"
                )
        if r["reported_objective"] != best.objective:
            problems.append(
                f"matchmaker reports objective {r['reported_objective']} on {r['size'].label}, "
                f"the benchmark recomputes {best.objective}"
            )
        parts += [
            "",
            f"**{r['size'].label}** ({r['applications']:,} applications, "
            f"{r['eligible']:,} eligible)",
            "",
            table(
                [
                    "roster",
                    "objective",
                    "optimiser's gain",
                    "places filled",
                    "firms placed",
                    "first choice",
                    "left out, places empty (addable)",
                    "regional balance (worst)",
                    "region-minimum seats short",
                    "blocking pairs",
                    "feasible",
                ],
                rows,
                align="lrrrrrrrrrl",
            ),
        ]
        fcfs = r["measures"]["first come, first served"]
        greedy = r["measures"]["greedy by rank"]
        price = (r["pure"] - best.objective) if r["pure"] is not None else None
        summary.append(
            [
                r["size"].label,
                _gain(best.objective, fcfs.objective),
                f"{best.places - fcfs.places:+,}",
                _gain(best.objective, greedy.objective),
                f"{best.places - greedy.places:+,}",
                number(r["pure"]),
                number(best.objective),
                "—" if price is None else f"{price:,} ({price / max(1, r['pure']):.2%})",
            ]
        )
    parts += [
        "",
        "### Where the optimiser is better, and the price of the side constraints",
        "",
        "The optimiser's objective and places against each status-quo roster, and the price of "
        "the side constraints: the min-cost-flow optimum of the pure assignment (section 2) "
        "against the full model's optimum on the same round.",
        "",
        table(
            [
                "round",
                "gain over first come, first served",
                "places",
                "gain over greedy by rank",
                "places",
                "pure assignment optimum",
                "full model optimum",
                "price of the side constraints",
            ],
            summary,
        ),
        "",
        (
            "**Problems found:** " + "; ".join(problems)
            if problems
            else "Every roster is feasible under all hard constraints, the optimiser is never "
            "worse on the objective than either status-quo roster, and the objective the "
            "benchmark recomputes equals the one matchmaker reports."
        ),
    ]
    return "\n".join(parts)
