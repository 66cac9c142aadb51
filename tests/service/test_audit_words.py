"""The audit log's words: every action the services record and every reason code of the
engine reads in Dutch and English, so no page or CSV shows a bare code."""

from __future__ import annotations

import re
from pathlib import Path

from matchmaker.services import audit_words, placements, reasons
from matchmaker.services.placement_audit import FOLLOW_ON_ACTIONS

SERVICES = Path(placements.__file__).parent


def _recorded_actions() -> set[str]:
    """The action codes written literally in the services (action="...")."""
    found: set[str] = set()
    for module in SERVICES.glob("*.py"):
        found |= set(re.findall(r'\baction="([a-z_.]+)"', module.read_text()))
    return found


# Names the services put behind a prefix: placement.{answer}, round.{change}, {job}.{state}.
PARTS = {*placements._PAST, "open", "close", "reopen", "run", "meeting_schedule"}


def test_every_recorded_action_has_words_in_both_languages() -> None:
    recorded = (_recorded_actions() - PARTS) | set(FOLLOW_ON_ACTIONS)
    recorded |= {f"placement.{answer}" for answer in placements._PAST}
    recorded |= {f"round.{change}" for change in ("open", "close", "reopen")}
    assert len(recorded) > 30, "the scan found the services' actions"
    missing = sorted(code for code in recorded if code not in audit_words.ACTIONS)
    assert missing == []
    for code in recorded:
        words = audit_words.action(code)
        assert words.nl and words.en and words.nl != code


def test_every_reason_code_reads_as_words_not_as_a_code() -> None:
    for code in reasons.FOR_FIRM:
        words = audit_words.value(code)
        assert words.nl != code and words.en != code, code
        assert "_" not in words.nl + words.en
    assert audit_words.value("unplaced").en == "not placed", "waiting is said apart"
