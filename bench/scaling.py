"""Section 4: solve time and memory against the number of applications (table and PNG plot)."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import common
from bench.common import Size, median, number, seconds, table

TITLE = "## 4. Scaling"
PLOT = "benchmarks-scaling.png"

# Roughly 2k, 5k, 20k, 50k and 100k applications (seed 1 of each).
FULL = [
    Size(500, 30, 1),
    Size(1250, 60, 1),
    Size(4000, 120, 1),
    Size(10000, 250, 1),
    Size(20000, 500, 1),
]
QUICK = [Size(60, 6, 1), Size(200, 12, 1), Size(500, 30, 1)]


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    apps = [r["applications"] for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    left.plot(apps, [r["wall"] for r in rows], "o-", label="whole `solve` command")
    left.plot(apps, [r["solve"] for r in rows], "s--", label="of it solve (build + search)")
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("applications")
    left.set_ylabel("seconds (median)")
    left.set_title("Time to a proven optimum")
    left.grid(True, which="both", alpha=0.3)
    left.legend()
    right.plot(apps, [r["peak"] for r in rows], "o-", color="tab:green")
    right.axhline(1024, color="tab:red", linestyle=":", label="1 GiB target")
    right.set_xscale("log")
    right.set_xlabel("applications")
    right.set_ylabel("peak resident memory (MiB)")
    right.set_title("Peak memory of the `solve` process")
    right.grid(True, which="both", alpha=0.3)
    right.legend()
    thousands = FuncFormatter(lambda value, _: f"{value:,.0f}")
    for axis in (left, right):
        axis.xaxis.set_major_formatter(thousands)
        axis.xaxis.set_minor_formatter(NullFormatter())
    left.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    right.set_ylim(bottom=0)
    figure.suptitle("matchmaker solve on generated rounds (seed 1)")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def run(quick: bool) -> str:
    settings = common.SETTINGS
    rows = []
    for size in QUICK if quick else FULL:
        path = common.scenario(size)
        repeats = settings.national_repeats if size.firms >= 20000 else settings.repeats
        runs = common.matchmaker_solves(path, repeats)
        first = runs[0].result or {}
        rows.append(
            {
                "size": size,
                "applications": first.get("metrics", {}).get("applications", 0),
                "wall": median(r.process.wall for r in runs),
                "solve": median(r.solve_seconds or 0 for r in runs),
                "peak": max(r.process.peak_mb for r in runs),
                "status": runs[0].status,
                "repeats": repeats,
            }
        )
        sys.stderr.write(f"[bench] scaling {size.label}: {rows[-1]['wall']:.2f} s\n")
    image = settings.out.parent / PLOT
    plot(rows, image)
    body = table(
        [
            "round",
            "applications",
            "status",
            "whole command",
            "of it solve",
            "peak memory",
            "runs",
            "µs per application (whole command)",
        ],
        [
            [
                r["size"].label,
                number(r["applications"]),
                r["status"],
                seconds(r["wall"]),
                seconds(r["solve"]),
                f"{r['peak']:.0f} MiB",
                r["repeats"],
                f"{r['wall'] / max(1, r['applications']) * 1e6:,.0f}",
            ]
            for r in rows
        ],
        align="lrlrrrrr",
    )
    return "\n".join(
        [
            TITLE,
            "",
            "`matchmaker solve` (default settings) on generated rounds of growing size; times "
            "are medians, memory the largest peak of the runs.",
            "",
            body,
            "",
            f"![solve time and peak memory against applications]({PLOT})",
        ]
    )
