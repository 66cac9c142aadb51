"""The codes a firm may choose (regions, sectors, ISO countries) and the row ids a request may name.

Region and sector codes. A firm's region and sector must be codes the rounds know, or
its applications could not be matched. The codes offered are the policy note's
defaults (regions FR, GR, DR; the five northern top sectors and the driving sectors
the note names), followed by any other code that a round defines in its Region or
Sector rows. Default codes keep their English names here; a code only a round knows
carries that round's name. The default sectors have a name in each language; countries
are named in the current language (pycountry's translations).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pycountry
from sqlmodel import Session, col, select

from matchmaker import i18n
from matchmaker.i18n import LazyText, mark
from matchmaker.models import Region, Sector

# Row ids are 32-bit integers; a larger number from a URL or a form names no row (and
# PostgreSQL would refuse to compare it).
MAX_ROW_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str | LazyText  # a default sector's name: translated when the choices are made


DEFAULT_REGIONS = (
    Code("FR", "Fryslân"),
    Code("GR", "Groningen"),
    Code("DR", "Drenthe"),
)
DEFAULT_SECTORS = (
    Code("agrifood", mark("Agribusiness and food")),
    Code("healthy_ageing", mark("Healthy ageing")),
    Code("energy", mark("Energy")),
    Code("sensors", mark("Sensor technology")),
    Code("water", mark("Water technology")),
    Code("metal", mark("Metal and manufacturing")),
    Code("wholesale", mark("Wholesale")),
    Code("logistics", mark("Transport and logistics")),
    Code("business_services", mark("Business services")),
    Code("ict", mark("ICT")),
    Code("construction", mark("Construction")),
    Code("chemistry", mark("Chemistry and plastics")),
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
    codes = {c.code: Code(c.code, str(c.name)) for c in defaults}  # named in this language
    extra: dict[str, Code] = {}
    for code, name in rows:
        if code not in codes:
            extra[code] = Code(code, name)  # the latest round's name wins
    return [*codes.values(), *extra.values()]


def country_name(code: str) -> str:
    """The short name of an ISO 3166-1 alpha-2 code in the current language (the code
    itself if unknown)."""
    return i18n.country_name(code)


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
