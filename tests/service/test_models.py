"""The tables' vocabularies match the engine's, and the shapes validate what they should."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from matchmaker.models import Evidence, FirmCreate, MissionFormat, MissionKind, Scope
from matchmaker.optimisation.scenario_types import EVIDENCE_LEVELS, FORMATS, KINDS, SCOPES


def test_vocabularies_are_the_engines() -> None:
    assert tuple(MissionKind) == KINDS
    assert tuple(MissionFormat) == FORMATS
    assert tuple(Scope) == SCOPES
    assert tuple(Evidence) == EVIDENCE_LEVELS


def test_firm_create_wants_an_eight_digit_kvk_number() -> None:
    firm = {"name": "Aqua Noord BV", "region": "GR", "sector": "water", "employees": 24}
    assert FirmCreate(kvk="01234567", **firm).kvk == "01234567"
    for kvk in ("1234567", "123456789", "1234567a"):
        with pytest.raises(ValidationError, match="kvk"):
            FirmCreate(kvk=kvk, **firm)
    with pytest.raises(ValidationError, match="employees"):
        FirmCreate(kvk="01234567", **{**firm, "employees": -1})
