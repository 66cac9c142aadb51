"""The solver never takes the process down: a round whose locked pairs cannot all hold, which
made OR-Tools 9.15 abort with several interleaved workers and presolve off, is answered
INFEASIBLE with 1, 2 and 4 workers. Each solve runs in its own process, so a regression fails
this test instead of killing the test run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROUND = Path(__file__).parent / "rounds" / "locks_that_cannot_all_hold.json"
SOLVE = """
import json, sys
from tests.solving import solve_checked
result = solve_checked(json.load(open(sys.argv[1])), workers=int(sys.argv[2]), seed=2)
print(json.dumps({"status": result["status"]}))
"""


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_locks_that_cannot_all_hold_are_infeasible_not_a_crash(workers: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SOLVE, str(ROUND), str(workers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["status"] == "INFEASIBLE"
