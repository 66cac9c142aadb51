"""The service commands: import and export rounds, the PostgreSQL worker, and `serve --demo`
answering HTTP in a real process."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from matchmaker import db, jobs, resources
from matchmaker.cli import app
from matchmaker.models import MatchingRun, Placement, Role, Round, RoundStatus, RunState
from matchmaker.optimisation.scenario import load_document, parse_scenario
from matchmaker.services import accounts, outbox
from matchmaker.services import runs as run_service
from matchmaker.services.scenarios import canonical_document, import_scenario
from tests.service.conftest import (  # noqa: F401  (database_url: the backend-parametrised URL)
    _postgres_schema,
    database_url,
    postgres_server_url,
)

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def invoke(url: str, *args: str) -> object:
    return runner.invoke(
        app, list(args), env={"DATABASE_URL": url, "MATCHMAKER_ENV": "development"}
    )


def test_import_then_export_gives_the_scenario_back(database_url: str, tmp_path: Path) -> None:  # noqa: F811
    imported = invoke(database_url, "import", "tight-autumn-2027")
    assert imported.exit_code == 0, imported.output
    assert "imported round 2027-autumn" in imported.output

    out = tmp_path / "round.json"
    exported = invoke(database_url, "export", "2027-autumn", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    original = load_document(resources.resolve_scenario("tight-autumn-2027"))
    assert json.loads(out.read_text()) == canonical_document(parse_scenario(original))

    again = invoke(database_url, "import", str(out))
    assert again.exit_code == 2
    assert "round.id: a round with id '2027-autumn' already exists" in again.output


def test_bad_input_exits_2_with_json_paths_and_writes_nothing(
    database_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    document = load_document(resources.resolve_scenario("tight-autumn-2027"))
    document["missions"][1]["start"] = "2027-13-01"
    document["firms"][0]["kvk"] = "123"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    result = invoke(database_url, "import", str(bad))
    assert result.exit_code == 2
    assert "missions[1].start" in result.output
    assert "firms[0].kvk" in result.output
    assert invoke(database_url, "import", str(tmp_path / "missing.json")).exit_code == 2

    unknown = invoke(database_url, "export", "no-such-round", "--out", str(tmp_path / "x.json"))
    assert unknown.exit_code == 2
    assert "No round with id 'no-such-round'" in unknown.output
    assert not (tmp_path / "x.json").exists()
    engine = db.create_db_engine(database_url)
    try:
        with Session(engine) as session:
            assert session.exec(select(Round)).all() == []
    finally:
        engine.dispose()


def test_a_bad_database_url_exits_2_naming_the_variable(tmp_path: Path) -> None:
    result = invoke("mysql://nobody@localhost/db", "export", "x", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output


def test_the_worker_refuses_sqlite(tmp_path: Path) -> None:
    result = invoke(f"sqlite:///{tmp_path / 'm.db'}", "worker", "--burst")
    assert result.exit_code == 2
    assert "needs PostgreSQL" in result.output


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (the worker's queue lives in PostgreSQL only)."""
    base_url = postgres_server_url()
    yield from _postgres_schema(base_url)


