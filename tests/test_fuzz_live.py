"""A small live pass of the schema fuzzing: scripts/fuzz_live.py starts `matchmaker serve`,
seeds two tenants of each audience over HTTP and runs schemathesis against it as the two
SMEs; nothing found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_schemathesis_against_a_started_server_finds_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "fuzz_live.py"),
            "--examples",
            "3",
            "--identity",
            "sme_a",
            "--identity",
            "sme_b",
            "--workdir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    figures = json.loads(result.stdout[result.stdout.index("{") :])
    assert figures["failures"] == 0 and figures["failure_lines"] == []
    assert figures["operations"] >= 50
    passes = {p["identity"]: p for p in figures["passes"]}
    assert set(passes) == {"sme_a", "sme_b"}
    for figures_of in passes.values():
        assert figures_of["server_errors"] == 0
        assert figures_of["peer_object_probes"] >= 20  # each of the other SME's objects asked for
        assert figures_of["operations_with_a_2xx"] >= 10
