"""One vocabulary of reasons: each reason code of the engine in the words a firm reads (no
scores, no codes), and the short label an organiser's roster shows, for every page, export,
e-mail and API answer alike. The words are in the current language when they are read
(the stored reason codes stay codes)."""

from __future__ import annotations

from matchmaker.i18n import Texts, gettext, mark
from matchmaker.models import BusinessCase, PlacementStatus
from matchmaker.optimisation.eligibility import INELIGIBLE_REASONS

FOR_FIRM = Texts(
    {
        "sector_mismatch": mark(
            "This mission is only for the sectors it lists, and your firm's sector is not "
            "among them."
        ),
        "no_business_case": mark(
            "A business mission needs a business case, and the application named none."
        ),
        "business_case_unverified": mark(
            "Your business case had not been verified by the organiser before the matching."
        ),
        "business_case_wrong_country": mark(
            "Your business case is for another country than the one this mission goes to."
        ),
        "not_ready": mark(
            "A business mission needs your export strategy and organisation in order (see the "
            "readiness scan), and they were not."
        ),
        "placed_elsewhere": mark(
            "You already have as many places as a firm may get in this round, on another mission "
            "you applied to."
        ),
        "date_conflict": mark(
            "You have a place on another mission whose dates overlap with this one."
        ),
        "mission_cancelled": mark(
            "The mission does not take place: too few firms could be placed to reach its minimum."
        ),
        "outranked": mark(
            "The mission was full, and every firm placed on it came before yours on the round's "
            "criteria: how high each firm ranked the mission, the priority of its region, a first "
            "participation and the strength of its business case."
        ),
        "slipstream_full": mark(
            "This promotional mission takes only a few firms from outside the region's top "
            "sectors, and those places were taken."
        ),
        "sector_cap": mark(
            "This mission takes a limited number of firms per sector, and your sector's places "
            "were taken."
        ),
        "budget": mark("The round's subsidy budget was spent before your place could be funded."),
        "not_selected": mark(
            "No single rule kept you off: the places went to the combination of firms that filled "
            "the round best, for example to keep seats for firms from every region."
        ),
        "lapsed": mark(
            "The place was offered to you, but not accepted or declined in time, so it went to the "
            "next firm on the waiting list."
        ),
    }
)
LABEL = Texts(
    {
        "sector_mismatch": mark("the mission is not for the firm's sector"),
        "no_business_case": mark("a business mission needs a business case, and none was named"),
        "business_case_unverified": mark("the business case is not verified"),
        "business_case_wrong_country": mark("the business case is for another country"),
        "not_ready": mark("the firm's export strategy or organisation is not ready yet"),
        "placed_elsewhere": mark("the firm has its maximum number of places on other missions"),
        "date_conflict": mark("the firm is placed on another mission on the same dates"),
        "mission_cancelled": mark("the mission does not run: too few participants"),
        "outranked": mark("the mission is full and every placed firm scored at least as high"),
        "slipstream_full": mark("the places for firms outside the focus sectors are taken"),
        "sector_cap": mark("the places for the firm's sector are taken"),
        "budget": mark("the round's subsidy budget is used up"),
        "not_selected": mark("the best roster overall left it out (no single rule decided)"),
        "lapsed": mark("the offer was not answered in time"),
    }
)
NOT_PLACED = mark("You were not placed on this mission.")
WAITING = mark("You are on the waiting list: if a place frees up it may be offered to you.")
# Where a placement stands, for the firm (an unplaced one waits only if it is eligible).
STATUS_FOR_FIRM = Texts(
    {
        PlacementStatus.placed: mark("Placed (not yet published)"),
        PlacementStatus.offered: mark("Place offered: please accept or decline"),
        PlacementStatus.accepted: mark("Place accepted"),
        PlacementStatus.declined: mark("Place declined"),
        PlacementStatus.withdrawn: mark("Withdrawn"),
    }
)


def waits(status: PlacementStatus | str, reason: str | None) -> bool:
    """Whether an unplaced application is on the waiting list (an ineligible one is not)."""
    return PlacementStatus(status) == PlacementStatus.unplaced and reason not in INELIGIBLE_REASONS


def status_for_firm(status: PlacementStatus | str, reason: str | None) -> str:
    """The placement's state in a few words, the same on every page."""
    status = PlacementStatus(status)
    if status == PlacementStatus.declined and reason == "lapsed":
        return gettext("Offer lapsed (not answered in time)")
    if status == PlacementStatus.unplaced:
        return gettext("On the waiting list") if waits(status, reason) else gettext("Not placed")
    return STATUS_FOR_FIRM[status]


def for_firm(reason: str | None, case: BusinessCase | None = None) -> str:
    """Why the application is not placed, as the firm reads it. A business case the organiser
    rejected is called rejected, with the organiser's note."""
    if reason == "business_case_unverified" and case is not None and case.review_note:
        return gettext(
            "The organiser did not accept your business case: %(note)s", note=case.review_note
        )
    return FOR_FIRM.get(reason or "", str(NOT_PLACED))
