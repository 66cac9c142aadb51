"""What every command shares: exit codes, atomic writes, live progress, settings and database."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

EXIT_SOLVED = 0
EXIT_NO_SOLUTION = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3


def command_group(help_text: str) -> typer.Typer:
    """A command or group of sub-commands: help when called bare, no shell completion, plain
    tracebacks."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


def write_atomically(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, renamed into place."""
    path = path.resolve()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class LiveProgress:
    """A one-line live display of a running solve: elapsed time, best objective and bound."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = time.perf_counter()
        self._objective: int | None = None
        self._bound: int | None = None
        self._engine = "CP-SAT"

    def update(self, progress: Any) -> None:
        with self._lock:
            self._objective = progress.objective
            self._bound = progress.bound
            self._engine = progress.engine

    def __rich__(self) -> Text:
        with self._lock:
            objective, bound, engine = self._objective, self._bound, self._engine
        elapsed = time.perf_counter() - self._started
        line = Text(f"solving ({engine})  {elapsed:6.1f} s   best objective ")
        line.append("—" if objective is None else f"{objective:,}", style="bold green")
        line.append("   bound ")
        line.append("—" if bound is None else f"{bound:,}", style="bold")
        if objective is not None and bound is not None and objective:
            line.append(f"   gap {abs(bound - objective) / abs(objective):.4%}")
        return line


def fail_input(console: Console, problems: list[str]) -> typer.Exit:
    console.print(f"[bold red]The scenario has {len(problems)} problem(s):[/]", highlight=False)
    for problem in problems:
        console.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def load_settings_or_exit(err: Console) -> Any:
    """The service settings from the environment; a bad value exits 2 naming the variable."""
    from matchmaker.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as error:
        err.print(str(error), highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def open_database(err: Console, database_url: str) -> Any:
    """An engine on DATABASE_URL, brought to the current schema first."""
    from matchmaker.db import MigrationError, create_db_engine, upgrade_to_head

    engine = create_db_engine(database_url)
    try:
        upgrade_to_head(engine)
    except MigrationError as error:
        engine.dispose()
        err.print(f"[bold red]The database cannot be migrated:[/] {error}", highlight=False)
        raise typer.Exit(EXIT_NO_SOLUTION) from None
    return engine
