"""Fixed vocabularies of text columns, each guarded by a CHECK (tests match them to the engine)."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    organiser = "organiser"
    branch_org = "branch_org"


class Role(StrEnum):
    organiser = "organiser"
    branch_org = "branch_org"
    sme = "sme"


class RoundStatus(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    published = "published"


class MissionKind(StrEnum):
    promotional = "promotional"
    business = "business"


class MissionFormat(StrEnum):
    trade_mission = "trade_mission"
    trade_fair = "trade_fair"
    branch_delegation = "branch_delegation"


class Scope(StrEnum):
    regional = "regional"
    national = "national"


class Evidence(StrEnum):
    none = "none"
    leads = "leads"
    letter_of_intent = "letter_of_intent"
    order = "order"


class Track(StrEnum):
    """The readiness scan's recommended tracks (SPEC "Readiness scan and tracks")."""

    business_mission = "business_mission"
    promotional_mission = "promotional_mission"
    innovation_support = "innovation_support"
    network_support = "network_support"
    no_support_needed = "no_support_needed"
    not_now = "not_now"


class ApplicationStatus(StrEnum):
    submitted = "submitted"
    withdrawn = "withdrawn"


class RunState(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    stopped = "stopped"
    interrupted = "interrupted"


class PlacementStatus(StrEnum):
    """An application's standing after a run: placed or unplaced (the waiting list), then
    offered a freed place, and the firm's answer."""

    placed = "placed"
    unplaced = "unplaced"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class MeetingDayStatus(StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"


class MeetingSession(StrEnum):
    """The part of the day a requested meeting must fall in."""

    any = "any"
    morning = "morning"
    afternoon = "afternoon"


class RequestedBy(StrEnum):
    organiser = "organiser"
    sme = "sme"
