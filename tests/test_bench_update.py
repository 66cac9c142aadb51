"""`python -m bench --only X --update BENCHMARKS.md` replaces just that section, as printed."""

from __future__ import annotations

from pathlib import Path

from bench.__main__ import update_sections

EXISTING = """# Benchmarks

## 1. Solver against an exact reference

old solver table

## B2B meeting scheduling

Not run: the module `bench/meetings.py` is not present.

## 5. The service under load

old load table

_Whole benchmark run: 1555 s._
"""


def test_only_the_chosen_section_is_replaced_and_stamped(tmp_path: Path) -> None:
    target = tmp_path / "BENCHMARKS.md"
    target.write_text(EXISTING, encoding="utf-8")
    new = "## B2B meeting scheduling\n\n| instance | status |\n|---|---|\n| tic-12 | OPTIMAL |"
    update_sections(target, [new], ["B2B meeting scheduling"], ["--only", "meetings"])
    text = target.read_text(encoding="utf-8")
    assert "| tic-12 | OPTIMAL |" in text
    assert "Not run: the module" not in text
    assert "old solver table" in text and "old load table" in text
    assert text.index("tic-12") < text.index("## 5. The service under load")
    assert "_Figures of this section: `python -m bench --only meetings`" in text
    assert text.rstrip().endswith("_Whole benchmark run: 1555 s._")


def test_a_section_missing_from_the_file_is_added_before_the_trailer(tmp_path: Path) -> None:
    target = tmp_path / "BENCHMARKS.md"
    target.write_text("# Benchmarks\n\n_Whole benchmark run: 9 s._\n", encoding="utf-8")
    update_sections(target, ["## 4. Scaling\n\nnew"], ["Scaling"], ["--only", "scaling"])
    text = target.read_text(encoding="utf-8")
    assert text.index("## 4. Scaling") < text.index("_Whole benchmark run")
