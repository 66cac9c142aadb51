"""Schema fuzzing against a started `matchmaker serve`: schemathesis over HTTP, as two SMEs,
two organisers and a branch organisation, with the same checks as the in-process test.

    python scripts/fuzz_live.py                       # SQLite, 25 examples per operation and mode
    python scripts/fuzz_live.py --examples 100 --database postgresql   # needs a PostgreSQL URL

The script starts the server (and on PostgreSQL a worker) on a fresh database, fills it over
HTTP with two tenants of each audience (tests/fuzzing.py), loads the schema from the
server's /openapi.json and fuzzes every operation. It prints the figures as JSON and exits 1
when schemathesis found anything: a server error, an answer that breaks the schema, auth not
enforced, or one tenant's object shown to another.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import schemathesis  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from matchmaker import db  # noqa: E402
from matchmaker.models import MatchingRun, RunState  # noqa: E402
from scripts.kill_test import POSTGRES_ENV, Service, database, free_port  # noqa: E402
from tests.fuzzing import fuzz, seed_world, summary  # noqa: E402
from tests.web.clients import invite_on  # noqa: E402

IDENTITIES = ("sme_a", "sme_b", "organiser_a", "organiser_b", "branch")


def invite_over(url: str) -> Callable[[str, str, str], str]:
    """Invitation links made on the server's database, as the operator's command makes them."""

    def invite(role: str, email: str, organisation: str) -> str:
        engine = db.create_db_engine(url)
        try:
            return invite_on(engine, role, email=email, organisation=organisation)
        finally:
            engine.dispose()

    return invite


def wait_for_runs(url: str, timeout: float = 120) -> None:
    engine = db.create_db_engine(url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with Session(engine) as session:
                active = session.exec(
                    select(MatchingRun.id).where(
                        col(MatchingRun.state).in_((RunState.queued, RunState.running))
                    )
                ).all()
            if not active:
                return
            time.sleep(0.2)
        raise RuntimeError("the matching run did not finish")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help=f"PostgreSQL URL (default: ${POSTGRES_ENV})")
    parser.add_argument("--examples", type=int, default=25, help="per operation and mode")
    parser.add_argument("--identity", action="append", choices=IDENTITIES)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="fuzz-live-"))
    workdir.mkdir(parents=True, exist_ok=True)
    with database(args.database, workdir, args.url) as url:
        service = Service(url, free_port(), args.database == "postgresql", workdir / "server.log")
        service.start()
        clients: list[httpx.Client] = []
        try:

            def new_client() -> httpx.Client:
                client = httpx.Client(base_url=service.base, timeout=30)
                clients.append(client)
                return client

            world = seed_world(new_client, lambda: wait_for_runs(url), invite_over(url))
            schema = schemathesis.openapi.from_url(f"{service.base}/openapi.json")
            reports = [
                fuzz(
                    schema,
                    world.identities[name],
                    world.foreign_markers(name),
                    peer=world.peer_of(name),
                    max_examples=args.examples,
                    base_url=service.base,
                )
                for name in args.identity or IDENTITIES
            ]
        finally:
            for client in clients:
                client.close()
            service.stop()
    figures = summary(reports)
    figures["database"] = args.database
    figures["examples_per_operation_and_mode"] = args.examples
    figures["failure_lines"] = [line for report in reports for line in report.failures]
    print(json.dumps(figures, indent=2))
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
