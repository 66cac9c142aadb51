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

import pycountry

from matchmaker import i18n
from matchmaker.i18n import LazyText, Texts, gettext, mark
from matchmaker.models.enums import Track
from matchmaker.services.errors import Invalid

# --------------------------------------------------------------------------- questions


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    message: LazyText

    @property
    def label(self) -> str:
        """The answer's words in the current language."""
        return str(self.message)


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    section: str
    message: LazyText
    options: tuple[Option, ...]
    required: bool = True

    @property
    def text(self) -> str:
        """The question in the current language."""
        return str(self.message)


SECTIONS = ("strategy", "organisation", "finance", "innovation", "network")
SECTION_TITLES = Texts(
    {
        "strategy": mark("Strategy: do you want to export, what and where?"),
        "organisation": mark("Organisation: is your firm ready for it?"),
        "finance": mark("Finance and risk: are the costs and risks clear?"),
        "innovation": mark("Innovation: is your product ready for abroad?"),
        "network": mark("Network: who do you know there, and how do you want to go?"),
    }
)


def _options(*pairs: tuple[str, LazyText]) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in pairs)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "export_wish",
        "strategy",
        mark("Does your firm want to start selling abroad, or sell more abroad?"),
        _options(
            ("yes", mark("Yes, within the next two years")),
            ("later", mark("Maybe later, not now")),
            ("no", mark("No")),
        ),
    ),
    Question(
        "market_choice",
        "strategy",
        mark("Do you know what you want to sell abroad, and in which country?"),
        _options(
            ("yes", mark("Yes: the product and the country are chosen")),
            ("exploring", mark("We have ideas but are still exploring")),
            ("no", mark("Not yet")),
        ),
    ),
    Question(
        "target_country",
        "strategy",
        mark("Which country do you aim for first? (optional)"),
        (),
        required=False,
    ),
    Question(
        "organisation_capacity",
        "organisation",
        mark(
            "Can your firm free people and time for foreign customers "
            "(language, delivery, service, paperwork)?"
        ),
        _options(("yes", mark("Yes")), ("partly", mark("Partly")), ("no", mark("No"))),
    ),
    Question(
        "export_experience",
        "organisation",
        mark("Does your firm already sell abroad?"),
        _options(
            ("regularly", mark("Yes, regularly")),
            ("occasionally", mark("Now and then")),
            ("no", mark("No")),
        ),
    ),
    Question(
        "costs_and_risks",
        "finance",
        mark(
            "Have you worked out the costs and risks of going abroad "
            "(travel, adapting the product, payment terms, currency, insurance)?"
        ),
        _options(("yes", mark("Yes")), ("partly", mark("Partly")), ("no", mark("No"))),
    ),
    Question(
        "funding",
        "finance",
        mark(
            "Can you fund the first steps (travel, samples, a fair stand) "
            "without putting the firm at risk?"
        ),
        _options(("yes", mark("Yes")), ("no", mark("No"))),
    ),
    Question(
        "product_fit",
        "innovation",
        mark(
            "Is your product or service competitive abroad as it is "
            "(price, quality, certification, local rules)?"
        ),
        _options(
            ("yes", mark("Yes")),
            ("needs_work", mark("It needs adapting or certifying first")),
            ("unknown", mark("We do not know yet")),
        ),
    ),
    Question(
        "contacts",
        "network",
        mark(
            "Do you have contacts in the target market (customers, agents, distributors, partners)?"
        ),
        _options(("several", mark("Several")), ("few", mark("A few")), ("none", mark("None"))),
    ),
    Question(
        "business_case",
        "network",
        mark("Do you have a concrete business case: known demand in one country for your offer?"),
        _options(
            ("yes", mark("Yes")),
            ("can_write", mark("Not written down, but we can write it")),
            ("no", mark("No")),
        ),
    ),
    Question(
        "support",
        "network",
        mark("How do you want to go abroad?"),
        _options(
            ("together", mark("With the region: missions, fairs, advice")),
            ("alone", mark("We organise it ourselves")),
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
        problems[key] = gettext("is not a question of the scan")
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
                problems[question.key] = gettext(
                    "%(value)s is not an ISO 3166-1 alpha-2 country code (e.g. DE, PL)",
                    value=repr(value),
                )
            continue
        allowed = [o.value for o in question.options]
        if value in (None, ""):
            problems[question.key] = gettext("choose an answer")
        elif value not in allowed:
            problems[question.key] = gettext("choose one of %(values)s", values=", ".join(allowed))
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
    """The one recommended track for parsed answers, with the reason in plain words (in the
    current language; the stored reason is the English, see advice())."""
    ready = readiness_of(answers)
    where = _where(answers)
    if answers["export_wish"] != "yes":
        reason = gettext(
            "You told us you do not want to export at the moment. Going abroad before a firm "
            "wants it and can organise it is the classic mistake, so no mission is recommended "
            "now. Take the scan again when that changes."
        )
        return Outcome(Track.not_now, reason, ready)
    if ready.complete and answers["support"] == "alone":
        reason = gettext(
            "Your export strategy, organisation and finance are in order and you prefer to "
            "organise it yourselves, so you need no support from us. The open missions are "
            "there should you want to join one."
        )
        return Outcome(Track.no_support_needed, reason, ready)
    if answers["product_fit"] == "needs_work":
        reason = gettext(
            "You want to export, but your product or service needs adapting or certifying "
            "before it can compete %(where)s. Work on the product first, with innovation "
            "support and the knowledge institutions below; a mission makes sense after that.",
            where=where,
        )
        return Outcome(Track.innovation_support, reason, ready)
    has_case = answers["business_case"] in ("yes", "can_write")
    if ready.complete and answers["product_fit"] == "yes" and has_case:
        if answers["business_case"] == "yes":
            reason = gettext(
                "Your strategy, organisation and finance are in order, your product competes "
                "%(where)s and you have a concrete business case. A targeted business mission "
                "fits: write your business case (known offer, known demand) for the mission's "
                "country and apply.",
                where=where,
            )
        else:
            reason = gettext(
                "Your strategy, organisation and finance are in order, your product competes "
                "%(where)s and you can write a concrete business case. A targeted business "
                "mission fits: write your business case (known offer, known demand) for the "
                "mission's country and apply.",
                where=where,
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
            gettext("contacts there")
            if lacks_contacts and not lacks_people
            else gettext("the people to build contacts alone")
            if lacks_people and not lacks_contacts
            else gettext("contacts there and the people to build them alone")
        )
        reason = gettext(
            "Your product is ready and you know where to go, but you lack %(lack)s. An export "
            "club or network opens doors and lets you join forces with other firms; a "
            "mission can follow.",
            lack=lack,
        )
        return Outcome(Track.network_support, reason, ready)
    reason = gettext(
        "You want to go abroad, but the exploration is still open: %(points)s. Start with a "
        "promotional mission or a fair visit to explore the market before a business mission.",
        points=_open_points(answers, ready),
    )
    return Outcome(Track.promotional_mission, reason, ready)


def advice(answers: Mapping[str, str], stored_reason: str) -> str:
    """A stored scan's reason in the current language. The scan stores its reason in
    English; it is worded anew from the answers when today's rules give the same English
    (an older scan whose rules changed since keeps its stored words)."""
    with i18n.language(i18n.SOURCE_LANGUAGE):
        english = recommend(answers).reason
    if english != stored_reason:
        return stored_reason
    return recommend(answers).reason


def _where(answers: Mapping[str, str]) -> str:
    code = answers.get("target_country")
    if not code:
        return gettext("abroad")
    return gettext("in %(country)s", country=i18n.country_name(code))


def _open_points(answers: Mapping[str, str], ready: Readiness) -> str:
    points = []
    if answers["market_choice"] != "yes":
        points.append(gettext("the product and country are not chosen yet"))
    if answers["product_fit"] == "unknown":
        points.append(gettext("you do not know yet whether your product competes abroad"))
    if answers["business_case"] == "no":
        points.append(gettext("there is no concrete business case yet"))
    if not ready.organisation:
        points.append(gettext("your organisation is not fully ready"))
    if not ready.finance:
        points.append(gettext("the costs and risks are not fully worked out"))
    return "; ".join(points) or gettext("there is no concrete business case yet")


TRACK_TITLES = Texts(
    {
        Track.business_mission: mark("A business mission"),
        Track.promotional_mission: mark("A promotional mission or fair visit"),
        Track.innovation_support: mark("Innovation support first"),
        Track.network_support: mark("Network support: an export club or network"),
        Track.no_support_needed: mark("No support needed"),
        Track.not_now: mark("Not now"),
    }
)
