"""SME firms with their business cases and readiness scans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import ConfigDict
from sqlalchemy import JSON, Boolean, CheckConstraint, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from matchmaker.models.common import (
    CODE_LENGTH,
    COUNTRY_PATTERN,
    KVK_PATTERN,
    STATE_LENGTH,
    UtcDateTime,
    one_of,
    utcnow,
)
from matchmaker.models.enums import Evidence, Track

# --------------------------------------------------------------------------- firm


class FirmBase(SQLModel):
    kvk: str = Field(schema_extra={"pattern": KVK_PATTERN}, sa_type=String(8), unique=True)
    name: str = Field(min_length=1, max_length=200, sa_type=Text)
    region: str = Field(min_length=1, max_length=CODE_LENGTH, sa_type=String(CODE_LENGTH))
    sector: str = Field(min_length=1, max_length=CODE_LENGTH, sa_type=String(CODE_LENGTH))
    employees: int = Field(ge=0)
    readiness_strategy: bool = Field(default=False, sa_type=Boolean)
    readiness_organisation: bool = Field(default=False, sa_type=Boolean)
    readiness_finance: bool = Field(default=False, sa_type=Boolean)
    missions_last_3_years: int = Field(default=0, ge=0)
    # ISO codes of the countries the firm already sells to (insight, not matching).
    exports_to: list[str] = Field(default_factory=list, sa_type=JSON)


class Firm(FirmBase, table=True):
    """An SME registered by its KvK number. Region and sector are codes of the rounds
    it takes part in; a round knows the firm under its scenario id (RoundFirm)."""

    __tablename__ = "firm"
    __table_args__ = (
        CheckConstraint("length(kvk) = 8", name="kvk_length"),
        CheckConstraint("employees >= 0", name="employees"),
        CheckConstraint("missions_last_3_years >= 0", name="missions_last_3_years"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class FirmCreate(FirmBase):
    pass


class FirmUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    region: str | None = Field(default=None, min_length=1, max_length=CODE_LENGTH)
    sector: str | None = Field(default=None, min_length=1, max_length=CODE_LENGTH)
    employees: int | None = Field(default=None, ge=0)
    readiness_strategy: bool | None = None
    readiness_organisation: bool | None = None
    readiness_finance: bool | None = None
    missions_last_3_years: int | None = Field(default=None, ge=0)
    exports_to: list[str] | None = None


# The service's input shapes (services/firms.py, services/business_cases.py,
# services/mission_history.py): what the API accepts and what the page forms are read into
# (web/form_shapes.py). Their caps only bound the request; the services check each value
# and name each field they refuse, in the words the pages show.

# A code or a short answer (countries, readiness answers); free text has its own caps.
Short = Annotated[str, Field(max_length=64)]

# Readiness flags come from the readiness scan only: declared so that sending one is
# refused by name, with why (services/firms.NOT_FROM_THE_FIRM), not as an unknown field.
SCAN_ONLY = "not accepted: set by the firm's latest readiness scan (sending it answers 422)"
# Likewise the missions of the last three years: counted from the service's own rounds and
# the organiser's entries of missions outside matchmaker.
FROM_THE_RECORD = (
    "not accepted: counted from the record, the places the firm accepted in matchmaker's "
    "rounds and the missions outside it an organiser entered (sending it answers 422)"
)


def _read_only(description: str) -> Any:
    return Field(
        default=None,
        description=description,
        schema_extra={"json_schema_extra": {"readOnly": True}},
    )


class FirmRegistration(SQLModel):
    """A new firm, as its SME user registers it."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    kvk: str = Field(
        description="exactly 8 digits", schema_extra={"examples": ["01234567"]}, max_length=20
    )
    name: str = Field(max_length=400)
    region: str = Field(max_length=64)
    sector: str = Field(max_length=64)
    employees: int
    readiness_strategy: bool | None = _read_only(SCAN_ONLY)
    readiness_organisation: bool | None = _read_only(SCAN_ONLY)
    readiness_finance: bool | None = _read_only(SCAN_ONLY)
    missions_last_3_years: int | None = _read_only(FROM_THE_RECORD)
    exports_to: list[Short] = Field(default_factory=list, max_length=300)


