"""Where the shipped templates, demo scenarios and example meeting days live (wheel or checkout)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name  # laid there by the wheel build (pyproject force-include)
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name  # a source checkout keeps them at the top level


def scenarios_dir() -> Path:
    return _data_dir("scenarios")


def templates_dir() -> Path:
    return _data_dir("templates")


def _bundled(folder: Path) -> dict[str, Path]:
    """The JSON files of a folder by name (file name without extension)."""
    return {p.stem: p for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}


def _resolved(name_or_path: str, bundled: Callable[[], dict[str, Path]]) -> Path:
    """A path as given, or the bundled file of that name when no such file exists."""
    path = Path(name_or_path)
    if path.exists():
        return path
    return bundled().get(name_or_path, path)


def bundled_scenarios() -> dict[str, Path]:
    """The demo scenarios by name (file name without extension)."""
    return _bundled(scenarios_dir())


def resolve_scenario(name_or_path: str) -> Path:
    """A path as given, or the bundled scenario of that name when no such file exists."""
    return _resolved(name_or_path, bundled_scenarios)


def bundled_meeting_days() -> dict[str, Path]:
    """The example meeting days by name (file name without extension)."""
    return _bundled(_data_dir("meeting-days"))


def resolve_meeting_day(name_or_path: str) -> Path:
    """A path as given, or the bundled meeting day of that name when no such file exists."""
    return _resolved(name_or_path, bundled_meeting_days)
