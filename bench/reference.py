"""Exact references run as whole processes: `python -m bench.reference highs|flow SCENARIO`.

`highs` solves an independent MILP of model v1 (written from the benchmark's own reading of
the scenario, not from matchmaker's model) with HiGHS through highspy. `flow` solves the
pure assignment (capacity and one place per firm, nothing else) as a min-cost flow with
OR-Tools. Both print one JSON line: status, objective, bound, and the seconds spent reading,
building and solving.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench.rounds import Round


class _Rows:
    """A MILP's columns and rows, kept in compressed row form for highspy."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.starts: list[int] = [0]
        self.columns: list[int] = []
        self.values: list[float] = []

    def column(self, cost: float, lower: float, upper: float) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.cost) - 1

    def row(self, columns: list[int], values: list[float], lower: float, upper: float) -> None:
        self.columns.extend(columns)
        self.values.extend(values)
        self.starts.append(len(self.columns))
        self.row_lower.append(lower)
        self.row_upper.append(upper)


def milp_of(rnd: Round) -> _Rows | None:
    """Model v1 as a MILP: x per eligible application, runs per mission with a minimum,
    shortfall per region minimum. None when a locked pair is not eligible."""
    inf = math.inf
    rows = _Rows()
    x: dict[int, int] = {a.index: rows.column(float(a.score), 0.0, 1.0) for a in rnd.eligible}
    for firm, mission in rnd.locked:
        app = rnd.by_pair[(firm, mission)]
        if app.index not in x:
            return None
        rows.lower[x[app.index]] = 1.0
    on_mission: dict[str, list[int]] = defaultdict(list)
    of_firm: dict[str, list[int]] = defaultdict(list)
    for a in rnd.eligible:
        on_mission[a.mission].append(a.index)
        of_firm[a.firm].append(a.index)
    for m in rnd.missions.values():
        apps = on_mission.get(m.id, [])
        cols = [x[i] for i in apps]
        if m.minimum > 0:
            runs = rows.column(0.0, 0.0, 1.0)
            rows.row([*cols, runs], [1.0] * len(cols) + [-float(m.capacity)], -inf, 0.0)
            rows.row([*cols, runs], [1.0] * len(cols) + [-float(m.minimum)], 0.0, inf)
        elif len(cols) > m.capacity:
            rows.row(cols, [1.0] * len(cols), -inf, float(m.capacity))
        if m.kind == "promotional" and m.slipstream_max is not None:
            riders = [x[i] for i in apps if rnd.firms[rnd.apps[i].firm].sector not in rnd.focus]
            if len(riders) > m.slipstream_max:
                rows.row(riders, [1.0] * len(riders), -inf, float(m.slipstream_max))
        if m.sector_max is not None:
            by_sector: dict[str, list[int]] = defaultdict(list)
            for i in apps:
                by_sector[rnd.firms[rnd.apps[i].firm].sector].append(x[i])
            for group in by_sector.values():
                if len(group) > m.sector_max:
                    rows.row(group, [1.0] * len(group), -inf, float(m.sector_max))
    for apps in of_firm.values():
        if len(apps) > rnd.max_places:
            rows.row([x[i] for i in apps], [1.0] * len(apps), -inf, float(rnd.max_places))
        if rnd.max_places > 1:
            # Pairs of overlapping missions of one firm: at most one of each pair.
            for p, i in enumerate(apps):
                for j in apps[p + 1 :]:
                    a, b = rnd.missions[rnd.apps[i].mission], rnd.missions[rnd.apps[j].mission]
                    if a.overlaps(b):
                        rows.row([x[i], x[j]], [1.0, 1.0], -inf, 1.0)
    if rnd.budget is not None:
        paid = [a for a in rnd.eligible if a.subsidy]
        if sum(a.subsidy for a in paid) > rnd.budget:
            rows.row([x[a.index] for a in paid], [float(a.subsidy) for a in paid], -inf, rnd.budget)
    penalty = float(rnd.weights["region_shortfall"])
    by_region: dict[tuple[str, str], list[int]] = defaultdict(list)
    for a in rnd.eligible:
        by_region[(a.mission, rnd.firms[a.firm].region)].append(x[a.index])
    for m in rnd.missions.values():
        for region, k in m.region_min.items():
            wanted = min(k, rnd.eligible_by_mission_region[(m.id, region)])
            if wanted > 0 and penalty > 0:
                short = rows.column(-penalty, 0.0, float(wanted))
                cols = by_region[(m.id, region)]
                rows.row([*cols, short], [1.0] * (len(cols) + 1), float(wanted), inf)
    return rows


