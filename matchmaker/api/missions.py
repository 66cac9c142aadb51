"""API: the public catalogue of open missions, with the filters of the missions page."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field
from sqlmodel import Session

from matchmaker.api.errors import declare
from matchmaker.api.rows import columns
from matchmaker.deps import OptionalUser, SessionDep
from matchmaker.models import MissionFormat, MissionKind, MissionPublic, Role, RoundStatus, User
from matchmaker.services import Invalid, catalogue, track_warnings
from matchmaker.services.firms import is_country

ERRORS = declare(
    {
        404: "No such mission, or its round is not public",
        422: "Invalid filter, with the path of every problem",
    }
)
router = APIRouter(prefix="/api/missions", tags=["missions"], responses=ERRORS)


class MissionEntryPublic(MissionPublic):
    """A mission with its round and the readable names of its codes."""

    round_name: str
    round_status: RoundStatus
    country_name: str
    sector_names: list[str]
    open_for_applications: bool
    warning: str | None = Field(
        default=None,
        description="for a logged-in SME whose latest readiness scan recommends no mission "
        "now (not_now, innovation_support): what it is warned of before applying",
    )


def sme_warning(session: Session, user: User | None) -> str | None:
    """The track warning of the asking SME's firm, if any (None for anyone else)."""
    if user is None or user.role != Role.sme:
        return None
    return track_warnings.warning_for(session=session, firm_id=user.firm_id)


def entry_public(entry: catalogue.MissionEntry, warning: str | None = None) -> MissionEntryPublic:
    return MissionEntryPublic.model_validate(
        {
            **columns(entry.mission, MissionPublic),
            "round_name": entry.round.name,
            "round_status": entry.round.status,
            "country_name": entry.country_name,
            "sector_names": list(entry.sector_names),
            "open_for_applications": entry.open_for_applications,
            "warning": warning,
        }
    )


@router.get("")
def list_open_missions(
    session: SessionDep,
    user: OptionalUser,
    kind: MissionKind | None = None,
    format: MissionFormat | None = None,
    country: Annotated[
        str | None, Query(description="ISO 3166-1 alpha-2 code", max_length=2)
    ] = None,
    sector: Annotated[
        str | None, Query(description="sector code; missions open to all sectors match too")
    ] = None,
    date_from: Annotated[
        date | None, Query(description="missions that end on or after this day")
    ] = None,
    date_to: Annotated[
        date | None, Query(description="missions that start on or before this day")
    ] = None,
    round: Annotated[str | None, Query(description="only this round's missions")] = None,
) -> list[MissionEntryPublic]:
    """The missions of open rounds that pass the filters, by start date."""
    filters = catalogue.Filters(
        kind=kind,
        format=format,
        country=country.upper() if country else None,
        sector=sector,
        date_from=date_from,
        date_to=date_to,
        round_id=round,
    )
    problems: dict[str, str] = {}
    if filters.country is not None and not is_country(filters.country):
        problems["country"] = f"{country!r} is not an ISO 3166-1 alpha-2 country code"
    catalogue.check_range(filters, problems)
    if problems:
        raise Invalid({f"query.{field}": message for field, message in problems.items()})
    warning = sme_warning(session, user)
    return [
        entry_public(e, warning) for e in catalogue.open_missions(session=session, filters=filters)
    ]


@router.get("/{mission_id}")
def get_mission(mission_id: int, session: SessionDep, user: OptionalUser) -> MissionEntryPublic:
    """One mission of a round that is open, closed or published."""
    entry = catalogue.public_mission(session=session, mission_id=mission_id)
    return entry_public(entry, sme_warning(session, user))
