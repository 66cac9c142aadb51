"""The Dockerfile keeps its essentials: the slim Python 3.11 base, a non-root user, everything
the package needs copied in, and a command that serves on all interfaces."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def test_base_image_is_python_311_slim() -> None:
    froms = [args for keyword, args in instructions() if keyword == "FROM"]
    assert froms == ["python:3.11-slim"]


def test_the_service_runs_as_a_non_root_user() -> None:
    steps = instructions()
    users = [i for i, (keyword, _) in enumerate(steps) if keyword == "USER"]
    assert users, "the image names a USER"
    assert steps[users[-1]][1] not in ("root", "0", "0:0")
    cmd = next(i for i, (keyword, _) in enumerate(steps) if keyword == "CMD")
    assert users[-1] < cmd


def test_the_command_serves_on_all_interfaces_and_takes_its_settings_from_outside() -> None:
    steps = instructions()
    (cmd,) = [json.loads(args) for keyword, args in steps if keyword == "CMD"]
    assert cmd[:2] == ["matchmaker", "serve"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    env = " ".join(args for keyword, args in steps if keyword == "ENV")
    assert "SECRET_KEY" not in env, "the secret comes from the environment, never the image"
    assert "MATCHMAKER_ENV=production" in env


def test_everything_the_wheel_needs_is_copied_and_nothing_ignored() -> None:
    copied = {
        source
        for keyword, args in instructions()
        if keyword == "COPY"
        for source in args.split()[:-1]
    }
    # What the wheel is built from: the packages and every forced include (a missing one
    # fails the build inside the image).
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["hatch"]["build"][
        "targets"
    ]["wheel"]
    hooks = [hook["path"] for hook in wheel.get("hooks", {}).values()]
    needed = {"pyproject.toml", "README.md", *wheel["packages"], *wheel["force-include"], *hooks}
    assert "meeting-days" in needed
    assert needed <= copied, f"the Dockerfile does not copy {needed - copied}"
    assert all((ROOT / path).exists() for path in copied)
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert ".git" in ignored
    assert not ignored & needed