def solve_highs(rnd: Round, time_limit: float | None) -> dict:
    import highspy
    import numpy as np

    rows = milp_of(rnd)
    built = time.perf_counter()
    if rows is None:
        return {"status": "INFEASIBLE", "objective": None, "bound": None, "built": built}
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 0.5)  # integral objective: closer than 1 is proven
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    n = len(rows.cost)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows.row_lower)
    lp.col_cost_ = np.asarray(rows.cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(rows.lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(rows.upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(rows.row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(rows.row_upper, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(rows.row_lower)
    lp.a_matrix_.start_ = np.asarray(rows.starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(rows.columns, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(rows.values, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    kinds = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2
    objective = round(info.objective_function_value) if has_solution else None
    bound = math.floor(info.mip_dual_bound + 1e-6) if math.isfinite(info.mip_dual_bound) else None
    if status == kinds.kOptimal:
        name, bound = "OPTIMAL", objective
    elif status in (kinds.kInfeasible, kinds.kUnboundedOrInfeasible):
        name = "INFEASIBLE"
    elif has_solution:
        name = "FEASIBLE"
    else:
        name = "UNKNOWN"
    return {"status": name, "objective": objective, "bound": bound, "built": built}


def solve_flow(rnd: Round) -> dict:
    """The pure assignment as a min-cost flow: source -> firm -> mission -> sink, with a
    zero-cost bypass so that a firm stays out when no placement is worth it."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    if rnd.max_places != 1 or rnd.budget is not None or rnd.locked:
        raise SystemExit("flow: the scenario is not a pure assignment (see pure_assignment)")
    if any(
        m.minimum or m.slipstream_max is not None or m.sector_max is not None or m.region_min
        for m in rnd.missions.values()
    ):
        raise SystemExit("flow: the scenario has side constraints (see pure_assignment)")
    firms = sorted({a.firm for a in rnd.eligible})
    firm_node = {f: 2 + k for k, f in enumerate(firms)}
    mission_node = {m: 2 + len(firms) + k for k, m in enumerate(rnd.missions)}
    source, sink = 0, 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails, heads, capacities, costs = [], [], [], []

    def arc(tail: int, head: int, capacity: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        capacities.append(capacity)
        costs.append(cost)

    for f in firms:
        arc(source, firm_node[f], 1, 0)
    first_app_arc = len(tails)
    for a in rnd.eligible:
        arc(firm_node[a.firm], mission_node[a.mission], 1, -a.score)
    for m in rnd.missions.values():
        arc(mission_node[m.id], sink, m.capacity, 0)
    arc(source, sink, len(firms), 0)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails), np.asarray(heads), np.asarray(capacities), np.asarray(costs)
    )
    flow.set_node_supply(source, len(firms))
    flow.set_node_supply(sink, -len(firms))
    built = time.perf_counter()
    if flow.solve() != flow.OPTIMAL:
        return {"status": "UNKNOWN", "objective": None, "bound": None, "built": built}
    placed = [a.index for k, a in enumerate(rnd.eligible) if flow.flow(first_app_arc + k) > 0]
    objective = -flow.optimal_cost()
    assert objective == sum(rnd.apps[i].score for i in placed)
    return {
        "status": "OPTIMAL",
        "objective": objective,
        "bound": objective,
        "built": built,
        "placed": len(placed),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reference", description=__doc__)
    parser.add_argument("engine", choices=("highs", "flow"))
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args(argv)
    # Import the engine first: the timings below are reading, model building and solving.
    if args.engine == "highs":
        import highspy  # noqa: F401
    else:
        from ortools.graph.python import min_cost_flow  # noqa: F401
    import numpy  # noqa: F401

    started = time.perf_counter()
    rnd = Round(json.loads(args.scenario.read_text(encoding="utf-8")))
    read = time.perf_counter()
    answer = solve_highs(rnd, args.time_limit) if args.engine == "highs" else solve_flow(rnd)
    done = time.perf_counter()
    answer["read_seconds"] = round(read - started, 3)
    answer["build_seconds"] = round(answer.pop("built") - read, 3)
    answer["solve_seconds"] = round(done - read, 3)
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
