"""The fault script in small: the server (and the PostgreSQL worker) killed with SIGKILL three
times during matching runs and writes; after each kill no partial roster, no acknowledged
write lost, a clean integrity check, and no run left running (scripts/kill_test.py; its full
mode kills 30 times per database)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.service.conftest import postgres_server_url

ROOT = Path(__file__).resolve().parents[1]
KILLS = 3


def _kill_test(database: str, workdir: Path) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "kill_test.py"),
            "--database",
            database,
            "--kills",
            str(KILLS),
            "--seed",
            "7",
            "--round-size",
            "200",
            "--workdir",
            str(workdir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(result.stdout[result.stdout.index("{") :])
    assert figures["kills"] == figures["restarts"] == KILLS
    assert figures["checks"] == KILLS + 1
    assert figures["applications_acknowledged"] + figures["cases_acknowledged"] > 0
    return figures


def test_kill_9_on_sqlite(tmp_path: Path) -> None:
    _kill_test("sqlite", tmp_path)


def test_kill_9_on_postgresql(tmp_path: Path) -> None:
    postgres_server_url()  # skips where no PostgreSQL server is configured
    _kill_test("postgresql", tmp_path)
