"""Shared fixtures: the checked solve, a CLI runner and a scenario-file writer."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

# The tests read the pages in English (the source language): set before any settings load.
os.environ["MATCHMAKER_DEFAULT_LANGUAGE"] = "en"

from tests.smtp_server import smtp  # noqa: F401  (a real SMTP server for tests of e-mail)
from tests.solving import solve_checked as _solve_checked


@pytest.fixture
def solve_checked() -> Callable[..., dict]:
    return _solve_checked


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    def write(doc: dict, name: str = "scenario.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        return path

    return write


def pytest_unconfigure(config: pytest.Config) -> None:
    """Spare the interpreter's exit its full garbage collections over everything the tests
    imported (OR-Tools, SciPy, SQLAlchemy, ...): they took seconds after the summary."""
    gc.freeze()
