"""The `matchmaker meetings` commands: schedule a B2B meeting day from a JSON or .dzn file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

meetings_app = typer.Typer(
    help="One-to-one meetings in slots and at tables (B2B meeting scheduling).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@meetings_app.command("solve")
def solve_day(
    file: Annotated[
        Path, typer.Argument(help="A matchmaker-meetings/1 JSON file, or a paper's .dzn file.")
    ],
    fairness: Annotated[
        int | None,
        typer.Option(min=0, help="Fairness d: break counts differ by at most d (default: file's)."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0, help="Stop searching after this many seconds."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the result file here.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the search.")] = 0,
    workers: Annotated[
        int, typer.Option(min=1, help="CP-SAT workers (1: deterministic; 2: faster on 2 cores).")
    ] = 1,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result file on stdout.")
    ] = False,
) -> None:
    """Schedule a meeting day (exit 0 solved, 2 bad input, 3 infeasible, 1 nothing found)."""
    from matchmaker.cli import (
        EXIT_BAD_INPUT,
        EXIT_INFEASIBLE,
        EXIT_NO_SOLUTION,
        _LiveProgress,
        write_atomically,
    )
    from matchmaker.optimisation.meetings import MeetingProblemError, load_problem, solve_meetings

    err = Console(stderr=True)
    report = Console(stderr=True) if as_json else Console()
    try:
        problem = load_problem(file)
    except MeetingProblemError as error:
        err.print(f"[bold red]The meeting file has {len(error.problems)} problem(s):[/]")
        for line in error.problems:
            err.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    options = {"fairness": fairness, "time_limit": time_limit, "seed": seed, "workers": workers}
    if err.is_terminal:
        display = _LiveProgress()
        with Live(display, console=err, refresh_per_second=8, transient=True):
            result = solve_meetings(problem, progress=display.update, **options)
    else:
        result = solve_meetings(problem, **options)
    document = result.to_document()
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if out is not None:
        write_atomically(out, text)
    if as_json:
        sys.stdout.write(text)
    print_day(report, document)
    if result.status == "INFEASIBLE":
        raise typer.Exit(EXIT_INFEASIBLE)
    if result.status == "UNKNOWN":
        err.print("[bold red]No schedule found within the time limit.[/]")
        raise typer.Exit(EXIT_NO_SOLUTION)


def print_day(console: Console, document: dict) -> None:
    """Status, breaks and bound, unscheduled requests with reasons, and every agenda."""
    status = document["status"]
    console.print(f"[bold]{document['name']}[/]  status [bold]{status}[/]", highlight=False)
    if status == "INFEASIBLE":
        console.print("[bold red]The meeting day cannot be scheduled:[/]")
        for conflict in document["infeasible"]:
            console.print(
                f"  {conflict['kind']}: {conflict['detail']}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        return
    if status == "UNKNOWN":
        return
    console.print(
        f"breaks {document['objective']}  bound {document['bound']}  "
        f"scheduled {document['scheduled']} of {document['requested']} meetings  "
        f"in {document['solve_seconds']:.2f} s",
        highlight=False,
    )
    if document.get("quality"):
        console.print(f"schedule: {document['quality']}", highlight=False)
    unscheduled = [m for m in document["meetings"] if m["slot"] is None]
    for meeting in unscheduled:
        console.print(
            f"  meeting {meeting['meeting']} ({' and '.join(meeting['participants'])}) not "
            f"scheduled: {meeting['reason']}: {meeting['detail']}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    table = Table(title="Agendas (slot/table: with)", title_justify="left")
    table.add_column("participant")
    table.add_column("breaks", justify="right")
    table.add_column("agenda")
    for participant in document["participants"]:
        if not participant["agenda"]:
            continue
        table.add_row(
            participant["id"]
            if participant["name"] == participant["id"]
            else f"{participant['id']} {participant['name']}",
            str(participant["breaks"]),
            "  ".join(f"{a['slot']}/{a['table']}: {a['with']}" for a in participant["agenda"]),
        )
    console.print(table)
