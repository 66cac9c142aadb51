"""The README's two set-up commands stay true: CI runs the test one, the wheel ships the demo."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block is not None, "README must open with a bash block of set-up commands"
    assert text.index(block.group(0)) < text.index("\n## "), "the commands come first"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands() -> None:
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].startswith("pip install . && matchmaker ")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci


def test_the_run_command_serves_the_bundled_demo_round() -> None:
    assert setup_commands()[0].endswith("matchmaker serve --demo")
    from matchmaker import cli, resources

    assert resources.resolve_scenario(cli.DEMO_SCENARIO).is_file()


def test_wheel_ships_the_demo_scenarios(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("matchmaker-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("matchmaker/_data/scenarios/")}
    assert shipped == {p.name for p in (ROOT / "scenarios").glob("*.json")}
    days = {Path(n).name for n in names if n.startswith("matchmaker/_data/meeting-days/")}
    assert days == {p.name for p in (ROOT / "meeting-days").glob("*.json")} >= {"example-day.json"}
    assert "matchmaker/cli.py" in names
    # The Dutch catalogue, and its compiled form (made by hatch_build.py, kept in no repo).
    catalogue = "matchmaker/locales/nl/LC_MESSAGES/messages"
    assert {f"{catalogue}.po", f"{catalogue}.mo"} <= set(names)
    assert not (ROOT / f"{catalogue}.mo").exists(), "no compiled catalogue is committed"


def test_the_architecture_tree_names_every_folder_of_the_package() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Architecture") :]
    tree = re.search(r"```text\n(.*?)```", section, re.S)
    assert tree is not None
    folders = {
        path.name
        for path in (ROOT / "matchmaker").rglob("*")
        if path.is_dir() and path.name != "__pycache__" and any(path.glob("*.py"))
    }
    named = set(re.findall(r"[├└]── ([\w]+)/", tree.group(1)))
    assert folders - named == set(), "folders the README's architecture tree leaves out"
    for module in re.findall(r"`([\w/]+\.py)", section):
        assert (ROOT / "matchmaker" / module).is_file() or (ROOT / module).is_file(), module
