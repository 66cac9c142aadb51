"""The benchmark section in quick mode: its table, the paper's columns, the fast instances."""

from __future__ import annotations

from bench import meetings as bench_meetings


def test_quick_section_solves_the_fast_instances_to_the_published_optimum() -> None:
    section = bench_meetings.run(quick=True)
    assert section.startswith("## B2B meeting scheduling\n")
    rows = [
        line
        for line in section.splitlines()
        if line.startswith("| tic-") or line.startswith("| forumt-")
    ]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == list(bench_meetings.QUICK)
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        # status, our breaks and the published optimum
        assert cells[1] == "OPTIMAL", row
        assert cells[2] == cells[5], row
    assert "Intel Xeon E3-1220v2" in section
    assert "OR-Tools" in section
    assert "faster than MaxSAT on" in section
