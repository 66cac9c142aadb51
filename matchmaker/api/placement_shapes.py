"""The JSON shapes and error answers of placements after publication, shared by the SME's
answers (sme/placements.py) and the organiser's offers and withdrawals (organiser/placements.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from matchmaker.api.errors import refusals
from matchmaker.api.rows import shape_of
from matchmaker.models import Placement
from matchmaker.services import placements as placement_service

PLACEMENT_ERRORS = refusals(
    forbidden="Not a role that may do this",
    not_found="No such placement of the firm (or among the organiser's rounds)",
    conflict="Not possible in the placement's current state, or no room for it",
)


class PlacementChange(BaseModel):
    """A placement after a change, and the places the re-solve offered to the waiting list."""

    id: int
    run_id: int
    application_id: int
    status: str
    score: int | None
    offers: list[int] = Field(description="placement ids that became offers")


def change_view(placement: Placement, offers: list[Placement]) -> PlacementChange:
    return shape_of(
        PlacementChange,
        placement,
        id=placement.id or 0,
        status=str(placement.status),
        offers=[o.id or 0 for o in offers],
    )


def answered(change: placement_service.Change) -> PlacementChange:
    """The changed placement and the offers the change made, as the API shows them."""
    return change_view(change.placement, change.offers)