class FirmChanges(SQLModel):
    """The fields of a firm's profile to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    name: str | None = Field(default=None, max_length=400)
    region: str | None = Field(default=None, max_length=64)
    sector: str | None = Field(default=None, max_length=64)
    employees: int | None = None
    readiness_strategy: bool | None = _read_only(SCAN_ONLY)
    readiness_organisation: bool | None = _read_only(SCAN_ONLY)
    readiness_finance: bool | None = _read_only(SCAN_ONLY)
    missions_last_3_years: int | None = _read_only(FROM_THE_RECORD)
    exports_to: list[Short] | None = Field(default=None, max_length=300)


class FirmPublic(FirmBase):
    id: int
    owner_user_id: int | None
    created_at: datetime


# --------------------------------------------------------------------------- business case


class BusinessCaseBase(SQLModel):
    country: str = Field(schema_extra={"pattern": COUNTRY_PATTERN}, sa_type=String(2))
    sector: str = Field(min_length=1, max_length=CODE_LENGTH, sa_type=String(CODE_LENGTH))
    summary: str = Field(max_length=5000, sa_type=Text)
    evidence: Evidence = Field(default=Evidence.none, sa_type=String(STATE_LENGTH))


class BusinessCase(BusinessCaseBase, table=True):
    """A concrete business case (known offer, known demand) for one country, verified by
    an organiser before it counts for a business mission. external_id is the case's id
    in scenario files, unique within its firm."""

    __tablename__ = "business_case"
    __table_args__ = (
        UniqueConstraint("firm_id", "external_id"),
        one_of("evidence", Evidence),
    )

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(foreign_key="firm.id", ondelete="CASCADE", index=True)
    external_id: str = Field(sa_type=String(CODE_LENGTH))
    verified: bool = Field(default=False, sa_type=Boolean)
    verified_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    verified_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The organiser's reason for rejecting the case, shown to the firm (None otherwise).
    review_note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class BusinessCaseCreate(SQLModel):
    """A new business case, as its firm writes it."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    country: str = Field(description="ISO 3166-1 alpha-2 code", max_length=10)
    sector: str = Field(max_length=64)
    summary: str = Field(max_length=10000)
    evidence: Evidence = Evidence.none


class BusinessCaseUpdate(SQLModel):
    """The fields of a business case to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    country: str | None = Field(default=None, max_length=10)
    sector: str | None = Field(default=None, max_length=64)
    summary: str | None = Field(default=None, max_length=10000)
    evidence: Evidence | None = None


class BusinessCasePublic(BusinessCaseBase):
    id: int
    firm_id: int
    external_id: str
    verified: bool
    verified_at: datetime | None
    review_note: str | None = None


# --------------------------------------------------------------------------- readiness scan


class ReadinessScan(SQLModel, table=True):
    """One answered readiness questionnaire and the track it recommended, with the reason."""

    __tablename__ = "readiness_scan"
    __table_args__ = (one_of("track", Track),)

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(foreign_key="firm.id", ondelete="CASCADE", index=True)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    track: Track = Field(sa_type=String(STATE_LENGTH))
    reason: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


# services/readiness_scans.record_scan checks each answer against its question and names
# each it refuses by the question's key.
class ReadinessScanCreate(SQLModel):
    """A firm's answers to the readiness questionnaire."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    answers: dict[Short, Short] = Field(
        description="question key -> answer value (see GET /api/sme/readiness/questions)"
    )


class ReadinessScanPublic(SQLModel):
    id: int
    firm_id: int
    answers: dict[str, Any]
    track: Track
    reason: str
    created_at: datetime


# --------------------------------------------------------------------------- history outside


class ExternalMission(SQLModel, table=True):
    """A mission a firm joined outside matchmaker, entered by an organiser whose world the
    firm is in: it counts in the firm's missions of the last three years (with the places
    the firm accepted in the service's own published rounds)."""

    __tablename__ = "external_mission"

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(foreign_key="firm.id", ondelete="CASCADE", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200, sa_type=Text)
    country: str = Field(schema_extra={"pattern": COUNTRY_PATTERN}, sa_type=String(2))
    mission_date: date
    note: str | None = Field(default=None, sa_type=Text)
    created_by: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


EXTERNAL_TITLE_LENGTH = 200
EXTERNAL_NOTE_LENGTH = 2000


class ExternalMissionCreate(SQLModel):
    """A mission a firm joined outside matchmaker, as an organiser enters it."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    title: str = Field(max_length=EXTERNAL_TITLE_LENGTH)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2 code")
    mission_date: date = Field(description="the mission's first day")
    note: str | None = Field(default=None, max_length=EXTERNAL_NOTE_LENGTH)
