"""The eligibility rules of model v1 and their reason codes, checked in the spec's order."""

from __future__ import annotations

from matchmaker.optimisation.scenario_types import Application, Firm, Mission

SECTOR_MISMATCH = "sector_mismatch"
NO_BUSINESS_CASE = "no_business_case"
BUSINESS_CASE_UNVERIFIED = "business_case_unverified"
BUSINESS_CASE_WRONG_COUNTRY = "business_case_wrong_country"
NOT_READY = "not_ready"

INELIGIBLE_REASONS = (
    SECTOR_MISMATCH,
    NO_BUSINESS_CASE,
    BUSINESS_CASE_UNVERIFIED,
    BUSINESS_CASE_WRONG_COUNTRY,
    NOT_READY,
)


def ineligibility(application: Application, firm: Firm, mission: Mission) -> str | None:
    """The first failing eligibility rule of an application, or None when it may be placed."""
    if mission.sectors and firm.sector not in mission.sectors:
        return SECTOR_MISMATCH
    if mission.kind != "business":
        return None
    # A business mission is only for firms with a verified case for that country, and ready.
    if application.business_case is None:
        return NO_BUSINESS_CASE
    case = firm.case(application.business_case)
    if case is None:
        return NO_BUSINESS_CASE
    if not case.verified:
        return BUSINESS_CASE_UNVERIFIED
    if case.country != mission.country:
        return BUSINESS_CASE_WRONG_COUNTRY
    if not (firm.readiness.strategy and firm.readiness.organisation):
        return NOT_READY
    return None


def explain_ineligibility(reason: str, firm: Firm, mission: Mission, case_id: str | None) -> str:
    """A sentence for the organiser or the firm saying why the application cannot be placed."""
    if reason == SECTOR_MISMATCH:
        return (
            f"{mission.id} is for the sectors {', '.join(mission.sectors)}; "
            f"the firm's sector is {firm.sector}"
        )
    if reason == NO_BUSINESS_CASE:
        return "a business mission needs a business case for its country; none was named"
    if reason == BUSINESS_CASE_UNVERIFIED:
        return f"business case {case_id} has not been verified yet"
    if reason == BUSINESS_CASE_WRONG_COUNTRY:
        case = firm.case(case_id)
        country = case.country if case else "?"
        return f"business case {case_id} is for {country}, the mission goes to {mission.country}"
    if reason == NOT_READY:
        missing = [
            name
            for name, ok in (
                ("strategy", firm.readiness.strategy),
                ("organisation", firm.readiness.organisation),
            )
            if not ok
        ]
        return f"the readiness scan is not in order for {' and '.join(missing)}"
    raise ValueError(f"unknown eligibility reason {reason!r}")
