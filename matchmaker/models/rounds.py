"""A round and what it holds: regions, sectors, missions, firms, applications, locked pairs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import ConfigDict, StringConstraints
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from matchmaker.models.common import (
    CODE_LENGTH,
    COUNTRY_PATTERN,
    STATE_LENGTH,
    UtcDateTime,
    one_of,
    utcnow,
)
from matchmaker.models.enums import (
    ApplicationStatus,
    MissionFormat,
    MissionKind,
    RoundStatus,
    Scope,
)

# --------------------------------------------------------------------------- round

# Days a firm has to answer an offered place, unless the organiser sets the round otherwise.
DEFAULT_ANSWER_DAYS = 5
MAX_ANSWER_DAYS = 60


class RoundBase(SQLModel):
    name: str = Field(min_length=1, max_length=200, sa_type=Text)
    description: str | None = Field(default=None, sa_type=Text)
    max_places_per_firm: int = Field(default=1, ge=1)
    budget_eur: int | None = Field(default=None, ge=0, sa_type=BigInteger)
    # The scenario's weight overrides, as given (the engine fills in the defaults).
    weights: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Round(RoundBase, table=True):
    """One application round; its id is the scenario's round.id."""

    __tablename__ = "round"
    __table_args__ = (
        one_of("status", RoundStatus),
        CheckConstraint("max_places_per_firm >= 1", name="max_places_per_firm"),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="budget_eur"),
    )

    id: str = Field(primary_key=True, sa_type=String(CODE_LENGTH))
    status: RoundStatus = Field(default=RoundStatus.draft, sa_type=String(STATE_LENGTH))
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL", index=True
    )
    # The matching run whose roster was published (set when the round is published). The
    # round and its runs refer to each other, so this key is added after both tables exist.
    published_run_id: int | None = Field(
        default=None,
        sa_column_args=[ForeignKey("matching_run.id", ondelete="SET NULL", use_alter=True)],
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    # Whether branch organisations may see the round (once open) and offer national
    # missions in it; a round never shows them its drafts.
    invites_branch_missions: bool = Field(default=False)
    # The last moment firms may apply or change their applications (None: until closed).
    applications_close_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # How many days a firm has to answer an offered place before it lapses to the next one
    # (services.offer_deadlines keeps it within 1..MAX_ANSWER_DAYS).
    answer_days: int = Field(
        default=DEFAULT_ANSWER_DAYS, sa_column_kwargs={"server_default": str(DEFAULT_ANSWER_DAYS)}
    )


class RoundCreate(RoundBase):
    id: str = Field(min_length=1, max_length=CODE_LENGTH)


class RoundUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    max_places_per_firm: int | None = Field(default=None, ge=1)
    budget_eur: int | None = Field(default=None, ge=0)
    weights: dict[str, Any] | None = None


class RoundPublic(RoundBase):
    id: str
    status: RoundStatus
    organisation_id: int | None
    published_run_id: int | None = None
    created_at: datetime
    invites_branch_missions: bool = False
    answer_days: int = DEFAULT_ANSWER_DAYS


# --------------------------------------------------------------------------- regions, sectors


class RoundCodeBase(SQLModel):
    """The columns of a round's regions and sectors: a code, unique in the round, and a name."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(foreign_key="round.id", ondelete="CASCADE", sa_type=String(CODE_LENGTH))
    code: str = Field(sa_type=String(CODE_LENGTH))
    name: str = Field(sa_type=Text)


class Region(RoundCodeBase, table=True):
    """A region of a round; priority favours regions flagged for intensive support."""

    __tablename__ = "region"
    __table_args__ = (UniqueConstraint("round_id", "code"),)

    priority: int = Field(default=0)


class Sector(RoundCodeBase, table=True):
    """A sector of a round; focus marks the top sectors (the rest ride in the slipstream)."""

    __tablename__ = "sector"
    __table_args__ = (UniqueConstraint("round_id", "code"),)

    focus: bool = Field(sa_type=Boolean)


class RoundFirm(SQLModel, table=True):
    """A firm taking part in a round, under its id in the round's scenario ("F001")."""

    __tablename__ = "round_firm"
    __table_args__ = (
        UniqueConstraint("round_id", "firm_id"),
        UniqueConstraint("round_id", "external_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(foreign_key="round.id", ondelete="CASCADE", sa_type=String(CODE_LENGTH))
    firm_id: int = Field(foreign_key="firm.id", ondelete="CASCADE", index=True)
    external_id: str = Field(sa_type=String(CODE_LENGTH))


# --------------------------------------------------------------------------- mission


class MissionBase(SQLModel):
    title: str = Field(min_length=1, max_length=300, sa_type=Text)
    kind: MissionKind = Field(sa_type=String(STATE_LENGTH))
    format: MissionFormat = Field(sa_type=String(STATE_LENGTH))
    scope: Scope = Field(sa_type=String(STATE_LENGTH))
    organiser: str = Field(min_length=1, max_length=200, sa_type=Text)
    country: str = Field(schema_extra={"pattern": COUNTRY_PATTERN}, sa_type=String(2))
    start_date: date = Field(sa_type=Date)
    end_date: date = Field(sa_type=Date)
    capacity: int = Field(ge=0)
    min_participants: int = Field(default=0, ge=0)
    # Sector codes the mission is for; empty means every sector.
    sectors: list[str] = Field(default_factory=list, sa_type=JSON)
    slipstream_max: int | None = Field(default=None, ge=0)
    sector_max: int | None = Field(default=None, ge=0)
    # Region code -> seats wanted for firms of that region (a soft minimum).
    region_min: dict[str, int] = Field(default_factory=dict, sa_type=JSON)
    subsidy_eur: int = Field(default=0, ge=0, sa_type=BigInteger)


class Mission(MissionBase, table=True):
    """A trade mission, fair pavilion or branch delegation of a round (SPEC's mission fields).

    external_id is its id in scenario files, unique within the round. version counts
    changes: an update names the version it read and fails if another got there first.
    """

    __tablename__ = "mission"
    __table_args__ = (
        UniqueConstraint("round_id", "external_id"),
        one_of("kind", MissionKind),
        one_of("format", MissionFormat),
        one_of("scope", Scope),
        CheckConstraint("start_date <= end_date", name="dates"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint(
            "min_participants >= 0 AND min_participants <= capacity", name="min_participants"
        ),
        CheckConstraint("slipstream_max IS NULL OR slipstream_max >= 0", name="slipstream_max"),
        CheckConstraint("sector_max IS NULL OR sector_max >= 0", name="sector_max"),
        CheckConstraint("subsidy_eur >= 0", name="subsidy_eur"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(foreign_key="round.id", ondelete="CASCADE", sa_type=String(CODE_LENGTH))
    external_id: str = Field(sa_type=String(CODE_LENGTH))
    owner_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL", index=True
    )
    version: int = Field(default=1, sa_type=Integer)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


# What the service takes to create or change a mission. Text is capped here only against
# abuse; the service checks every value against the round and names the field it refuses.
TEXT_CAP = 1000
CODE_CAP = 64
Code = Annotated[str, StringConstraints(max_length=CODE_CAP)]


class MissionFields(SQLModel):
    """Every SPEC field of a mission except its scope."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    title: str = Field(max_length=TEXT_CAP)
    kind: MissionKind
    format: MissionFormat
    organiser: str = Field(max_length=TEXT_CAP)
    country: str = Field(description="ISO 3166-1 alpha-2, e.g. DE", max_length=CODE_CAP)
    start_date: date
    end_date: date
    capacity: int
    min_participants: int = 0
    sectors: list[Code] = Field(default_factory=list, description="empty: every sector")
    slipstream_max: int | None = None
    sector_max: int | None = None
    region_min: dict[str, int] = Field(default_factory=dict)
    subsidy_eur: int = 0


class MissionSpec(MissionFields):
    """Every SPEC field of a mission: what the service checks against the mission's round
    (a new mission with its defaults, or a mission with an edit applied)."""

    scope: Scope


class NationalMissionCreate(MissionFields):
    """A branch organisation's new mission: national, so it names no scope."""

    external_id: str | None = Field(
        default=None, max_length=CODE_CAP, description="its id in scenario files; empty: next free"
    )


class MissionCreate(NationalMissionCreate):
    """A new mission of a round."""

    scope: Scope


class NationalMissionUpdate(SQLModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]
    version: int = Field(description="the version the change is based on (409 if it moved on)")
    title: str | None = Field(default=None, max_length=TEXT_CAP)
    kind: MissionKind | None = None
    format: MissionFormat | None = None
    organiser: str | None = Field(default=None, max_length=TEXT_CAP)
    country: str | None = Field(default=None, max_length=CODE_CAP)
    start_date: date | None = None
    end_date: date | None = None
    capacity: int | None = None
    min_participants: int | None = None
    sectors: list[Code] | None = None
    slipstream_max: int | None = None
    sector_max: int | None = None
    region_min: dict[str, int] | None = None
    subsidy_eur: int | None = None


class MissionUpdate(NationalMissionUpdate):
    """A change to a mission, its scope included."""

    scope: Scope | None = None


class MissionPublic(MissionBase):
    id: int
    round_id: str
    external_id: str
    owner_organisation_id: int | None
    version: int


# --------------------------------------------------------------------------- application


class Application(SQLModel, table=True):
    """A firm's ranked application to a mission, with the business case it brings."""

    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("firm_id", "mission_id"),
        one_of("status", ApplicationStatus),
        CheckConstraint("rank >= 1", name="rank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(
        foreign_key="round.id", ondelete="CASCADE", index=True, sa_type=String(CODE_LENGTH)
    )
    firm_id: int = Field(foreign_key="firm.id", ondelete="CASCADE", index=True)
    mission_id: int = Field(foreign_key="mission.id", ondelete="CASCADE", index=True)
    rank: int
    business_case_id: int | None = Field(
        default=None, foreign_key="business_case.id", ondelete="SET NULL", index=True
    )
    status: ApplicationStatus = Field(
        default=ApplicationStatus.submitted, sa_type=String(STATE_LENGTH)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ApplicationCreate(SQLModel):
    mission_id: int
    rank: int = Field(ge=1)
    business_case_id: int | None = None


class ApplicationPublic(SQLModel):
    id: int
    round_id: str
    firm_id: int
    mission_id: int
    rank: int
    business_case_id: int | None
    status: ApplicationStatus
    created_at: datetime


class LockedPair(SQLModel, table=True):
    """An application that every run of its round must place (a scenario's `locked` list)."""

    __tablename__ = "locked_pair"

    id: int | None = Field(default=None, primary_key=True)
    round_id: str = Field(
        foreign_key="round.id", ondelete="CASCADE", index=True, sa_type=String(CODE_LENGTH)
    )
    application_id: int = Field(foreign_key="application.id", ondelete="CASCADE", unique=True)
    created_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
