"""Fixed vocabularies of text columns, each guarded by a CHECK (tests match them to the engine).

Each value is its member's name; a vocabulary with a docstring (shown in the API schema) is
written as a class."""

from __future__ import annotations

from enum import StrEnum

OrganisationKind = StrEnum("OrganisationKind", "organiser branch_org")
Role = StrEnum("Role", "organiser branch_org sme")
RoundStatus = StrEnum("RoundStatus", "draft open closed published")
MissionKind = StrEnum("MissionKind", "promotional business")
MissionFormat = StrEnum("MissionFormat", "trade_mission trade_fair branch_delegation")
Scope = StrEnum("Scope", "regional national")
Evidence = StrEnum("Evidence", "none leads letter_of_intent order")


class Track(StrEnum):
    """The readiness scan's recommended tracks (SPEC "Readiness scan and tracks")."""

    business_mission = "business_mission"
    promotional_mission = "promotional_mission"
    innovation_support = "innovation_support"
    network_support = "network_support"
    no_support_needed = "no_support_needed"
    not_now = "not_now"


ApplicationStatus = StrEnum("ApplicationStatus", "submitted withdrawn")
RunState = StrEnum("RunState", "queued running succeeded failed stopped interrupted")


class PlacementStatus(StrEnum):
    """An application's standing after a run: placed or unplaced (the waiting list), then
    offered a freed place, and the firm's answer."""

    placed = "placed"
    unplaced = "unplaced"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


MeetingDayStatus = StrEnum("MeetingDayStatus", "draft scheduled published")


class MeetingSession(StrEnum):
    """The part of the day a requested meeting must fall in."""

    any = "any"
    morning = "morning"
    afternoon = "afternoon"


RequestedBy = StrEnum("RequestedBy", "organiser sme")
