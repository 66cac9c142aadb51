"""The public catalogue: missions of open rounds, filtered by kind, format, country, sector
and dates, and the detail of one mission.

The list shows missions of rounds whose status is open. A mission's detail is also shown
once its round has closed or published (applicants follow their missions there); the
missions of a draft round are not public and answer NotFound.

Filters: `sector` keeps missions that list that sector or list none (open to every
sector); `date_from`/`date_to` keep missions that take place at least partly within the
range (end on or after date_from, start on or before date_to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext
from matchmaker.models import Mission, MissionFormat, MissionKind, Round, RoundStatus, Sector
from matchmaker.services import NotFound
from matchmaker.services.firm_codes import country_name, is_row_id

PUBLIC_ROUND_STATES = (RoundStatus.open, RoundStatus.closed, RoundStatus.published)


@dataclass(frozen=True, slots=True)
class Filters:
    kind: MissionKind | None = None
    format: MissionFormat | None = None
    country: str | None = None
    sector: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    round_id: str | None = None

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for links), without the empty ones."""
        values = {
            "kind": self.kind,
            "format": self.format,
            "country": self.country,
            "sector": self.sector,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "round": self.round_id,
        }
        return {key: str(value) for key, value in values.items() if value}


def check_range(filters: Filters, problems: dict[str, str]) -> None:
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        problems["date_to"] = gettext("the range ends before it starts")


@dataclass(frozen=True, slots=True)
class MissionEntry:
    """A mission with what a reader needs beside it: its round and the names of codes."""

    mission: Mission
    round: Round
    country_name: str
    sector_names: tuple[str, ...]

    @property
    def open_for_applications(self) -> bool:
        return self.round.status == RoundStatus.open


def open_missions(*, session: Session, filters: Filters | None = None) -> list[MissionEntry]:
    """The missions of open rounds that pass the filters, by start date then title."""
    filters = filters or Filters()
    query = (
        select(Mission, Round)
        .join(Round, col(Round.id) == col(Mission.round_id))
        .where(Round.status == RoundStatus.open)
    )
    if filters.kind is not None:
        query = query.where(Mission.kind == filters.kind)
    if filters.format is not None:
        query = query.where(Mission.format == filters.format)
    if filters.country is not None:
        query = query.where(Mission.country == filters.country)
    if filters.date_from is not None:
        query = query.where(col(Mission.end_date) >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(col(Mission.start_date) <= filters.date_to)
    if filters.round_id is not None:
        query = query.where(Mission.round_id == filters.round_id)
    query = query.order_by(col(Mission.start_date), col(Mission.title), col(Mission.id))
    rows = session.exec(query).all()
    # Sector lists are JSON; filtering them here works the same on SQLite and PostgreSQL.
    if filters.sector is not None:
        rows = [(m, r) for m, r in rows if not m.sectors or filters.sector in m.sectors]
    names = _sector_names(session, {r.id for _, r in rows})
    return [_entry(mission, round_row, names) for mission, round_row in rows]


def public_mission(*, session: Session, mission_id: int) -> MissionEntry:
    """One mission of a round that is open, closed or published; NotFound otherwise."""
    mission = session.get(Mission, mission_id) if is_row_id(mission_id) else None
    round_row = session.get(Round, mission.round_id) if mission is not None else None
    if mission is None or round_row is None or round_row.status not in PUBLIC_ROUND_STATES:
        raise NotFound("mission", mission_id)
    return _entry(mission, round_row, _sector_names(session, {round_row.id}))


def public_round(*, session: Session, round_id: str) -> Round:
    """A round that is open, closed or published; NotFound for a draft or unknown one."""
    round_row = session.get(Round, round_id)
    if round_row is None or round_row.status not in PUBLIC_ROUND_STATES:
        raise NotFound("round", round_id)
    return round_row


def open_rounds(*, session: Session) -> list[Round]:
    """The rounds taking applications, by name."""
    return list(
        session.exec(
            select(Round).where(Round.status == RoundStatus.open).order_by(col(Round.name))
        ).all()
    )


def filter_choices(*, session: Session) -> dict[str, list[tuple[str, str]]]:
    """The values the filter form offers, from what the open rounds hold."""
    codes = session.exec(
        select(Mission.country)
        .join(Round, col(Round.id) == col(Mission.round_id))
        .where(Round.status == RoundStatus.open)
        .distinct()
    ).all()
    countries = sorted({(code, country_name(code)) for code in codes}, key=lambda c: c[1])
    rounds = open_rounds(session=session)
    sectors: dict[str, str] = {}
    for round_row in rounds:
        for sector in session.exec(
            select(Sector).where(Sector.round_id == round_row.id).order_by(col(Sector.id))
        ):
            sectors.setdefault(sector.code, sector.name)
    return {
        "kinds": [(k.value, k.value.replace("_", " ")) for k in MissionKind],
        "formats": [(f.value, f.value.replace("_", " ")) for f in MissionFormat],
        "countries": countries,
        "sectors": list(sectors.items()),
        "rounds": [(r.id, r.name) for r in rounds],
    }


def _sector_names(session: Session, round_ids: set[str]) -> dict[tuple[str, str], str]:
    if not round_ids:
        return {}
    rows = session.exec(select(Sector).where(col(Sector.round_id).in_(sorted(round_ids)))).all()
    return {(s.round_id, s.code): s.name for s in rows}


def _entry(mission: Mission, round_row: Round, names: dict[tuple[str, str], str]) -> MissionEntry:
    return MissionEntry(
        mission=mission,
        round=round_row,
        country_name=country_name(mission.country),
        sector_names=tuple(names.get((round_row.id, code), code) for code in mission.sectors),
    )
