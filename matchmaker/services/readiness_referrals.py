"""Where the readiness scan sends a firm next: the organisations that fit its track, region,
sector and target country, and the mission list filtered for its track."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from matchmaker.i18n import LazyText, mark
from matchmaker.models.enums import Track


@dataclass(frozen=True, slots=True)
class Referral:
    key: str
    name_message: LazyText | str
    offer_message: LazyText

    @property
    def name(self) -> str:
        """The organisation's name as the current language gives it."""
        return str(self.name_message)

    @property
    def offer(self) -> str:
        """What the organisation offers, in the current language."""
        return str(self.offer_message)


_EXPORT_CLUBS = {
    "DR": Referral(
        "export_club_drenthe",
        "Exportclub Drenthe",  # a name: the same in every language
        mark("Firms from Drenthe that export share contacts, experience and joint trips."),
    ),
    "GR": Referral(
        "export_club_groningen",
        "Exportclub Groningen",  # a name: the same in every language
        mark("Firms from Groningen that export share contacts, experience and joint trips."),
    ),
    "FR": Referral(
        "export_club_friesland",
        "Exportclub Friesland",  # a name: the same in every language
        mark("Firms from Fryslân that export share contacts, experience and joint trips."),
    ),
}
_SPINN = Referral(
    "spinn",
    "SPINN",  # a name: the same in every language
    mark(
        "The northern network that ties internationalisation to innovation and "
        "entrepreneurship, and points you to the right programme or network."
    ),
)
_SECTOR_NETWORKS = {
    "healthy_ageing": Referral(
        "hannn",
        mark("HANNN (Healthy Ageing Network Northern Netherlands)"),
        mark("The top-sector network for healthy ageing, with its international contacts."),
    ),
    "energy": Referral(
        "energy_valley",
        "Energy Valley",  # a name: the same in every language
        mark("The northern energy cluster: innovation partners and international contacts."),
    ),
    "water": Referral(
        "water_alliance",
        "Water Alliance",  # a name: the same in every language
        mark("The water-technology cluster at the Watercampus Leeuwarden, with Wetsus."),
    ),
}
_HANZE = Referral(
    "hanze_entrepreneurship",
    mark("Hanze University of Applied Sciences, centre for entrepreneurship"),
    mark("Market-entry strategy advice for individual firms and intercultural courses."),
)
_NHL_STENDEN = Referral(
    "nhl_stenden",
    mark("NHL and Stenden universities of applied sciences"),
    mark(
        "Research groups (SME competitiveness, water technology, sustainable energy) and "
        "international students who help a firm explore and adapt for new markets."
    ),
)
_CONFUCIUS = Referral(
    "confucius_institute",
    mark("Confucius Institute Groningen"),
    mark("Knowledge about doing business with China."),
)
REFERRALS = (
    *_EXPORT_CLUBS.values(),
    _SPINN,
    *_SECTOR_NETWORKS.values(),
    _HANZE,
    _NHL_STENDEN,
    _CONFUCIUS,
)


def referrals(
    track: Track, *, region: str | None, sector: str | None, target_country: str | None
) -> list[Referral]:
    """The organisations a track refers the firm to, matched to its region, sector and the
    country it aims for."""
    found: list[Referral] = []
    clubs = [_EXPORT_CLUBS[region]] if region in _EXPORT_CLUBS else list(_EXPORT_CLUBS.values())
    sector_network = _SECTOR_NETWORKS.get(sector or "")
    if track is Track.innovation_support:
        found = [_SPINN, *([sector_network] if sector_network else []), _HANZE, _NHL_STENDEN]
    elif track is Track.network_support:
        found = [*clubs, *([sector_network] if sector_network else []), _SPINN]
    elif track is Track.promotional_mission:
        found = [_HANZE, *clubs]
    elif track is Track.business_mission:
        found = clubs
    if target_country == "CN" and track is not Track.not_now:
        found.append(_CONFUCIUS)
    return found


def mission_filter(track: Track, *, target_country: str | None) -> dict[str, str] | None:
    """The open-mission filters a track points to, or None when it points to no missions."""
    if track is Track.business_mission:
        return {"kind": "business", **({"country": target_country} if target_country else {})}
    if track is Track.promotional_mission:
        return {"kind": "promotional"}
    if track is Track.no_support_needed:
        return {}
    return None


def missions_link(track: Track, *, target_country: str | None, base: str) -> str | None:
    """The address of the mission list (`base`, e.g. /missions) filtered for a track."""
    filters = mission_filter(track, target_country=target_country)
    if filters is None:
        return None
    return f"{base}?{urlencode(filters)}" if filters else base
