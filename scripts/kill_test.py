"""Fault test: kill -9 the server (and the PostgreSQL worker) at random moments while it runs
matchings and takes writes, restart it each time, and check that nothing was lost or half
written.

    python scripts/kill_test.py --database sqlite --kills 30
    MATCHMAKER_TEST_DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test \\
        python scripts/kill_test.py --database postgresql --kills 30

Each round of the test starts `matchmaker serve` (and, on PostgreSQL, a `matchmaker worker`),
lets SMEs apply to missions and write business cases while an organiser keeps matching runs
going, and after a random pause (fixed seed) kills every process with SIGKILL. Checked after
every kill, on the database itself:

- no partial roster: a run that did not succeed has no placement; a succeeded run has one
  per application of its snapshot, its result and the result hash of that result;
- every write the server acknowledged (2xx) is there as it was acknowledged;
- the database's integrity check is clean (SQLite: PRAGMA integrity_check and
  foreign_key_check; PostgreSQL: every foreign key's rows have their parent, and amcheck's
  bt_index_check on every index where the extension can be had).

After each restart no run is left running: SQLite's server marks cut-off runs interrupted
before it answers; on PostgreSQL a run whose worker died is marked interrupted once the
worker's heartbeat is stale (jobs.STALLED_WORKER_SECONDS), which the final check waits for.
Exit status 0 when every check held; the figures are printed as JSON at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402
from sqlmodel import Session, col, func, select  # noqa: E402

from matchmaker import db, jobs  # noqa: E402
from matchmaker.models import (  # noqa: E402
    Application,
    BusinessCase,
    FirmRegistration,
    MatchingRun,
    Mission,
    Placement,
    Role,
    RoundStatus,
    RunState,
    metadata,
)
from matchmaker.services import accounts  # noqa: E402
from matchmaker.services import firms as firm_service  # noqa: E402
from matchmaker.services import runs as run_service  # noqa: E402
from matchmaker.services.scenarios import import_scenario  # noqa: E402
from matchmaker.synthetic import generate_round  # noqa: E402

PASSWORD = "kill test password"
POSTGRES_ENV = "MATCHMAKER_TEST_DATABASE_URL"
WRITE_ROUND = "kill-writes"
ACTIVE = (RunState.queued.value, RunState.running.value)


class CheckFailed(AssertionError):
    """A property the fault test guards did not hold."""


@dataclass
class Figures:
    database: str
    seed: int
    kills: int = 0
    restarts: int = 0
    runs_started: int = 0
    runs_succeeded: int = 0
    runs_interrupted: int = 0
    runs_cut_while_running: int = 0
    applications_acknowledged: int = 0
    cases_acknowledged: int = 0
    checks: int = 0
    amcheck: bool = False
    seconds: float = 0.0


@dataclass
class Acknowledged:
    """Writes the server answered 2xx to: they must survive every crash."""

    applications: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    cases: dict[int, tuple[int, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.applications) + len(self.cases)

    def wait_for_more(self, timeout: float) -> None:
        """Wait until one more write is acknowledged (at most `timeout` seconds)."""
        start, deadline = self.count(), time.monotonic() + timeout
        while self.count() == start and time.monotonic() < deadline:
            time.sleep(0.05)


# --------------------------------------------------------------------------- set-up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database(kind: str, workdir: Path, base_url: str | None) -> Iterator[str]:
    """A fresh database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        path = workdir / "kill-test.db"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    base_url = base_url or os.environ.get(POSTGRES_ENV)
    if not base_url:
        raise SystemExit(f"PostgreSQL needs --url or {POSTGRES_ENV}")
    schema = f"kill_test_{uuid.uuid4().hex[:10]}"
    admin = db.create_db_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = db.normalise_database_url(base_url)
    options = url.query.get("options", "")
    url = url.update_query_dict({"options": f"{options} -csearch_path={schema}".strip()})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def write_round(missions: int) -> dict[str, Any]:
    """An open round of promotional missions SMEs apply to (no firms yet)."""
    return {
        "format": "matchmaker-scenario/1",
        "name": "kill test: applications",
        "round": {"id": WRITE_ROUND, "max_places_per_firm": 3},
        "regions": [{"code": "GR", "name": "Groningen", "priority": 0}],
        "sectors": [{"code": "water", "name": "Watertechnologie", "focus": True}],
        "missions": [
            {
                "id": f"W{n:03d}",
                "title": f"Kill test mission {n}",
                "kind": "promotional",
                "format": "trade_mission",
                "scope": "regional",
                "organiser": "KvK Noord",
                "country": "DE",
                "start": f"2027-{1 + n % 12:02d}-{1 + n % 27:02d}",
                "end": f"2027-{1 + n % 12:02d}-{1 + n % 27:02d}",
                "capacity": 5,
            }
            for n in range(missions)
        ],
        "firms": [],
        "applications": [],
    }


