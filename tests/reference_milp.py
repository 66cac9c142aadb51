"""Independent exact MILP of SPEC model v1, solved with HiGHS, for differential testing."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from matchmaker.optimisation.validate import Round


class _Model:
    """Columns with bounds/costs/integrality and rows in CSR form."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.row_lb: list[float] = []
        self.row_ub: list[float] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []

    def col(self, cost: float, lb: float, ub: float) -> int:
        self.cost.append(cost)
        self.lb.append(lb)
        self.ub.append(ub)
        return len(self.cost) - 1

    def row(self, cols: list[int], coefs: list[float] | None, lo: float, hi: float) -> None:
        self.index.extend(cols)
        self.value.extend(coefs if coefs is not None else [1.0] * len(cols))
        self.starts.append(len(self.index))
        self.row_lb.append(lo)
        self.row_ub.append(hi)


def _overlap_cliques(intervals: list[tuple[int, int, int]]) -> list[list[int]]:
    """Maximal cliques of closed intervals (start, end, col): sweep, starts before ends."""
    events = []
    for start, end, col in intervals:
        events.append((start, 0, col))
        events.append((end, 1, col))
    events.sort()
    active: set[int] = set()
    cliques: list[list[int]] = []
    grew = False
    for _, kind, col in events:
        if kind == 0:
            active.add(col)
            grew = True
        else:
            if grew and len(active) >= 2:
                cliques.append(sorted(active))
            grew = False
            active.discard(col)
    return cliques


def build_model(scenario: dict) -> tuple[_Model | None, dict]:
    """The MILP (None if a locked pair is ineligible) and a map of variable columns."""
    rnd = Round(scenario)
    inf = math.inf
    model = _Model()
    x_of: dict[tuple[str, str], int] = {}
    for app in rnd.apps:
        if app["reason"] is None:
            x_of[(app["firm"], app["mission"])] = model.col(float(app["score"]), 0.0, 1.0)
    for pair in rnd.locked:
        if pair not in x_of:
            return None, {"x": x_of}
        model.lb[x_of[pair]] = 1.0

    by_mission: dict[str, list[tuple[str, int]]] = defaultdict(list)
    by_firm: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (f, m), col in x_of.items():
        by_mission[m].append((f, col))
        by_firm[f].append((m, col))
    runs_of: dict[str, int] = {}
    for m_id in rnd.mission_order:
        mission = rnd.missions[m_id]
        on_mission = by_mission.get(m_id, [])
        cols = [c for _, c in on_mission]
        if mission["min"] > 0:
            y = model.col(0.0, 0.0, 1.0)
            runs_of[m_id] = y
            # H1 and H2 with the runs decision
            model.row([*cols, y], [1.0] * len(cols) + [-float(mission["capacity"])], -inf, 0.0)
            model.row([*cols, y], [1.0] * len(cols) + [-float(mission["min"])], 0.0, inf)
        elif len(cols) > mission["capacity"]:
            model.row(cols, None, -inf, float(mission["capacity"]))
        # H5 slipstream (promotional only)
        if mission["kind"] == "promotional" and mission["slipstream_max"] is not None:
            slip = [c for f, c in on_mission if not rnd.focus.get(rnd.firms[f]["sector"], False)]
            if len(slip) > mission["slipstream_max"]:
                model.row(slip, None, -inf, float(mission["slipstream_max"]))
        # H6 sector cap
        if mission["sector_max"] is not None:
            per_sector: dict[str, list[int]] = defaultdict(list)
            for f, c in on_mission:
                per_sector[rnd.firms[f]["sector"]].append(c)
            for sector_cols in per_sector.values():
                if len(sector_cols) > mission["sector_max"]:
                    model.row(sector_cols, None, -inf, float(mission["sector_max"]))

    for apps in by_firm.values():
        # H3 per firm
        if len(apps) > rnd.max_places:
            model.row([c for _, c in apps], None, -inf, float(rnd.max_places))
        # H4 overlap (implied by H3 when the limit is 1)
        if rnd.max_places > 1 and len(apps) > 1:
            intervals = [
                (rnd.missions[m]["start"].toordinal(), rnd.missions[m]["end"].toordinal(), c)
                for m, c in apps
            ]
            for clique in _overlap_cliques(intervals):
                model.row(clique, None, -inf, 1.0)

    # H7 budget
    if rnd.budget is not None:
        cols, coefs = [], []
        for pair, col in x_of.items():
            subsidy = rnd.subsidy_of(pair)
            if subsidy:
                cols.append(col)
                coefs.append(float(subsidy))
        if sum(coefs) > rnd.budget:
            model.row(cols, coefs, -inf, float(rnd.budget))

    # S1 region minimum: s >= min(k, e) - placed_from_r, 0 <= s <= min(k, e)
    penalty = float(rnd.weights["region_shortfall"])
    region_cols: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (f, m), col in x_of.items():
        region_cols[(m, rnd.firms[f]["region"])].append(col)
    short_of: dict[tuple[str, str], int] = {}
    for m_id in rnd.mission_order:
        for region, k in rnd.missions[m_id]["region_min"].items():
            target = min(k, rnd.eligible_by_mission_region[(m_id, region)])
            if target <= 0:
                continue
            s = model.col(-penalty, 0.0, float(target))
            short_of[(m_id, region)] = s
            cols = region_cols[(m_id, region)]
            model.row([*cols, s], None, float(target), inf)
    return model, {"x": x_of, "runs": runs_of, "shortfall": short_of}


