"""Section 2: the pure assignment, where OR-Tools' min-cost flow gives the optimum fast."""

from __future__ import annotations

import json
import sys

from bench import common
from bench.common import Size, median, number, seconds, table
from bench.rounds import pure_assignment

TITLE = "## 2. The speed limit: pure assignment against min-cost flow"

FULL = [Size(500, 30, s) for s in (1, 2, 3)] + [Size(4000, 120, 1), Size(20000, 500, 1)]
QUICK = [Size(60, 6, 1), Size(200, 12, 1)]


def pure_scenario(size: Size):
    """The round with its side constraints stripped, written next to the generated one."""
    source = common.scenario(size)
    path = source.with_name(source.stem + "-pure.json")
    if not path.exists():
        path.write_text(json.dumps(pure_assignment(common.load(source))), encoding="utf-8")
    return path


def run(quick: bool) -> str:
    settings = common.SETTINGS
    rows = []
    for size in QUICK if quick else FULL:
        path = pure_scenario(size)
        repeats = settings.national_repeats if size.firms >= 20000 else settings.repeats
        ours = common.matchmaker_solves(path, repeats)
        flow = common.reference_runs("flow", path, repeats)
        ours_wall = median(r.process.wall for r in ours)
        flow_wall = median(r.process.wall for r in flow)
        ours_solve = median(r.solve_seconds or 0 for r in ours)
        flow_solve = median(r.solve_seconds or 0 for r in flow)
        equal = ours[0].status == "OPTIMAL" and ours[0].objective == flow[0].objective
        rows.append(
            [
                size.label,
                number((ours[0].result or {}).get("metrics", {}).get("applications")),
                seconds(median(r.process.wall for r in flow)),
                seconds(median(r.solve_seconds or 0 for r in flow)),
                number(flow[0].objective),
                seconds(median(r.process.wall for r in ours)),
                seconds(median(r.solve_seconds or 0 for r in ours)),
                f"{ours[0].status} {number(ours[0].objective)}",
                f"{ours_wall / flow_wall:.2f}",
                f"{ours_solve / max(1e-3, flow_solve):.1f}",
                "yes" if equal else "**NO**",
            ]
        )
        sys.stderr.write(f"[bench] speed limit {size.label}: {rows[-1]}\n")
    return "\n".join(
        [
            TITLE,
            "",
            "The same rounds reduced to capacity and one place per firm (no minimum "
            "participants, slipstream, sector caps, region minimums, budget, date conflicts or "
            "locks; eligibility and scores unchanged). OR-Tools' min-cost flow "
            "(`ortools.graph.python.min_cost_flow`: source → firm → mission → sink, plus a "
            "zero-cost bypass) solves it exactly in `python -m bench.reference flow ROUND`; "
            "matchmaker solves the same file with its whole `solve` command. "
            "“build + solve” is the reference's time after reading the file; matchmaker's "
            "“solve” is `solve_seconds` of its result file (round preparation, model build and "
            "search; reading, validation and explanations are outside it).",
            "",
            table(
                [
                    "round (pure variant)",
                    "applications",
                    "min-cost flow: whole process",
                    "(of it build + solve)",
                    "optimum",
                    "matchmaker: whole command",
                    "(of it solve)",
                    "matchmaker status, objective",
                    "ratio, whole processes",
                    "ratio, solve only",
                    "objectives equal",
                ],
                rows,
                align="lrrrrrrlrrl",
            ),
        ]
    )