@dataclass
class World:
    url: str
    organiser: str
    smes: list[str]
    firm_of: dict[str, int]
    missions: list[int]
    match_rounds: list[str]


def prepare(url: str, *, smes: int, missions: int, rounds: int, size: int) -> World:
    engine = db.create_db_engine(url)
    try:
        db.upgrade_to_head(engine)
        jobs.prepare_queue(engine)
        with Session(engine) as session:
            organiser = accounts.register_user(
                session=session,
                email="organiser@kill.example",
                password=PASSWORD,
                role=Role.organiser,
                organisation_name="Kill test organisers",
            )
            round_row = import_scenario(
                session=session,
                document=write_round(missions),
                organisation_id=organiser.organisation_id,
            )
            round_row.status = RoundStatus.open
            session.add(round_row)
            session.commit()
            mission_ids = sorted(
                m.id or 0
                for m in session.exec(select(Mission).where(Mission.round_id == WRITE_ROUND))
            )
            firm_of = {}
            emails = []
            for n in range(smes):
                email = f"sme{n}@kill.example"
                user = accounts.register_user(
                    session=session, email=email, password=PASSWORD, role=Role.sme
                )
                firm = firm_service.register_firm(
                    session=session,
                    actor=user,
                    firm_in=FirmRegistration(
                        kvk=f"{70000000 + n:08d}",
                        name=f"Kill test firm {n}",
                        region="GR",
                        sector="water",
                        employees=10 + n,
                    ),
                )
                firm_of[email] = firm.id or 0
                emails.append(email)
            match_rounds = []
            for n in range(rounds):
                document = generate_round(firms=size, missions=max(5, size // 16), seed=100 + n)
                document["round"]["id"] = f"kill-match-{n}"
                imported = import_scenario(
                    session=session, document=document, organisation_id=organiser.organisation_id
                )
                imported.status = RoundStatus.closed
                session.add(imported)
                session.commit()
                match_rounds.append(imported.id)
        return World(url, "organiser@kill.example", emails, firm_of, mission_ids, match_rounds)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- processes


class Service:
    """`matchmaker serve` (and on PostgreSQL `matchmaker worker`) as killable processes."""

    def __init__(self, url: str, port: int, postgres: bool, log: Path):
        self.url, self.port, self.postgres, self.log = url, port, postgres, log
        self.processes: list[subprocess.Popen[bytes]] = []

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "DATABASE_URL": self.url,
            "MATCHMAKER_ENV": "development",
            "PYTHONPATH": str(ROOT),
        }
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "matchmaker.cli", *args],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start(self) -> None:
        self.processes = [self._spawn("serve", "--port", str(self.port))]
        if self.postgres:
            self.processes.append(self._spawn("worker", "--name", f"kill-{time.monotonic_ns()}"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.processes[0].poll() is not None:
                raise CheckFailed(f"the server exited at start; see {self.log}")
            try:
                if httpx.get(f"{self.base}/", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise CheckFailed("the server did not answer within 60 s")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
        for process in self.processes:
            process.wait(timeout=30)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --------------------------------------------------------------------------- traffic


class Traffic:
    """SMEs applying and writing cases, and an organiser starting runs, until stopped."""

    def __init__(
        self,
        base: str,
        tokens: dict[str, str],
        world: World,
        acks: Acknowledged,
        rng: random.Random,
        figures: Figures,
        next_pair: list[int],
    ):
        self.base, self.tokens, self.world, self.acks = base, tokens, world, acks
        self.rng, self.figures, self.next_pair = rng, figures, next_pair
        self.stopping = threading.Event()
        self.errors: list[BaseException] = []
        self.threads = [
            threading.Thread(target=self._guarded, args=(work,), daemon=True)
            for work in (self._apply, self._cases, self._runs)
        ]

    def _guarded(self, work: Any) -> None:
        try:
            work()
        except BaseException as error:  # reported when the traffic stops
            self.errors.append(error)

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(40)
        if self.errors:
            raise CheckFailed(f"during the traffic: {self.errors[0]}")

    def _headers(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[email]}"}

    def _apply(self) -> None:
        smes, missions = self.world.smes, self.world.missions
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stopping.is_set():
                index = self.next_pair[0]
                if index >= len(smes) * len(missions):
                    return
                sme = smes[index % len(smes)]
                mission_index = index // len(smes)
                mission = missions[mission_index]
                try:
                    response = client.post(
                        "/api/sme/applications",
                        headers=self._headers(sme),
                        json={"mission_id": mission, "rank": mission_index + 1},
                    )
                except httpx.HTTPError:
                    return  # the server died: the write is unacknowledged
                if response.status_code in (200, 201):
                    body = response.json()
                    with self.acks.lock:
                        self.acks.applications[body["id"]] = (
                            self.world.firm_of[sme],
                            mission,
                            mission_index + 1,
                        )
                    self.next_pair[0] = index + 1
                elif response.status_code >= 500:
                    raise CheckFailed(f"server error on apply: {response.text[:500]}")

    def _cases(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stopping.is_set():
                sme = self.rng.choice(self.world.smes)
                summary = f"kill test case {uuid.uuid4().hex}"
                try:
                    response = client.post(
                        "/api/sme/cases",
                        headers=self._headers(sme),
                        json={"country": "DE", "sector": "water", "summary": summary},
                    )
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    with self.acks.lock:
                        self.acks.cases[response.json()["id"]] = (self.world.firm_of[sme], summary)
                elif response.status_code >= 500:
                    raise CheckFailed(f"server error on a case: {response.text[:500]}")
                time.sleep(0.05)

    def _runs(self) -> None:
        headers = self._headers(self.world.organiser)
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stopping.is_set():
                round_id = self.rng.choice(self.world.match_rounds)
                try:
                    response = client.post(
                        f"/api/rounds/{round_id}/runs",
                        headers=headers,
                        json={"time_limit": 60, "seed": 1},
                    )
                except httpx.HTTPError:
                    return
                if response.status_code == 202:
                    self.figures.runs_started += 1
                elif response.status_code >= 500:
                    raise CheckFailed(f"server error on a run: {response.text[:500]}")
                time.sleep(0.3)


def tokens_for(base: str, world: World) -> dict[str, str]:
    tokens = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        for email in [world.organiser, *world.smes]:
            response = client.post("/api/tokens", json={"email": email, "password": PASSWORD})
            if response.status_code != 201:
                raise CheckFailed(f"no token for {email}: {response.text}")
            tokens[email] = response.json()["token"]
    return tokens


# --------------------------------------------------------------------------- checks


def check_database(engine: Engine, acks: Acknowledged, figures: Figures) -> None:
    """Everything that must hold after a crash, checked on the database itself."""
    figures.checks += 1
    with Session(engine) as session:
        _check_rosters(session)
        _check_acknowledged(session, acks)
    _check_integrity(engine, figures)


def _check_rosters(session: Session) -> None:
    counts = dict(
        session.exec(select(Placement.run_id, func.count()).group_by(col(Placement.run_id))).all()
    )
    for run in session.exec(select(MatchingRun)).all():
        placed = counts.get(run.id or 0, 0)
        if run.state != RunState.succeeded:
            if placed:
                raise CheckFailed(f"run {run.id} is {run.state} but has {placed} placements")
            continue
        expected = len(run.input_snapshot["applications"])
        if placed != expected:
            raise CheckFailed(f"run {run.id}: partial roster, {placed} of {expected} placements")
        if run.result is None or run.result_sha256 != run_service.result_digest(run.result):
            raise CheckFailed(f"run {run.id}: succeeded without its result or its result hash")


def _check_acknowledged(session: Session, acks: Acknowledged) -> None:
    with acks.lock:
        applications = dict(acks.applications)
        cases = dict(acks.cases)
    stored = {
        a.id: (a.firm_id, a.mission_id, a.rank)
        for a in session.exec(
            select(Application).where(col(Application.id).in_(list(applications) or [-1]))
        )
    }
    lost = {k: v for k, v in applications.items() if stored.get(k) != v}
    if lost:
        raise CheckFailed(f"acknowledged applications lost or changed: {sorted(lost)[:10]}")
    stored_cases = {
        c.id: (c.firm_id, c.summary)
        for c in session.exec(
            select(BusinessCase).where(col(BusinessCase.id).in_(list(cases) or [-1]))
        )
    }
    lost_cases = {k for k, v in cases.items() if stored_cases.get(k) != v}
    if lost_cases:
        raise CheckFailed(f"acknowledged business cases lost or changed: {sorted(lost_cases)[:10]}")


def _check_integrity(engine: Engine, figures: Figures) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            result = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            if result != ["ok"]:
                raise CheckFailed(f"SQLite integrity_check: {result[:5]}")
            orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if orphans:
                raise CheckFailed(f"SQLite foreign_key_check: {orphans[:5]}")
            return
        for table in metadata.sorted_tables:
            for key in table.foreign_keys:
                child, parent = key.parent, key.column
                query = (
                    f'SELECT count(*) FROM "{table.name}" c WHERE c."{child.name}" IS NOT NULL '
                    f'AND NOT EXISTS (SELECT 1 FROM "{parent.table.name}" p '
                    f'WHERE p."{parent.name}" = c."{child.name}")'
                )
                missing = connection.exec_driver_sql(query).scalar_one()
                if missing:
                    raise CheckFailed(
                        f"{missing} rows of {table.name}.{child.name} lost their parent"
                    )
        figures.amcheck = _amcheck(connection)


def _amcheck(connection: Any) -> bool:
    """bt_index_check on every index of the schema, where amcheck is or can be installed."""
    installed = connection.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'amcheck'"
    ).scalar()
    if installed is None:
        try:
            with connection.begin_nested():
                connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public")
            installed = "public"
        except Exception:  # no permission, or not shipped: only the foreign-key checks then
            return False
    indexes = (
        connection.execute(
            text(
                "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam "
                "WHERE c.relnamespace = current_schema()::regnamespace AND a.amname = 'btree'"
            )
        )
        .scalars()
        .all()
    )
    for oid in indexes:
        connection.exec_driver_sql(f'SELECT "{installed}".bt_index_check({int(oid)})')
    connection.commit()
    return True


def active_runs(engine: Engine) -> dict[int, str]:
    with Session(engine) as session:
        return {
            run.id or 0: str(run.state)
            for run in session.exec(select(MatchingRun).where(col(MatchingRun.state).in_(ACTIVE)))
        }


def wait_for_no_cut_off_runs(engine: Engine, cut_off: set[int], timeout: float) -> None:
    """Wait until none of the runs a kill cut off is still queued or running."""
    deadline = time.monotonic() + timeout
    while True:
        left = cut_off & set(active_runs(engine))
        if not left:
            return
        if time.monotonic() > deadline:
            raise CheckFailed(f"runs still active {timeout:.0f} s after the restart: {left}")
        time.sleep(1)


# --------------------------------------------------------------------------- the test


def run(
    *,
    database_kind: str,
    kills: int,
    seed: int,
    workdir: Path,
    base_url: str | None = None,
    round_size: int = 400,
) -> Figures:
    rng = random.Random(seed)
    figures = Figures(database=database_kind, seed=seed)
    started = time.monotonic()
    postgres = database_kind == "postgresql"
    workdir.mkdir(parents=True, exist_ok=True)
    with database(database_kind, workdir, base_url) as url:
        world = prepare(url, smes=20, missions=100, rounds=4, size=round_size)
        print(f"prepared in {time.monotonic() - started:.1f} s", flush=True)
        engine = db.create_db_engine(url)
        service = Service(url, free_port(), postgres, workdir / f"kill-test-{database_kind}.log")
        acks = Acknowledged()
        next_pair = [0]
        cut_off: set[int] = set()
        try:
            service.start()
            tokens = tokens_for(service.base, world)
            for number in range(1, kills + 1):
                with Traffic(service.base, tokens, world, acks, rng, figures, next_pair):
                    # Once writes flow (a busy machine answers the first ones late), a random
                    # moment: while writes and runs go on.
                    acks.wait_for_more(timeout=20)
                    time.sleep(rng.uniform(0.0, 3.0))
                    service.kill()
                figures.kills += 1
                at_kill = active_runs(engine)
                killed_active = set(at_kill) - cut_off  # this kill's, not an earlier one's
                figures.runs_cut_while_running += sum(
                    1 for run_id in killed_active if at_kill[run_id] == "running"
                )
                cut_off |= killed_active
                check_database(engine, acks, figures)
                service.start()
                figures.restarts += 1
                still = set(active_runs(engine))
                if not postgres and still:
                    raise CheckFailed(f"runs left active after the restart: {still}")
                if postgres and not still <= cut_off:
                    # A fresh run may be queued by nobody: only the traffic starts runs.
                    raise CheckFailed(
                        f"runs active after the restart that no kill cut off: {still - cut_off}"
                    )
                print(
                    f"kill {number}/{kills}: {len(killed_active)} run(s) cut off, "
                    f"{len(acks.applications)} applications and {len(acks.cases)} cases "
                    f"acknowledged so far; checks clean ({time.monotonic() - started:.0f} s)",
                    flush=True,
                )
            # The end: every cut-off run ends interrupted (PostgreSQL: once the dead worker's
            # heartbeat is stale), then everything is checked once more.
            wait_for_no_cut_off_runs(engine, cut_off, timeout=jobs.STALLED_WORKER_SECONDS + 150)
            check_database(engine, acks, figures)
            with Session(engine) as session:
                states = session.exec(select(MatchingRun.state)).all()
            figures.runs_succeeded = sum(1 for s in states if s == RunState.succeeded)
            figures.runs_interrupted = sum(1 for s in states if s == RunState.interrupted)
        finally:
            service.stop()
            engine.dispose()
    figures.applications_acknowledged = len(acks.applications)
    figures.cases_acknowledged = len(acks.cases)
    figures.seconds = round(time.monotonic() - started, 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help=f"PostgreSQL URL (default: ${POSTGRES_ENV})")
    parser.add_argument("--workdir", type=Path, default=Path("kill-test"))
    parser.add_argument("--round-size", type=int, default=400, help="firms per matching round")
    args = parser.parse_args(argv)
    try:
        figures = run(
            database_kind=args.database,
            kills=args.kills,
            seed=args.seed,
            workdir=args.workdir,
            base_url=args.url,
            round_size=args.round_size,
        )
    except CheckFailed as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    print(json.dumps(figures.__dict__, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
