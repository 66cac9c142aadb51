"""The readiness scan's questions and scoring rules: answers in, one recommended track out.

Pure functions, no database: the firm service stores the outcome as a ReadinessScan.
The questions follow the policy note's three steps before any support (strategy,
organisation, finance/risk) and its routes (innovation, networks, promotion). The rules,
tried in this order, give the first track that fits:

1. no wish to export (now or at all) -> not_now;
2. strategy, organisation and finance in order and the firm goes alone -> no_support_needed;
3. the product needs adapting or certifying before it can compete abroad ->
   innovation_support;
4. strategy, organisation and finance in order, the product competes abroad and a
   concrete business case exists or can be written -> business_mission;
5. product and market choice ready, but no contacts there or no people to build them ->
   network_support;
6. anything else: the exploration is still open -> promotional_mission.

The three readiness flags the firm keeps: strategy (wants to export and has chosen the
product and country), organisation (can free people and time), finance (costs and risks
worked out and the first steps funded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pycountry

from matchmaker.models.enums import Track
from matchmaker.services.errors import Invalid

# --------------------------------------------------------------------------- questions


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    section: str
    text: str
    options: tuple[Option, ...]
    required: bool = True


SECTIONS = ("strategy", "organisation", "finance", "innovation", "network")
SECTION_TITLES = {
    "strategy": "Strategy: do you want to export, what and where?",
    "organisation": "Organisation: is your firm ready for it?",
    "finance": "Finance and risk: are the costs and risks clear?",
    "innovation": "Innovation: is your product ready for abroad?",
    "network": "Network: who do you know there, and how do you want to go?",
}


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in pairs)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "export_wish",
        "strategy",
        "Does your firm want to start selling abroad, or sell more abroad?",
        _options(
            ("yes", "Yes, within the next two years"),
            ("later", "Maybe later, not now"),
            ("no", "No"),
        ),
    ),
    Question(
        "market_choice",
        "strategy",
        "Do you know what you want to sell abroad, and in which country?",
        _options(
            ("yes", "Yes: the product and the country are chosen"),
            ("exploring", "We have ideas but are still exploring"),
            ("no", "Not yet"),
        ),
    ),
    Question(
        "target_country",
        "strategy",
        "Which country do you aim for first? (optional)",
        (),
        required=False,
    ),
    Question(
        "organisation_capacity",
        "organisation",
        "Can your firm free people and time for foreign customers "
        "(language, delivery, service, paperwork)?",
        _options(("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
    ),
    Question(
        "export_experience",
        "organisation",
        "Does your firm already sell abroad?",
        _options(("regularly", "Yes, regularly"), ("occasionally", "Now and then"), ("no", "No")),
    ),
    Question(
        "costs_and_risks",
        "finance",
        "Have you worked out the costs and risks of going abroad "
        "(travel, adapting the product, payment terms, currency, insurance)?",
        _options(("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
    ),
    Question(
        "funding",
        "finance",
        "Can you fund the first steps (travel, samples, a fair stand) "
        "without putting the firm at risk?",
        _options(("yes", "Yes"), ("no", "No")),
    ),
    Question(
        "product_fit",
        "innovation",
        "Is your product or service competitive abroad as it is "
        "(price, quality, certification, local rules)?",
        _options(
            ("yes", "Yes"),
            ("needs_work", "It needs adapting or certifying first"),
            ("unknown", "We do not know yet"),
        ),
    ),
    Question(
        "contacts",
        "network",
        "Do you have contacts in the target market (customers, agents, distributors, partners)?",
        _options(("several", "Several"), ("few", "A few"), ("none", "None")),
    ),
    Question(
        "business_case",
        "network",
        "Do you have a concrete business case: known demand in one country for your offer?",
        _options(
            ("yes", "Yes"),
            ("can_write", "Not written down, but we can write it"),
            ("no", "No"),
        ),
    ),
    Question(
        "support",
        "network",
        "How do you want to go abroad?",
        _options(
            ("together", "With the region: missions, fairs, advice"),
            ("alone", "We organise it ourselves"),
        ),
    ),
)
QUESTION_BY_KEY = {q.key: q for q in QUESTIONS}


def parse_answers(raw: Mapping[str, Any]) -> dict[str, str]:
    """The answers as stored: every required question answered with one of its options,
    target_country an ISO 3166-1 alpha-2 code or absent. Raises Invalid."""
    problems: dict[str, str] = {}
    answers: dict[str, str] = {}
    for key in sorted(set(raw) - set(QUESTION_BY_KEY)):
        problems[key] = "is not a question of the scan"
    for question in QUESTIONS:
        value = raw.get(question.key)
        if isinstance(value, str):
            value = value.strip()
        if question.key == "target_country":
            if value in (None, ""):
                continue
            code = value.upper() if isinstance(value, str) else value
            if isinstance(code, str) and pycountry.countries.get(alpha_2=code) and len(code) == 2:
                answers[question.key] = code
            else:
                problems[question.key] = (
                    f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. DE, PL)"
                )
            continue
        allowed = [o.value for o in question.options]
        if value in (None, ""):
            problems[question.key] = "choose an answer"
        elif value not in allowed:
            problems[question.key] = f"choose one of {', '.join(allowed)}"
        else:
            answers[question.key] = value
    if problems:
        raise Invalid(problems)
    return answers


# --------------------------------------------------------------------------- outcome


@dataclass(frozen=True, slots=True)
class Readiness:
    strategy: bool
    organisation: bool
    finance: bool

    @property
    def complete(self) -> bool:
        return self.strategy and self.organisation and self.finance


@dataclass(frozen=True, slots=True)
class Outcome:
    track: Track
    reason: str
    readiness: Readiness


def readiness_of(answers: Mapping[str, str]) -> Readiness:
    """The three steps of the policy note, from the answers."""
    return Readiness(
        strategy=answers["export_wish"] == "yes" and answers["market_choice"] == "yes",
        organisation=answers["organisation_capacity"] == "yes",
        finance=answers["costs_and_risks"] == "yes" and answers["funding"] == "yes",
    )


def recommend(answers: Mapping[str, str]) -> Outcome:
    """The one recommended track for parsed answers, with the reason in plain words."""
    ready = readiness_of(answers)
    where = _where(answers)
    if answers["export_wish"] != "yes":
        reason = (
            "You told us you do not want to export at the moment. Going abroad before a firm "
            "wants it and can organise it is the classic mistake, so no mission is recommended "
            "now. Take the scan again when that changes."
        )
        return Outcome(Track.not_now, reason, ready)
    if ready.complete and answers["support"] == "alone":
        reason = (
            "Your export strategy, organisation and finance are in order and you prefer to "
            "organise it yourselves, so you need no support from us. The open missions are "
            "there should you want to join one."
        )
        return Outcome(Track.no_support_needed, reason, ready)
    if answers["product_fit"] == "needs_work":
        reason = (
            "You want to export, but your product or service needs adapting or certifying "
            f"before it can compete {where}. Work on the product first, with innovation "
            "support and the knowledge institutions below; a mission makes sense after that."
        )
        return Outcome(Track.innovation_support, reason, ready)
    has_case = answers["business_case"] in ("yes", "can_write")
    if ready.complete and answers["product_fit"] == "yes" and has_case:
        case = (
            "have a concrete business case"
            if answers["business_case"] == "yes"
            else "can write a concrete business case"
        )
        reason = (
            "Your strategy, organisation and finance are in order, your product competes "
            f"{where} and you {case}. A targeted business mission fits: write your business "
            "case (known offer, known demand) for the mission's country and apply."
        )
        return Outcome(Track.business_mission, reason, ready)
    lacks_contacts = answers["contacts"] == "none"
    lacks_people = answers["organisation_capacity"] != "yes"
    if (
        answers["product_fit"] == "yes"
        and answers["market_choice"] == "yes"
        and (lacks_contacts or lacks_people)
    ):
        lack = (
            "contacts there"
            if lacks_contacts and not lacks_people
            else "the people to build contacts alone"
            if lacks_people and not lacks_contacts
            else "contacts there and the people to build them alone"
        )
        reason = (
            f"Your product is ready and you know where to go, but you lack {lack}. An export "
            "club or network opens doors and lets you join forces with other firms; a "
            "mission can follow."
        )
        return Outcome(Track.network_support, reason, ready)
    reason = (
        "You want to go abroad, but the exploration is still open: "
        f"{_open_points(answers, ready)}. Start with a promotional mission or a fair visit "
        "to explore the market before a business mission."
    )
    return Outcome(Track.promotional_mission, reason, ready)


def _where(answers: Mapping[str, str]) -> str:
    code = answers.get("target_country")
    if not code:
        return "abroad"
    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or getattr(country, "name", code)
    return f"in {name}"


def _open_points(answers: Mapping[str, str], ready: Readiness) -> str:
    points = []
    if answers["market_choice"] != "yes":
        points.append("the product and country are not chosen yet")
    if answers["product_fit"] == "unknown":
        points.append("you do not know yet whether your product competes abroad")
    if answers["business_case"] == "no":
        points.append("there is no concrete business case yet")
    if not ready.organisation:
        points.append("your organisation is not fully ready")
    if not ready.finance:
        points.append("the costs and risks are not fully worked out")
    return "; ".join(points) or "there is no concrete business case yet"


# --------------------------------------------------------------------------- referrals


@dataclass(frozen=True, slots=True)
class Referral:
    key: str
    name: str
    offer: str


_EXPORT_CLUBS = {
    "DR": Referral(
        "export_club_drenthe",
        "Exportclub Drenthe",
        "Firms from Drenthe that export share contacts, experience and joint trips.",
    ),
    "GR": Referral(
        "export_club_groningen",
        "Exportclub Groningen",
        "Firms from Groningen that export share contacts, experience and joint trips.",
    ),
    "FR": Referral(
        "export_club_friesland",
        "Exportclub Friesland",
        "Firms from Fryslân that export share contacts, experience and joint trips.",
    ),
}
_SPINN = Referral(
    "spinn",
    "SPINN",
    "The northern network that ties internationalisation to innovation and "
    "entrepreneurship, and points you to the right programme or network.",
)
_SECTOR_NETWORKS = {
    "healthy_ageing": Referral(
        "hannn",
        "HANNN (Healthy Ageing Network Northern Netherlands)",
        "The top-sector network for healthy ageing, with its international contacts.",
    ),
    "energy": Referral(
        "energy_valley",
        "Energy Valley",
        "The northern energy cluster: innovation partners and international contacts.",
    ),
    "water": Referral(
        "water_alliance",
        "Water Alliance",
        "The water-technology cluster at the Watercampus Leeuwarden, with Wetsus.",
    ),
}
_HANZE = Referral(
    "hanze_entrepreneurship",
    "Hanze University of Applied Sciences, centre for entrepreneurship",
    "Market-entry strategy advice for individual firms and intercultural courses.",
)
_NHL_STENDEN = Referral(
    "nhl_stenden",
    "NHL and Stenden universities of applied sciences",
    "Research groups (SME competitiveness, water technology, sustainable energy) and "
    "international students who help a firm explore and adapt for new markets.",
)
_CONFUCIUS = Referral(
    "confucius_institute",
    "Confucius Institute Groningen",
    "Knowledge about doing business with China.",
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


TRACK_TITLES = {
    Track.business_mission: "A business mission",
    Track.promotional_mission: "A promotional mission or fair visit",
    Track.innovation_support: "Innovation support first",
    Track.network_support: "Network support: an export club or network",
    Track.no_support_needed: "No support needed",
    Track.not_now: "Not now",
}