def reference_optimum(scenario: dict, time_limit: float = 120) -> tuple[str, float]:
    """(status, objective): status OPTIMAL, INFEASIBLE or TIME_LIMIT (objective nan if none)."""
    model, _ = build_model(scenario)
    if model is None:
        return "INFEASIBLE", math.nan
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a test dependency
        return _solve_scipy(model, time_limit)
    return _solve_highs(highspy, model, time_limit)


def _solve_highs(highspy, model: _Model, time_limit: float) -> tuple[str, float]:
    n = len(model.cost)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-6)
    if n == 0:
        return "OPTIMAL", 0.0
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(model.row_lb)
    lp.col_cost_ = np.asarray(model.cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(model.lb, dtype=np.float64)
    lp.col_upper_ = np.asarray(model.ub, dtype=np.float64)
    lp.row_lower_ = np.asarray(model.row_lb, dtype=np.float64)
    lp.row_upper_ = np.asarray(model.row_ub, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(model.row_lb)
    lp.a_matrix_.start_ = np.asarray(model.starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(model.index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(model.value, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    ms = highspy.HighsModelStatus
    if status == ms.kOptimal:
        return "OPTIMAL", float(round(h.getInfo().objective_function_value))
    if status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return "INFEASIBLE", math.nan
    if status == ms.kTimeLimit:
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        return "TIME_LIMIT", float(info.objective_function_value) if has_solution else math.nan
    raise RuntimeError(f"HiGHS ended with {h.modelStatusToString(status)}")


def _solve_scipy(model: _Model, time_limit: float) -> tuple[str, float]:  # pragma: no cover
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    n = len(model.cost)
    if n == 0:
        return "OPTIMAL", 0.0
    constraints = []
    if model.row_lb:
        a = csr_matrix((model.value, model.index, model.starts), shape=(len(model.row_lb), n))
        constraints.append(LinearConstraint(a, model.row_lb, model.row_ub))
    res = milp(
        c=-np.asarray(model.cost),
        integrality=np.ones(n),
        bounds=Bounds(model.lb, model.ub),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if res.status == 0:
        return "OPTIMAL", float(round(-res.fun))
    if res.status == 2:
        return "INFEASIBLE", math.nan
    if res.status == 1:
        return "TIME_LIMIT", float(-res.fun) if res.x is not None else math.nan
    raise RuntimeError(f"scipy milp ended with status {res.status}: {res.message}")
