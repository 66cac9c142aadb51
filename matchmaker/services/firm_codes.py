"""The codes a firm may choose (regions, sectors, ISO countries) and the row ids a request may name.

Region and sector codes. A firm's region and sector must be codes the rounds know, or
its applications could not be matched. The codes offered are the policy note's
defaults (regions FR, GR, DR; the five northern top sectors and the driving sectors
the note names), followed by any other code that a round defines in its Region or
Sector rows. Default codes keep their English names here; a code only a round knows
carries that round's name.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry
from sqlmodel import Session, col, select

from matchmaker.models import Region, Sector

# Row ids are 32-bit integers; a larger number from a URL or a form names no row (and
# PostgreSQL would refuse to compare it).
MAX_ROW_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str


DEFAULT_REGIONS = (
    Code("FR", "Fryslân"),
    Code("GR", "Groningen"),
    Code("DR", "Drenthe"),
)
DEFAULT_SECTORS = (
    Code("agrifood", "Agribusiness and food"),
    Code("healthy_ageing", "Healthy ageing"),
    Code("energy", "Energy"),
    Code("sensors", "Sensor technology"),
    Code("water", "Water technology"),
    Code("metal", "Metal and manufacturing"),
    Code("wholesale", "Wholesale"),
    Code("logistics", "Transport and logistics"),
    Code("business_services", "Business services"),
    Code("ict", "ICT"),
    Code("construction", "Construction"),
    Code("chemistry", "Chemistry and plastics"),
)


def region_choices(*, session: Session) -> list[Code]:
    """The regions a firm may choose: the defaults, then codes only rounds define."""
    rows = session.exec(select(Region.code, Region.name).order_by(col(Region.id))).all()
    return _merged(DEFAULT_REGIONS, rows)


def sector_choices(*, session: Session) -> list[Code]:
    """The sectors a firm (or a business case) may choose: the defaults, then round-only codes."""
    rows = session.exec(select(Sector.code, Sector.name).order_by(col(Sector.id))).all()
    return _merged(DEFAULT_SECTORS, rows)


def _merged(defaults: Iterable[Code], rows: Iterable[tuple[str, str]]) -> list[Code]:
    codes = {c.code: c for c in defaults}
    extra: dict[str, Code] = {}
    for code, name in rows:
        if code not in codes:
            extra[code] = Code(code, name)  # the latest round's name wins
    return [*codes.values(), *extra.values()]


@functools.cache
def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 alpha-2 code (the code itself if unknown)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def country_choices() -> list[Code]:
    """Every ISO 3166-1 country, by name."""
    return sorted(
        (Code(c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries),
        key=lambda c: c.name,
    )


# The policy note's focus countries: Northern Germany, Scandinavia, the Baltic states,
# Poland, Russia; also Brazil, India, China, Turkey, the United Kingdom and Belgium.
FOCUS_COUNTRIES = (
    "DE", "DK", "SE", "NO", "EE", "LV", "LT", "PL", "RU", "BR", "IN", "CN", "TR", "GB", "BE",
)  # fmt: skip


def focus_country_choices() -> list[Code]:
    """The policy note's focus countries, by name (offered first in country lists)."""
    return sorted((Code(c, country_name(c)) for c in FOCUS_COUNTRIES), key=lambda c: c.name)


def is_row_id(value: object) -> bool:
    """Whether a value from a request can be the id of a row."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def is_country(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None
