"""Section 5: `matchmaker serve` under load (locust, headless), idle and during a matching run."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import common
from bench.common import Size, table

TITLE = "## 5. The service under load"


@dataclass(frozen=True, slots=True)
class Plan:
    round: Size
    smes: int
    browsers: int
    appliers: int
    seconds: int
    spawn_rate: int
    think: tuple[float, float] = (5.0, 15.0)


FULL = Plan(Size(5000, 150, 1), smes=40, browsers=200, appliers=20, seconds=90, spawn_rate=20)
QUICK = Plan(
    Size(200, 12, 1), smes=6, browsers=8, appliers=3, seconds=8, spawn_rate=11, think=(0.5, 1.5)
)
# Routes that count for the "page and list routes" target (everything but logging in/applying).
NOT_PAGES = ("POST /login", "GET /login", "POST /sme/applications")


TRIED = """\
What was found and tried (investigation notes; the figures above are this run's):

- Every request's transaction on SQLite began with `BEGIN IMMEDIATE`, reads included, so page
  views queued one by one behind each other and behind writers, and during a matching run
  they waited out the busy timeout and failed with "database is locked". Fixed: GET and HEAD
  requests now begin a deferred (read) transaction (`matchmaker/deps.py`,
  `tests/web/test_read_concurrency.py`).
- Each login held SQLite's write lock while Argon2 checked the password (most of a second
  under load), so concurrent logins and applications waited out the busy timeout and failed
  with "database is locked". Fixed: the password is checked outside any transaction
  (`matchmaker/services/accounts.py`, `tests/service/test_login_lock.py`).
- The mission list built every mission entry twice (once more for the filter form) and looked
  up country names each time. Fixed: one distinct query for the form's countries, cached
  country names (`matchmaker/services/catalogue.py`, `firms.py`).
- Starting a run exported the round (about 2.6 s of Python for the 5,000-firm round) inside
  the request's write transaction, and storing its roster added one ORM object and one
  INSERT ... RETURNING per application in the finishing transaction, so logins and
  applications during a run waited out the 5 s busy timeout. Fixed: the round is exported in
  a read transaction of its own (one consistent snapshot) and only the run row is added under
  the lock; the roster goes in with one executemany INSERT built before the transaction; the
  job reads the snapshot without the lock (`matchmaker/services/runs.py`,
  `tests/service/test_run_locks.py`).
- Under a burst, more requests waited for a database connection than the pool held (5 + 10
  for 40 request threads) and failed after 30 s with a 500. Fixed: a SQLite file database
  gets a connection for every request thread (`matchmaker/db.py`). The in-process job
  runner's thread solves at a lower CPU priority (nice 10), so requests get the cores first
  (`matchmaker/jobs.py`).
- The GIL is not what slows requests during a run: a solve of the 5,000-firm round in a thread
  left the main thread answering a 10 ms sleep in 12 ms (median) and 31 ms (p95), worst
  0.5 s while the model is built and the result explained; CP-SAT's search releases the GIL.
  A subprocess for the solve was therefore not added. What remains is capacity: one uvicorn
  process spends roughly 5–15 ms of CPU on a mission list or mission page (a handful of
  queries each, no query per row), a solve takes one of the two cores for its whole length,
  and the load generator needs the other. Where the offered load exceeds what is left,
  requests queue, and the p95 above follows from that.
- Not tried (larger changes): serving with several worker processes, caching the public
  mission list between changes, moving the export out of the request and the solve out of
  the server process (e.g. the PostgreSQL worker set-up, where `matchmaker worker` runs the
  solve in its own process)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepared_database(plan: Plan) -> tuple[Path, dict, float]:
    """A database file filled by bench.load_data, made once per plan and copied for each run."""
    folder = common.SETTINGS.work / "load"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"v2-f{plan.round.firms}-m{plan.round.missions}-s{plan.round.seed}-smes{plan.smes}"
    template, accounts = folder / f"{stem}.db", folder / f"{stem}.json"
    if not (template.exists() and accounts.exists()):
        for leftover in folder.glob(f"{stem}.db*"):
            leftover.unlink()
        process = common.timed(
            [
                sys.executable,
                "-m",
                "bench.load_data",
                f"sqlite:///{template}",
                str(common.scenario(plan.round)),
                str(plan.smes),
                str(accounts),
            ]
        )
        if process.returncode != 0:
            raise RuntimeError(f"bench.load_data failed:\n{process.stderr[-3000:]}")
    data = json.loads(accounts.read_text(encoding="utf-8"))
    run_db = folder / f"{stem}-run.db"
    for leftover in folder.glob(f"{stem}-run.db*"):
        leftover.unlink()
    shutil.copyfile(template, run_db)
    return run_db, data, data["seconds"]


