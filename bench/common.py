"""What every benchmark section shares: generated rounds, timed processes, Markdown tables."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Generated rounds and result files; the rounds are deterministic, so they are kept between
# runs (set BENCH_CACHE to put them elsewhere).
CACHE = Path(os.environ.get("BENCH_CACHE", ROOT / ".bench-cache"))


@dataclass(frozen=True, slots=True)
class Size:
    """A generated round: `matchmaker generate --firms F --missions M --seed S`."""

    firms: int
    missions: int
    seed: int

    @property
    def label(self) -> str:
        return f"{self.firms:,} firms / {self.missions} missions, seed {self.seed}"


@dataclass(slots=True)
class Process:
    """One whole process, timed from start to exit: wall seconds and peak resident memory."""

    argv: list[str]
    returncode: int
    wall: float
    peak_mb: float
    stdout: str
    stderr: str


@dataclass(slots=True)
class Settings:
    """How much to run: repeats per measurement, and the quick (CI) mode."""

    quick: bool = False
    repeats: int = 3
    national_repeats: int = 1
    work: Path = field(default_factory=lambda: CACHE)
    out: Path = field(default_factory=lambda: ROOT / "BENCHMARKS.md")


SETTINGS = Settings()


def matchmaker_argv(*args: str) -> list[str]:
    """The installed `matchmaker` command (the console script next to this Python)."""
    script = Path(sys.executable).with_name("matchmaker")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from matchmaker.cli import app; app()", *args]


def scenario(size: Size) -> Path:
    """The generated round's file, made once and kept in the cache."""
    path = SETTINGS.work / "rounds" / f"f{size.firms}-m{size.missions}-s{size.seed}.json"
    if not path.exists():
        from matchmaker.synthetic import generate_round

        path.parent.mkdir(parents=True, exist_ok=True)
        document = generate_round(firms=size.firms, missions=size.missions, seed=size.seed)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(document), encoding="utf-8")
        temporary.replace(path)
    return path


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(slots=True)
class Solve:
    """One whole `matchmaker solve` process and what its result file says."""

    process: Process
    status: str
    objective: int | None
    bound: int | None
    solve_seconds: float | None
    result: dict[str, Any] | None


_solves: dict[tuple[str, str], list[Solve]] = {}


def matchmaker_solves(path: Path, repeats: int) -> list[Solve]:
    """`repeats` runs of `matchmaker solve PATH --out F` (runs made earlier in this benchmark
    run on the same file are reused, so two sections never solve the same round twice)."""
    key = (str(path), "solve")
    runs = _solves.setdefault(key, [])
    while len(runs) < repeats:
        out = SETTINGS.work / "results" / f"{path.stem}.result.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        process = timed(matchmaker_argv("solve", str(path), "--out", str(out)))
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
        runs.append(
            Solve(
                process=process,
                status=(result or {}).get("status", f"exit {process.returncode}"),
                objective=(result or {}).get("objective"),
                bound=(result or {}).get("best_bound"),
                solve_seconds=(result or {}).get("solve_seconds"),
                result=result if not runs else None,  # the first run's file is kept
            )
        )
    return runs[:repeats]


@dataclass(slots=True)
class Reference:
    process: Process
    status: str
    objective: int | None
    bound: int | None
    solve_seconds: float | None


def reference_runs(engine: str, path: Path, repeats: int, time_limit: float | None = None):
    """`repeats` whole processes of `python -m bench.reference ENGINE PATH`."""
    runs = []
    for _ in range(repeats):
        argv = [sys.executable, "-m", "bench.reference", engine, str(path)]
        if time_limit is not None:
            argv += ["--time-limit", str(time_limit)]
        process = timed(argv)
        answer = _last_json_line(process.stdout)
        if answer is None:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{process.stderr[-2000:]}")
        runs.append(
            Reference(
                process,
                answer["status"],
                answer["objective"],
                answer["bound"],
                answer["solve_seconds"],
            )
        )
    return runs


def _last_json_line(text: str) -> dict | None:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None


def timed(
    argv: Sequence[str], *, timeout: float | None = None, env: dict[str, str] | None = None
) -> Process:
    """Run a process and take its own peak memory from os.wait4 (not the aggregate)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        list(argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TERM": "dumb", **(env or {})},
    )
    # Read both pipes in threads so a chatty child never blocks; then reap it with wait4.
    import threading

    chunks: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=("out", child.stdout)),
        threading.Thread(target=drain, args=("err", child.stderr)),
    ]
    for reader in readers:
        reader.start()
    deadline = None if timeout is None else started + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            child.kill()
        time.sleep(0.005)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return Process(
        list(argv),
        child.returncode,
        wall,
        usage.ru_maxrss / 1024,
        chunks.get("out", b"").decode("utf-8", "replace"),
        chunks.get("err", b"").decode("utf-8", "replace"),
    )


# ----------------------------------------------------------------------------- formatting


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:,}"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], align: str | None = None) -> str:
    """A Markdown table; `align` has one letter per column (l or r), numbers right by default."""
    rows = [[str(cell) for cell in row] for row in rows]
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> list[tuple[str, str]]:
    """What the numbers were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    versions = {}
    for name, module in (("OR-Tools", "ortools"), ("HiGHS (highspy)", "highspy")):
        try:
            from importlib.metadata import version

            versions[name] = version(module)
        except Exception:
            versions[name] = "not installed"
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    except OSError:
        pass
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("Memory", ram),
        ("OS", os_name),
        ("Python", platform.python_version()),
        *versions.items(),
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
