"""The `matchmaker meetings` commands: schedule a B2B meeting day from a JSON or .dzn file."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.live import Live

from matchmaker.console import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_NO_SOLUTION,
    LiveProgress,
    command_group,
    write_atomically,
)

meetings_app = command_group("One-to-one meetings in slots and at tables (B2B meeting scheduling).")


@meetings_app.command("solve")
def solve_day(
    file: Annotated[
        str,
        typer.Argument(
            help="A matchmaker-meetings/1 JSON file, a paper's .dzn file, or the name of a "
            "bundled day (default: the bundled example-day)."
        ),
    ] = "example-day",
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
    start: Annotated[
        str, typer.Option("--start", help="Clock time of slot 1 in the agendas (HH:MM).")
    ] = "09:00",
    slot_minutes: Annotated[
        int, typer.Option("--slot-minutes", min=1, help="Minutes per slot in the agendas.")
    ] = 20,
) -> None:
    """Schedule a meeting day (exit 0 solved, 2 bad input, 3 infeasible, 1 nothing found)."""
    from matchmaker.optimisation.meetings import MeetingProblemError, load_problem, solve_meetings
    from matchmaker.resources import bundled_meeting_days, resolve_meeting_day

    err = Console(stderr=True)
    report = Console(stderr=True) if as_json else Console()
    first = _clock(start)
    if first is None:
        err.print(f"[bold red]--start: {start!r} is not a time HH:MM[/]", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    path = resolve_meeting_day(file)
    if not path.exists():
        known = ", ".join(bundled_meeting_days()) or "none"
        err.print(
            f"[bold red]{file}: no such file or bundled meeting day (bundled: {known})[/]",
            highlight=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        problem = load_problem(path)
    except MeetingProblemError as error:
        err.print(f"[bold red]The meeting file has {len(error.problems)} problem(s):[/]")
        for line in error.problems:
            err.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    options = {"fairness": fairness, "time_limit": time_limit, "seed": seed, "workers": workers}
    if err.is_terminal:
        display = LiveProgress()
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
    print_day(report, document, start=first, slot_minutes=slot_minutes)
    if result.status == "INFEASIBLE":
        raise typer.Exit(EXIT_INFEASIBLE)
    if result.status == "UNKNOWN":
        err.print("[bold red]No schedule found within the time limit.[/]")
        raise typer.Exit(EXIT_NO_SOLUTION)


def _clock(text: str) -> int | None:
    """Minutes after midnight of HH:MM, or None."""
    hours, _, minutes = text.partition(":")
    if not (re.fullmatch("[0-9]{1,2}", hours) and re.fullmatch("[0-9]{2}", minutes)):
        return None
    value = int(hours) * 60 + int(minutes)
    return value if int(hours) < 24 and int(minutes) < 60 else None


def slot_time(slot: int, start: int, slot_minutes: int) -> str:
    """The clock time of a 1-based slot: slots run straight from `start` (minutes)."""
    minutes = (start + (slot - 1) * slot_minutes) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def print_day(
    console: Console, document: dict, *, start: int = 9 * 60, slot_minutes: int = 20
) -> None:
    """Status, breaks and bound, unscheduled requests with reasons, and every agenda in words:
    "slot 1, 09:00, table 13: Partner X"."""
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
    names = {p["id"]: p["name"] or p["id"] for p in document["participants"]}
    console.print("[bold]Agendas[/]")
    for participant in document["participants"]:
        if not participant["agenda"]:
            continue
        label = names[participant["id"]]
        if label != participant["id"]:
            label = f"{label} ({participant['id']})"
        breaks = participant["breaks"]
        console.print(
            f"{label}: {len(participant['agenda'])} meetings, "
            f"{breaks} break{'' if breaks == 1 else 's'}",
            highlight=False,
            markup=False,
        )
        for entry in participant["agenda"]:
            console.print(
                f"  slot {entry['slot']}, {slot_time(entry['slot'], start, slot_minutes)}, "
                f"table {entry['table']}: {names.get(entry['with'], entry['with'])}",
                highlight=False,
                markup=False,
            )


@meetings_app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Write the meeting day here.")],
    seed: Annotated[int, typer.Option(min=0, help="Random seed: same seed, same day.")] = 0,
    firms: Annotated[int, typer.Option(min=1, help="Our firms.")] = 40,
    partners: Annotated[int, typer.Option(min=1, help="Foreign partners.")] = 30,
    requests: Annotated[int, typer.Option(min=0, help="Meeting requests.")] = 200,
    slots: Annotated[int, typer.Option(min=1, max=96, help="Time slots.")] = 16,
    tables: Annotated[
        int | None, typer.Option(min=1, help="Tables (default: a third of all).")
    ] = None,
    locks: Annotated[int, typer.Option(min=0, help="Requests locked in a slot.")] = 4,
) -> None:
    """Write a seeded realistic meeting day (priorities, sessions, forbidden slots, locks)."""
    from matchmaker.optimisation.meetings.generate import generate_day

    err = Console(stderr=True)
    try:
        document = generate_day(
            seed,
            firms=firms,
            partners=partners,
            requests=requests,
            slots=slots,
            tables=tables,
            locks=locks,
        )
    except ValueError as error:
        err.print(f"[bold red]{error}[/]", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    write_atomically(out, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    Console().print(
        f"{out}: {firms} firms, {partners} partners, {requests} requests, {slots} slots, "
        f"{document['tables']} tables, {locks} locked",
        highlight=False,
    )