class Server:
    """`matchmaker serve` on a free port of 127.0.0.1, stopped by its own process id."""

    def __init__(self, database: Path, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            common.matchmaker_argv("serve", "--port", str(self.port)),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"},
            cwd=common.ROOT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"matchmaker serve exited early; see {log}")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"matchmaker serve did not answer within 90 s; see {log}")

    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=180) as answer:
            return json.loads(answer.read() or b"null")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@dataclass(slots=True)
class RunKeeper:
    """Keeps a matching run of the round active for as long as the load phase lasts: starts
    one through the organiser API and, when it ends, the next."""

    server: Server
    token: str
    round_id: str
    runs: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._keep, daemon=True)
        self._thread.start()

    def _keep(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                run = self.server.call("POST", f"/api/rounds/{self.round_id}/runs", {}, self.token)
            except (OSError, urllib.error.URLError) as error:
                self.problems.append(
                    f"starting a run failed after {time.monotonic() - started:.0f} s: {error}"
                )
                continue
            while not self._stop.wait(1.0):
                try:
                    run = self.server.call("GET", f"/api/runs/{run['id']}", token=self.token)
                except (OSError, urllib.error.URLError) as error:
                    self.problems.append(f"polling run {run['id']} failed: {error}")
                    continue
                if run["finished"]:
                    break
            self.runs.append(
                {
                    "id": run["id"],
                    "state": run["state"],
                    "status": run.get("status"),
                    "seconds": time.monotonic() - started,
                    "finished": run["finished"],
                }
            )

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)