def test_a_worker_process_takes_a_queued_run_from_postgresql(postgres_url: str) -> None:
    engine = db.create_db_engine(postgres_url)
    try:
        db.upgrade_to_head(engine)
        jobs.prepare_queue(engine)
        with Session(engine) as session:
            document = load_document(resources.resolve_scenario("tight-autumn-2027"))
            round_row = import_scenario(session=session, document=document)
            round_row.status = RoundStatus.closed  # a run takes only a closed round
            session.add(round_row)
            session.commit()
            round_id = round_row.id
            organiser = accounts.register_user(
                session=session,
                email="worker-test@example.nl",
                password="correct horse battery",
                role=Role.organiser,
                organisation_name="KvK",
            )
            run = run_service.start_run(
                session=session,
                round_id=round_id,
                actor=organiser,
                options=run_service.solve_options(time_limit=30),
                enqueue=jobs.ProcrastinateQueue(engine.url).defer,
            )
            run_id = run.id
        result = invoke(postgres_url, "worker", "--burst", "--name", "test-worker")
        assert result.exit_code == 0, result.output
        with Session(engine) as session:
            finished = session.get(MatchingRun, run_id)
            assert finished is not None and finished.state == RunState.succeeded
            placed = session.exec(select(Placement).where(Placement.run_id == run_id)).all()
            assert len(placed) == len(document["applications"])
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int, *extra: str) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "MATCHMAKER_ENV": "development",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "200",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "matchmaker.cli", "serve", "--port", str(port), *extra],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_serving(process: subprocess.Popen[str], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer in time")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'serve.db'}"


@pytest.fixture
def demo_server(sqlite_url: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    process = start_server(sqlite_url, port, "--demo")
    try:
        wait_until_serving(process, port)
        yield process, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_demo_answers_http_with_the_printed_accounts(
    demo_server: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = demo_server
    base = f"http://127.0.0.1:{port}"
    assert "Go abroad with the region" in httpx.get(f"{base}/").text

    output = ""
    assert process.stdout is not None
    while "sme@demo" not in output:
        output += process.stdout.readline()
    accounts_printed = dict(re.findall(r"(\S+@demo\.matchmaker\.example)\s*│\s*(\S+)", output))
    assert set(accounts_printed) == {
        "organiser@demo.matchmaker.example",
        "branch@demo.matchmaker.example",
        "sme@demo.matchmaker.example",
    }
    login = httpx.post(
        f"{base}/api/tokens",
        json={
            "email": "organiser@demo.matchmaker.example",
            "password": accounts_printed["organiser@demo.matchmaker.example"],
        },
    )
    assert login.status_code == 201, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}

    # The organiser closes the demo round and runs it; the server's own job thread solves it.
    closed = httpx.post(f"{base}/api/organiser/rounds/2027-spring/close", headers=headers)
    assert closed.status_code == 200, closed.text
    started = httpx.post(f"{base}/api/rounds/2027-spring/runs", headers=headers, json={})
    assert started.status_code == 202, started.text
    run_url = f"{base}/api/runs/{started.json()['id']}"
    deadline = time.monotonic() + 60
    while (run := httpx.get(run_url, headers=headers).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, run
        time.sleep(0.2)
    assert run["state"] == "succeeded" and run["status"] == "OPTIMAL"


def test_send_mail_delivers_the_outbox_to_a_folder(database_url: str, tmp_path: Path) -> None:  # noqa: F811
    engine = db.create_db_engine(database_url)
    try:
        db.upgrade_to_head(engine)
        with Session(engine) as session:
            outbox.queue(
                session=session,
                kind="result.published",
                to="info@zuivel-friesland.example",
                subject="De uitslag van de ronde",
                body="U bent geplaatst op de handelsmissie naar Hamburg.",
            )
            session.commit()
    finally:
        engine.dispose()
    folder = tmp_path / "mail"
    env = {"DATABASE_URL": database_url, "MATCHMAKER_MAIL_FOLDER": str(folder)}
    sent = runner.invoke(app, ["send-mail"], env=env)
    assert sent.exit_code == 0, sent.output
    assert "1 sent, 0 failed" in sent.output
    assert len(list(folder.glob("*.eml"))) == 1
    again = runner.invoke(app, ["send-mail"], env=env)
    assert "0 sent" in again.output and len(list(folder.glob("*.eml"))) == 1

    production = {
        "DATABASE_URL": database_url,
        "MATCHMAKER_ENV": "production",
        "SECRET_KEY": "k" * 40,
    }
    refused = runner.invoke(app, ["send-mail"], env=production)
    assert refused.exit_code == 2 and "SMTP_URL is not set" in refused.output
