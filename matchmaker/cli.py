"""The `matchmaker` command: solve, generate, serve, import and export rounds, run job workers."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from matchmaker import resources
from matchmaker.console import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_NO_SOLUTION,
    LiveProgress,
    command_group,
    fail_input,
    load_settings_or_exit,
    open_database,
    write_atomically,
)
from matchmaker.meetings_cli import meetings_app
from matchmaker.users_cli import users_app

app = command_group(
    "Fair, explained, optimal placement of SMEs on trade missions, fairs and delegations."
)

Engine = Literal["auto", "cp-sat", "mip"]


@app.command()
def solve(
    scenario: Annotated[
        str,
        typer.Argument(
            help="Scenario file (JSON or YAML), or the name of a bundled demo scenario."
        ),
    ],
    out: Annotated[Path | None, typer.Option("--out", help="Write the result file here.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result file on stdout.")
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0, help="Stop searching after this many seconds."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="CP-SAT subsolvers (interleaved).")] = 1,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the search.")] = 0,
    engine: Annotated[
        Engine, typer.Option(help="auto: CP-SAT, then OR-Tools' SCIP back-end if not yet proven.")
    ] = "auto",
) -> None:
    """Solve a round and explain every decision (exit 0 solved, 2 bad input, 3 infeasible)."""
    from matchmaker.optimisation import SolveOptions, parse_scenario, result_document, solve_round
    from matchmaker.optimisation.scenario import load_document
    from matchmaker.optimisation.scenario_types import ScenarioError

    err = Console(stderr=True)
    report = Console(stderr=True) if as_json else Console()
    path = resources.resolve_scenario(scenario)
    try:
        parsed = parse_scenario(load_document(path))
    except ScenarioError as error:
        raise fail_input(err, error.problems) from None

    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, engine=engine)
    if err.is_terminal:
        display = LiveProgress()
        with Live(display, console=err, refresh_per_second=8, transient=True):
            outcome = solve_round(parsed, options, on_progress=display.update)
    else:
        outcome = solve_round(parsed, options)
    document = result_document(outcome, options)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if out is not None:
        write_atomically(out, text)
    if as_json:
        sys.stdout.write(text)
    print_summary(report, parsed, document)
    if outcome.status == "INFEASIBLE":
        raise typer.Exit(EXIT_INFEASIBLE)
    if outcome.status == "UNKNOWN":
        err.print("[bold red]No roster found within the time limit.[/]")
        raise typer.Exit(EXIT_NO_SOLUTION)


def print_summary(console: Console, scenario: Any, document: dict) -> None:
    """A readable account of a result: missions, reasons, shares and budget."""
    status = document["status"]
    console.print(f"[bold]{document['scenario']}[/]  status [bold]{status}[/]", highlight=False)
    if status == "INFEASIBLE":
        console.print("[bold red]The locked placements cannot all hold:[/]")
        for conflict in document.get("infeasible", []):
            pairs = ", ".join(f"{p['firm']} on {p['mission']}" for p in conflict["locked"])
            console.print(f"  {conflict['constraint']}: {pairs}", highlight=False, markup=False)
            console.print(f"    {conflict['detail']}", highlight=False, markup=False)
        return
    if status == "UNKNOWN":
        return
    console.print(
        f"objective {document['objective']:,}  bound {document['best_bound']:,}  "
        f"gap {document['gap']:.4%}  in {document['solve_seconds']:.2f} s",
        highlight=False,
    )
    missions = {m.id: m for m in scenario.missions}
    table = Table(title="Missions", title_justify="left")
    for column, justify in (
        ("mission", "left"),
        ("kind", "left"),
        ("dates", "left"),
        ("placed", "right"),
        ("status", "left"),
        ("subsidy", "right"),
    ):
        table.add_column(column, justify=justify)
    shown = document["missions"] if len(document["missions"]) <= 40 else document["missions"][:40]
    for row in shown:
        mission = missions[row["id"]]
        table.add_row(
            f"{row['id']}  {mission.title}",
            mission.kind,
            f"{mission.start:%d %b}–{mission.end:%d %b}",
            f"{row['placed']}/{row['capacity']}",
            "runs" if row["runs"] else "[red]cancelled[/]",
            f"€{row['subsidy_eur']:,}",
        )
    console.print(table)
    if len(document["missions"]) > len(shown):
        console.print(f"… and {len(document['missions']) - len(shown)} more missions")
    reasons = Counter(u["reason"] for u in document["unplaced"])
    if reasons:
        table = Table(title="Unplaced applications by reason", title_justify="left")
        table.add_column("reason")
        table.add_column("applications", justify="right")
        for reason, count in reasons.most_common():
            table.add_row(reason, str(count))
        console.print(table)
    for shortfall in document["region_shortfall"]:
        console.print(
            f"region {shortfall['region']} is {shortfall['missing']} short of its "
            f"minimum on {shortfall['mission']}",
            highlight=False,
        )
    metrics = document["metrics"]
    budget = scenario.round.budget_eur
    console.print(
        f"firms placed {metrics['firms_placed']} of {metrics['applicants']} applicants; "
        f"places filled {metrics['places_filled']} of {metrics['capacity']}; "
        f"first choice {metrics['first_choice_share']:.0%}; budget used "
        f"€{document['budget_used_eur']:,}" + (f" of €{budget:,}" if budget is not None else ""),
        highlight=False,
    )


@app.command()
def generate(
    firms: Annotated[int, typer.Option(min=1, help="Number of firms.")],
    missions: Annotated[int, typer.Option(min=1, help="Number of missions.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same round.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
) -> None:
    """Write a realistic synthetic round (regions, sectors and countries of the policy note)."""
    from matchmaker.synthetic import generate_round

    document = generate_round(firms=firms, missions=missions, seed=seed)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomically(out, text)
        Console(stderr=True).print(
            f"wrote {out}: {len(document['firms'])} firms, {len(document['missions'])} missions, "
            f"{len(document['applications'])} applications",
            highlight=False,
        )


@app.command("scenarios")
def list_scenarios() -> None:
    """List the bundled demo scenarios (their names work wherever a scenario file is asked for)."""
    console = Console()
    for name, path in resources.bundled_scenarios().items():
        description = json.loads(path.read_text(encoding="utf-8")).get("description", "")
        console.print(f"[bold]{name}[/]  {description}", highlight=False)


# --------------------------------------------------------------------------- the service

DEMO_SCENARIO = "spring-2027-noord"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Load a demonstration round with an account per role into an empty database.",
        ),
    ] = False,
) -> None:
    """Run the web service (pages and the JSON API); DATABASE_URL selects the database.

    Before serving, runs that a crash or restart cut off are marked interrupted (the app's
    lifespan does the same wherever it is started).
    """
    import uvicorn

    from matchmaker import jobs
    from matchmaker.main import create_app

    err = Console(stderr=True)
    settings = load_settings_or_exit(err)
    engine = open_database(err, settings.database_url)
    try:
        jobs.prepare_queue(engine)
        jobs.recover(engine)
        if demo:
            _load_demo(engine, Console())
    finally:
        engine.dispose()
    # The app reads X-Forwarded-For itself, only from MATCHMAKER_TRUSTED_PROXIES.
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", proxy_headers=False)


def _load_demo(engine: Any, console: Console) -> None:
    from sqlmodel import Session

    from matchmaker.optimisation.scenario import load_document
    from matchmaker.services import demo as demo_service

    document = load_document(resources.resolve_scenario(DEMO_SCENARIO))
    with Session(engine) as session:
        setup = demo_service.set_up(session=session, document=document)
    if setup.loaded_round is not None:
        console.print(
            f"Loaded the demonstration round [bold]{setup.loaded_round}[/] "
            "(open for applications).",
            highlight=False,
        )
    elif not setup.accounts:
        console.print(
            "The database is not empty and has no demo accounts: nothing loaded.", highlight=False
        )
        return
    table = Table(title="Demo accounts (passwords are new at every start with --demo)")
    for column in ("role", "email", "password"):
        table.add_column(column)
    for account in setup.accounts:
        table.add_row(account.role, account.email, account.password)
    console.print(table)


@app.command("import")
def import_round(
    scenario: Annotated[
        str, typer.Argument(help="Scenario file (JSON or YAML), or a bundled scenario's name.")
    ],
    organisation: Annotated[
        str | None,
        typer.Option(
            help="The organiser's organisation the round belongs to (its exact name). Without "
            "it the round belongs to nobody: no organiser sees it until it is imported again."
        ),
    ] = None,
) -> None:
    """Load a scenario file into the database as a round with the scenario's round.id
    (all rows or none; exit 2 listing every problem)."""
    from sqlmodel import Session, select

    from matchmaker.models import Organisation
    from matchmaker.optimisation.scenario import load_document
    from matchmaker.optimisation.scenario_types import ScenarioError
    from matchmaker.services.scenarios import import_scenario

    err = Console(stderr=True)
    settings = load_settings_or_exit(err)
    engine = open_database(err, settings.database_url)
    try:
        with Session(engine) as session:
            owner = None
            if organisation is not None:
                owner = session.exec(
                    select(Organisation).where(
                        Organisation.name == organisation, Organisation.kind == "organiser"
                    )
                ).first()
                if owner is None:
                    err.print(
                        f"[bold red]No organiser organisation is called {organisation!r}[/] "
                        "(make one with `matchmaker users add --role organiser`)",
                        highlight=False,
                    )
                    raise typer.Exit(2)
            try:
                document = load_document(resources.resolve_scenario(scenario))
                round_row = import_scenario(
                    session=session,
                    document=document,
                    organisation_id=owner.id if owner is not None else None,
                )
            except ScenarioError as error:
                raise fail_input(err, error.problems) from None
            Console().print(
                f"imported round [bold]{round_row.id}[/]: {round_row.name}"
                + (f" (organisation {owner.name})" if owner is not None else ""),
                highlight=False,
            )
            if owner is None:
                err.print(
                    "The round belongs to no organisation, so no organiser sees it; "
                    "import it with --organisation NAME to give it to one.",
                    highlight=False,
                )
    finally:
        engine.dispose()


@app.command("export")
def export_round(
    round_id: Annotated[str, typer.Argument(help="The round's id (its scenario's round.id).")],
    out: Annotated[Path, typer.Option("--out", help="Write the scenario file here.")],
) -> None:
    """Write a round back as a scenario file (exit 2 for an unknown round)."""
    from sqlmodel import Session

    from matchmaker.optimisation.scenario_types import ScenarioError
    from matchmaker.services import NotFound
    from matchmaker.services.scenario_exports import export_round as export_scenario

    err = Console(stderr=True)
    settings = load_settings_or_exit(err)
    engine = open_database(err, settings.database_url)
    try:
        with Session(engine) as session:
            try:
                document = export_scenario(session=session, round_id=round_id)
            except NotFound:
                err.print(f"[bold red]No round with id {round_id!r}.[/]", highlight=False)
                raise typer.Exit(EXIT_BAD_INPUT) from None
            except ScenarioError as error:
                raise fail_input(err, error.problems) from None
    finally:
        engine.dispose()
    write_atomically(out, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    Console(stderr=True).print(f"wrote {out}: round {round_id}", highlight=False)


@app.command()
def worker(
    burst: Annotated[
        bool, typer.Option("--burst", help="Stop once the queue is empty instead of waiting.")
    ] = False,
    name: Annotated[str | None, typer.Option(help="A name for this worker in the logs.")] = None,
) -> None:
    """Take matching runs from the PostgreSQL job queue (run one per core, on any machine)."""
    import logging

    from matchmaker import jobs
    from matchmaker.db import normalise_database_url

    err = Console(stderr=True)
    settings = load_settings_or_exit(err)
    if normalise_database_url(settings.database_url).get_backend_name() != "postgresql":
        err.print(
            "[bold red]The worker needs PostgreSQL[/] (DATABASE_URL=postgresql://...); with "
            "SQLite, `matchmaker serve` runs the matching jobs itself.",
            highlight=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    jobs.run_worker(database_url=settings.database_url, burst=burst, name=name)


@app.command("send-mail")
def send_mail() -> None:
    """Deliver the e-mail waiting in the outbox now (the server does this by itself; this is
    for a machine where no server runs, or to see at once what a mail server says)."""
    from matchmaker import mailer

    err = Console(stderr=True)
    settings = load_settings_or_exit(err)
    engine = open_database(err, settings.database_url)
    try:
        if mailer.transport_for(settings) is None:
            err.print("[bold red]SMTP_URL is not set[/]: the mail stays in the outbox.")
            raise typer.Exit(EXIT_BAD_INPUT)
        delivery = mailer.deliver_now(engine, settings)
    finally:
        engine.dispose()
    Console().print(
        f"e-mail: {delivery.sent} sent, {delivery.failed} failed (tried again later), "
        f"{delivery.given_up} given up",
        highlight=False,
    )


app.add_typer(meetings_app, name="meetings")
app.add_typer(users_app, name="users")


if __name__ == "__main__":  # pragma: no cover
    app()