def locust(
    server: Server, plan: Plan, data_file: Path, prefix: Path, accounts_from: int
) -> common.Process:
    """One headless locust run against the server; statistics go to PREFIX_stats.csv."""
    return common.timed(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(common.ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(plan.browsers + plan.appliers),
            "--spawn-rate",
            str(plan.spawn_rate),
            "--run-time",
            f"{plan.seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            server.base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        timeout=plan.seconds + 120,
        env={
            "BENCH_LOAD_DATA": str(data_file),
            "BENCH_BROWSERS": str(plan.browsers),
            "BENCH_APPLIERS": str(plan.appliers),
            "BENCH_ACCOUNT_OFFSET": str(accounts_from),
            "BENCH_THINK_MIN": str(plan.think[0]),
            "BENCH_THINK_MAX": str(plan.think[1]),
        },
    )


def read_stats(prefix: Path) -> dict[str, dict]:
    """Per route (and 'Aggregated'): requests, failures, p50/p95/p99 in ms, requests/s."""
    out = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            out[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return out


def _failures(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as stream:
        grouped: Counter[str] = Counter()
        for row in csv.DictReader(stream):
            # One line per route and kind of error (timeouts name each URL; drop that).
            kind = re.sub(r"\('http[^']*', \d+, original=", "(", row["Error"])
            grouped[f"{row['Name']}: {kind}"] += int(row["Occurrences"])
        return [f"{name} ×{n}" for name, n in grouped.items()]


def run(quick: bool) -> str:
    plan = QUICK if quick else FULL
    folder = common.SETTINGS.work / "load"
    database, data, load_seconds = prepared_database(plan)
    data_file = folder / "accounts-run.json"
    data_file.write_text(json.dumps(data), encoding="utf-8")
    server = Server(database, folder / "server.log")
    try:
        token = server.call(
            "POST",
            "/api/tokens",
            {"email": data["organiser"]["email"], "password": data["organiser"]["password"]},
        )["token"]
        idle = locust(server, plan, data_file, folder / "idle", 0)
        keeper = RunKeeper(server, token, data["run_round"])
        keeper.start()
        time.sleep(1.0)  # the run is claimed and its model is being built
        busy = locust(server, plan, data_file, folder / "busy", plan.appliers)
        keeper.stop()
    finally:
        server.stop()
    for name, process in (("idle", idle), ("busy", busy)):
        if not Path(f"{folder / name}_stats.csv").exists():
            raise RuntimeError(f"locust ({name}) wrote no statistics:\n{process.stderr[-3000:]}")
    before, during = read_stats(folder / "idle"), read_stats(folder / "busy")
    text = report(plan, data, load_seconds, before, during, keeper.runs, folder)
    if keeper.problems:
        text += "\n\nThe organiser API calls of the second phase met problems: " + "; ".join(
            keeper.problems
        )
    return text


def _runs_line(runs: list[dict]) -> str:
    if not runs:
        return "No matching run was recorded during the second phase."
    states = Counter(f"{r['state']}" + (f" ({r['status']})" if r["status"] else "") for r in runs)
    finished = [r["seconds"] for r in runs if r["finished"]]
    return (
        f"Matching runs during the second phase: {len(runs)} started back to back ("
        + ", ".join(f"{n} {state}" for state, n in states.items())
        + ")"
        + (f", each {common.median(finished):.1f} s from start to end (median)" if finished else "")
        + "."
    )


def report(plan, data, load_seconds, before, during, runs, folder) -> str:
    routes = [name for name in before if name != "Aggregated"]
    rows = []
    for name in [*routes, "Aggregated"]:
        a, b = before[name], during.get(name)
        ratio = (b["p95"] / a["p95"]) if b and a["p95"] else None
        rows.append(
            [
                f"**{name}**" if name == "Aggregated" else name,
                f"{a['requests']:,}",
                f"{a['failures']:,}",
                f"{a['p50']:.0f} / {a['p95']:.0f} / {a['p99']:.0f}",
                f"{a['rps']:.1f}",
                f"{b['failures']:,}" if b else "—",
                f"{b['p50']:.0f} / {b['p95']:.0f} / {b['p99']:.0f}" if b else "—",
                f"{b['rps']:.1f}" if b else "—",
                "—" if ratio is None else f"{ratio:.2f}",
            ]
        )
    pages = [n for n in routes if n not in NOT_PAGES]
    errors = before["Aggregated"]["failures"] + during["Aggregated"]["failures"]
    worst_idle = max(pages, key=lambda n: before[n]["p95"])
    worst_busy = max((n for n in pages if n in during), key=lambda n: during[n]["p95"])
    p95_idle = max(before[n]["p95"] for n in pages)
    p95_busy = max(during[n]["p95"] for n in pages if n in during)
    ratio_worst = max(
        during[n]["p95"] / before[n]["p95"] for n in pages if n in during and before[n]["p95"]
    )
    agg_ratio = during["Aggregated"]["p95"] / max(1.0, before["Aggregated"]["p95"])
    users = f"{plan.browsers} browsing and {plan.appliers} applying users"
    failures = [f"idle: {f}" for f in _failures(folder / "idle")] + [
        f"during the run: {f}" for f in _failures(folder / "busy")
    ]
    busy_met = "met" if ratio_worst <= 1.5 else "missed"
    targets = [
        f"- 0 errors: **{'met' if errors == 0 else 'missed'}** ({errors} failed requests"
        + (": " + "; ".join(failures) if errors else "")
        + ").",
        f"- p95 under 100 ms for every page and list route at {users}: "
        f"**{'met' if p95_idle < 100 else 'missed'}** (slowest: {worst_idle}, "
        f"p95 {p95_idle:.0f} ms).",
        f"- During a matching run at most 1.5× that: **{busy_met}** "
        f"(largest p95 ratio of a page or list route {ratio_worst:.2f}; slowest during the run: "
        f"{worst_busy}, p95 {p95_busy:.0f} ms; all requests together {agg_ratio:.2f}).",
    ]
    return "\n".join(
        [
            TITLE,
            "",
            f"`matchmaker serve` (one uvicorn process, SQLite in WAL mode) on a database "
            f"holding the demo round and a generated round of {data['firms']:,} firms and "
            f"{data['applications']:,} applications (`{plan.round.label}`), imported through "
            f"the organiser's import service (the import took {data['import_seconds']} s; the "
            f"whole set-up with {plan.smes} SME accounts {load_seconds} s, by "
            "`python -m bench.load_data`). Locust (headless, `bench/locustfile.py`, "
            f"FastHttpUser, {plan.think[0]:g}–{plan.think[1]:g} s on a page before the next "
            f"request) runs {users} for {plan.seconds} s "
            f"(spawning {plan.spawn_rate} users/s), first on an idle server, then while a "
            "matching run of a closed copy of the generated round is active (runs start only "
            "on closed rounds; started through "
            "`POST /api/rounds/{id}/runs` with an organiser's token and started again whenever "
            "one ends). Browsing users are anonymous; applying users log in as SMEs (each its "
            "own account and firm) and apply with the form. The load generator shares the "
            "machine's two cores with the server.",
            "",
            "Times in ms: p50 / p95 / p99 (locust's percentiles, ramp-up included).",
            "",
            table(
                [
                    "route",
                    "requests (idle)",
                    "errors",
                    "idle p50 / p95 / p99",
                    "req/s",
                    "errors during run",
                    "during run p50 / p95 / p99",
                    "req/s",
                    "p95 ratio",
                ],
                rows,
            ),
            "",
            _runs_line(runs),
            "",
            "### Targets",
            "",
            *targets,
            "",
            TRIED,
        ]
    )
