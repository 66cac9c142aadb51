"""SME firms: registration and profile, the codes offered, business cases, readiness scans.

Region and sector codes. A firm's region and sector must be codes the rounds know, or
its applications could not be matched. The codes offered are the policy note's
defaults (regions FR, GR, DR; the five northern top sectors and the driving sectors
the note names), followed by any other code that a round defines in its Region or
Sector rows. Default codes keep their English names here; a code only a round knows
carries that round's name. Applying checks the firm against the round's own codes
(matchmaker.services.applications), and while a firm has applications in a round that
is open or closed (still to be matched), its region, sector and business cases stay
within that round's codes, so the round always exports as a valid scenario.

An SME user registers exactly one firm (User.firm_id, Firm.owner_user_id). A KvK number
registered already, e.g. by a scenario import, cannot be claimed by registering it
again, since nothing here proves the claimant owns it. Business cases start unverified
and become unverified again on every change, until an organiser verifies them. A
readiness scan is scored by the pure rules of matchmaker.services.readiness and stored
here, setting the firm's three readiness flags in the same transaction: the flags come
from the latest scan only, never from the profile (NOT_FROM_THE_FIRM).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pycountry
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matchmaker.models import (
    Application,
    ApplicationStatus,
    BusinessCase,
    Evidence,
    Firm,
    ReadinessScan,
    Region,
    Round,
    RoundStatus,
    Sector,
    User,
)
from matchmaker.services import audit, read_back, readiness
from matchmaker.services.errors import Conflict, Invalid, NotFound

KVK = re.compile(r"[0-9]{8}")  # ASCII digits only (\d takes any script's)
MAX_EMPLOYEES = 1_000_000
MAX_SUMMARY = 5000
MAX_NAME = 200
# Row ids are 32-bit integers; a larger number from a URL or a form names no row (and
# PostgreSQL would refuse to compare it).
MAX_ROW_ID = 2**31 - 1


class NoFirm(Conflict):
    """The SME user has not registered a firm yet."""

    def __init__(self) -> None:
        super().__init__("register your firm first")


# --------------------------------------------------------------------------- codes


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


# --------------------------------------------------------------------------- field checks


class _Cleaner:
    """Collects one problem per field while turning raw values (form strings or JSON) into
    typed ones."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.problems.setdefault(field, message)

    def text(self, field: str, value: Any, *, maximum: int, label: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"enter the {label}")
            return None
        value = value.strip()
        if len(value) > maximum:
            self.fail(field, f"the {label} has at most {maximum} characters")
            return None
        return value

    def integer(self, field: str, value: Any, *, maximum: int, label: str) -> int | None:
        if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, f"enter the {label} as a whole number")
            return None
        if not 0 <= value <= maximum:
            self.fail(field, f"the {label} must be between 0 and {maximum}")
            return None
        return value

    def code(self, field: str, value: Any, choices: list[Code], *, label: str) -> str | None:
        known = [c.code for c in choices]
        if isinstance(value, str) and value.strip() in known:
            return value.strip()
        self.fail(field, f"choose a {label}: one of {', '.join(known)}")
        return None

    def country(self, field: str, value: Any) -> str | None:
        code = value.strip().upper() if isinstance(value, str) else value
        if isinstance(code, str) and is_country(code):
            return code
        self.fail(
            field, f"the country {value!r} is not an ISO 3166-1 alpha-2 code (e.g. DE, BE, PL)"
        )
        return None

    def countries(self, field: str, value: Any) -> list[str] | None:
        if isinstance(value, str):
            value = [part for part in re.split(r"[\s,;]+", value) if part]
        if not isinstance(value, list | tuple):
            self.fail(field, "give a list of ISO 3166-1 alpha-2 country codes")
            return None
        codes: list[str] = []
        for item in value:
            code = item.strip().upper() if isinstance(item, str) else item
            if not (isinstance(code, str) and is_country(code)):
                self.fail(field, f"the country {item!r} is not an ISO 3166-1 alpha-2 code")
                return None
            if code not in codes:
                codes.append(code)
        return codes


def check_kvk(value: Any) -> str:
    """The KvK number as stored, or ValueError saying what is wrong with it."""
    if not isinstance(value, str) or not KVK.fullmatch(value.strip()):
        raise ValueError("the KvK number must be exactly 8 digits, e.g. 01234567")
    return value.strip()


# --------------------------------------------------------------------------- firm

FIRM_FIELDS = (
    "kvk",
    "name",
    "region",
    "sector",
    "employees",
    "exports_to",
)
# What a registered firm may change (the KvK number is its identity).
EDITABLE_FIRM_FIELDS = FIRM_FIELDS[1:]
_FIRM_DEFAULTS: dict[str, Any] = {"exports_to": []}
READINESS_FIELDS = ("readiness_strategy", "readiness_organisation", "readiness_finance")
# Fields of the firm that the firm does not fill in itself, and where they come from: sent
# in a registration or a change, each is refused by name (422).
NOT_FROM_THE_FIRM: dict[str, str] = dict.fromkeys(
    READINESS_FIELDS,
    "comes from your latest readiness scan, not from the profile; take the scan to change it",
) | {
    "missions_last_3_years": "comes from the record: the places your firm accepted in "
    "matchmaker's rounds and the missions outside matchmaker your organiser entered",
}


def firm_of(*, session: Session, user: User) -> Firm | None:
    """The firm this SME user registered, if any."""
    if user.firm_id is None:
        return None
    return session.get(Firm, user.firm_id)


def require_firm(*, session: Session, user: User) -> Firm:
    """The user's firm, or NoFirm."""
    firm = firm_of(session=session, user=user)
    if firm is None:
        raise NoFirm()
    return firm


def firm_document(firm: Firm) -> dict[str, Any]:
    """The firm's registered data (for the audit trail)."""
    return {field: getattr(firm, field) for field in (*FIRM_FIELDS, *NOT_FROM_THE_FIRM)}


def _refuse_derived(values: Mapping[str, Any]) -> None:
    """Invalid naming each field of NOT_FROM_THE_FIRM that was sent (even as null or false)."""
    sent = {field: NOT_FROM_THE_FIRM[field] for field in values if field in NOT_FROM_THE_FIRM}
    if sent:
        raise Invalid(sent)


def _clean_firm(
    session: Session, values: Mapping[str, Any], fields: Iterable[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    clean = _Cleaner()
    result: dict[str, Any] = {}
    for field in fields:
        value = values.get(field)
        if field == "kvk":
            try:
                result[field] = check_kvk(value)
            except ValueError as error:
                clean.fail(field, str(error))
        elif field == "name":
            result[field] = clean.text(field, value, maximum=MAX_NAME, label="firm's name")
        elif field == "region":
            result[field] = clean.code(
                field, value, region_choices(session=session), label="region"
            )
        elif field == "sector":
            result[field] = clean.code(
                field, value, sector_choices(session=session), label="sector"
            )
        elif field == "employees":
            result[field] = clean.integer(
                field, value, maximum=MAX_EMPLOYEES, label="number of employees"
            )
        elif field == "exports_to":
            result[field] = clean.countries(field, [] if value is None else value)
    return result, clean.problems


def register_firm(*, session: Session, actor: User, values: Mapping[str, Any]) -> Firm:
    """Register the SME user's firm (its only one) and commit.

    `values` holds the FIRM_FIELDS as form strings or typed values; kvk, name, region,
    sector and employees are required, exports_to defaults to []. Raises Invalid naming
    every bad field (and each NOT_FROM_THE_FIRM field sent), Conflict when the user has a
    firm already. The readiness flags start false, until the firm's first readiness scan;
    its missions of the last three years come from the record (services/mission_history).
    """
    if actor.firm_id is not None:
        raise Conflict("you have registered a firm already; edit its profile instead")
    _refuse_derived(values)
    merged = {**_FIRM_DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
    clean, problems = _clean_firm(session, merged, FIRM_FIELDS)
    if "kvk" not in problems and _kvk_taken(session, clean["kvk"]):
        problems["kvk"] = _KVK_TAKEN
    if problems:
        raise Invalid(problems)
    firm = Firm(**clean, owner_user_id=actor.id)
    try:
        session.add(firm)
        session.flush()
        user = session.get(User, actor.id)
        assert user is not None
        user.firm_id = firm.id
        session.add(user)
        audit.record(
            session=session,
            actor=actor,
            action="firm.register",
            object_type="firm",
            object_id=firm.id or 0,
            after=firm_document(firm),
        )
        session.commit()
    except IntegrityError:
        # Another request registered this KvK number between the check and the insert.
        session.rollback()
        raise Invalid({"kvk": _KVK_TAKEN}) from None
    read_back(session, firm)
    return firm


_KVK_TAKEN = (
    "a firm with this KvK number is registered already; contact the organiser if it is yours"
)


def _kvk_taken(session: Session, kvk: str) -> bool:
    return session.exec(select(Firm.id).where(Firm.kvk == kvk)).first() is not None


def update_firm(*, session: Session, actor: User, firm: Firm, values: Mapping[str, Any]) -> Firm:
    """Change the given fields of the firm's profile (not its KvK number) and commit.

    Raises Invalid naming every bad field, e.g. a region or sector that a round the
    firm has applied to (and that is still to be matched) does not know.
    """
    _refuse_derived(values)
    unknown = sorted(set(values) - set(EDITABLE_FIRM_FIELDS))
    if unknown:
        raise Invalid({field: "cannot be changed here" for field in unknown})
    clean, problems = _clean_firm(session, values, [f for f in EDITABLE_FIRM_FIELDS if f in values])
    for field in ("region", "sector"):
        if field in clean and field not in problems:
            problem = _code_outside_active_rounds(session, firm, field, clean[field])
            if problem:
                problems[field] = problem
    if problems:
        raise Invalid(problems)
    before = firm_document(firm)
    changed = {k: v for k, v in clean.items() if getattr(firm, k) != v}
    if not changed:
        return firm
    for field, value in changed.items():
        setattr(firm, field, value)
    session.add(firm)
    audit.record(
        session=session,
        actor=actor,
        action="firm.update",
        object_type="firm",
        object_id=firm.id or 0,
        before={k: before[k] for k in changed},
        after={k: getattr(firm, k) for k in changed},
    )
    session.commit()
    read_back(session, firm)
    return firm


def active_rounds(*, session: Session, firm_id: int) -> list[Round]:
    """The open or closed rounds (still to be matched) the firm has applications in."""
    applied = select(Application.round_id).where(
        Application.firm_id == firm_id, Application.status == ApplicationStatus.submitted
    )
    query = (
        select(Round)
        .where(
            col(Round.id).in_(applied),
            col(Round.status).in_([RoundStatus.open, RoundStatus.closed]),
        )
        .order_by(col(Round.id))
    )
    return list(session.exec(query).all())


def round_codes(*, session: Session, round_id: str) -> tuple[set[str], set[str]]:
    """The region codes and the sector codes of a round."""
    regions = set(session.exec(select(Region.code).where(Region.round_id == round_id)).all())
    sectors = set(session.exec(select(Sector.code).where(Sector.round_id == round_id)).all())
    return regions, sectors


def _code_outside_active_rounds(session: Session, firm: Firm, field: str, code: str) -> str | None:
    if firm.id is None:
        return None
    for round_row in active_rounds(session=session, firm_id=firm.id):
        regions, sectors = round_codes(session=session, round_id=round_row.id)
        known = regions if field == "region" else sectors
        if code not in known:
            return (
                f"you have applied in round {round_row.name!r}, which has no {field} "
                f"{code!r} ({', '.join(sorted(known))}); withdraw those applications first"
            )
    return None


# --------------------------------------------------------------------------- business cases

CASE_FIELDS = ("country", "sector", "summary", "evidence")


def case_document(case: BusinessCase) -> dict[str, Any]:
    return {
        "external_id": case.external_id,
        "country": case.country,
        "sector": case.sector,
        "summary": case.summary,
        "evidence": str(case.evidence),
        "verified": case.verified,
    }


def cases_of(*, session: Session, firm: Firm) -> list[BusinessCase]:
    """The firm's business cases, oldest first."""
    return list(
        session.exec(
            select(BusinessCase)
            .where(BusinessCase.firm_id == firm.id)
            .order_by(col(BusinessCase.id))
        ).all()
    )


def case_of(*, session: Session, firm: Firm, case_id: int) -> BusinessCase:
    """One of the firm's own business cases; NotFound for any other (another firm's too)."""
    case = session.get(BusinessCase, case_id) if is_row_id(case_id) else None
    if case is None or case.firm_id != firm.id:
        raise NotFound("business case", case_id)
    return case


def _clean_case(
    session: Session, firm: Firm, values: Mapping[str, Any], fields: Iterable[str]
) -> dict[str, Any]:
    clean = _Cleaner()
    result: dict[str, Any] = {}
    for field in fields:
        value = values.get(field)
        if field == "country":
            result[field] = clean.country(field, value)
        elif field == "sector":
            result[field] = clean.code(
                field, value, sector_choices(session=session), label="sector"
            )
            if "sector" not in clean.problems:
                problem = _code_outside_active_rounds(session, firm, "sector", result[field])
                if problem:
                    clean.fail(field, problem)
        elif field == "summary":
            result[field] = clean.text(field, value, maximum=MAX_SUMMARY, label="summary")
        elif field == "evidence":
            if value in {e.value for e in Evidence}:
                result[field] = Evidence(value)
            else:
                clean.fail(field, f"choose the evidence: one of {', '.join(e for e in Evidence)}")
    if clean.problems:
        raise Invalid(clean.problems)
    return result


def create_case(
    *, session: Session, actor: User, firm: Firm, values: Mapping[str, Any]
) -> BusinessCase:
    """Write a new business case (unverified until an organiser verifies it) and commit."""
    merged = {"evidence": Evidence.none.value, **{k: v for k, v in values.items() if v is not None}}
    clean = _clean_case(session, firm, merged, CASE_FIELDS)
    taken = set(
        session.exec(select(BusinessCase.external_id).where(BusinessCase.firm_id == firm.id)).all()
    )
    number = len(taken) + 1
    while f"BC{number}" in taken:
        number += 1
    case = BusinessCase(firm_id=firm.id, external_id=f"BC{number}", verified=False, **clean)
    session.add(case)
    session.flush()
    return audit.commit_change(
        session=session,
        actor=actor,
        row=case,
        action="business_case.create",
        object_type="business_case",
        after=case_document(case),
    )


def update_case(
    *, session: Session, actor: User, firm: Firm, case_id: int, values: Mapping[str, Any]
) -> BusinessCase:
    """Change the given fields of one of the firm's cases and commit; a changed case is
    unverified again."""
    case = case_of(session=session, firm=firm, case_id=case_id)
    unknown = sorted(set(values) - set(CASE_FIELDS))
    if unknown:
        raise Invalid({field: "cannot be changed here" for field in unknown})
    clean = _clean_case(session, firm, values, [f for f in CASE_FIELDS if f in values])
    changed = {k: v for k, v in clean.items() if getattr(case, k) != v}
    if not changed:
        return case
    before = case_document(case)
    for field, value in changed.items():
        setattr(case, field, value)
    case.verified = False
    case.verified_by = None
    case.verified_at = None
    case.review_note = None  # back in the queue: an earlier rejection's note no longer applies
    session.add(case)
    audit.record(
        session=session,
        actor=actor,
        action="business_case.update",
        object_type="business_case",
        object_id=case.id or 0,
        before=before,
        after=case_document(case),
    )
    session.commit()
    read_back(session, case)
    return case


# --------------------------------------------------------------------------- readiness scans


def record_scan(
    *, session: Session, actor: User, firm: Firm, raw_answers: Mapping[str, Any]
) -> ReadinessScan:
    """Score the readiness questionnaire, store it with its track and reason, set the firm's
    readiness flags from it, and commit. Raises Invalid naming each bad answer."""
    answers = readiness.parse_answers(raw_answers)
    outcome = readiness.recommend(answers)
    flags_before = _readiness_flags(firm)
    firm.readiness_strategy = outcome.readiness.strategy
    firm.readiness_organisation = outcome.readiness.organisation
    firm.readiness_finance = outcome.readiness.finance
    scan = ReadinessScan(
        firm_id=firm.id or 0, answers=answers, track=outcome.track, reason=outcome.reason
    )
    session.add(firm)
    session.add(scan)
    session.flush()
    # One audit row for the scan, with the firm's flags it changed.
    audit.record(
        session=session,
        actor=actor,
        action="readiness_scan.create",
        object_type="readiness_scan",
        object_id=scan.id or 0,
        before={"firm_id": firm.id, "readiness": flags_before},
        after={
            "firm_id": firm.id,
            "readiness": _readiness_flags(firm),
            "track": str(outcome.track),
        },
    )
    session.commit()
    read_back(session, scan)
    return scan


def _readiness_flags(firm: Firm) -> dict[str, bool]:
    return {
        "strategy": firm.readiness_strategy,
        "organisation": firm.readiness_organisation,
        "finance": firm.readiness_finance,
    }


def scans_of(*, session: Session, firm: Firm) -> list[ReadinessScan]:
    """The firm's readiness scans, newest first."""
    return list(
        session.exec(
            select(ReadinessScan)
            .where(ReadinessScan.firm_id == firm.id)
            .order_by(col(ReadinessScan.id).desc())
        ).all()
    )


def scan_of(*, session: Session, firm: Firm, scan_id: int) -> ReadinessScan:
    """One of the firm's own scans; NotFound for any other."""
    scan = session.get(ReadinessScan, scan_id) if is_row_id(scan_id) else None
    if scan is None or scan.firm_id != firm.id:
        raise NotFound("readiness scan", scan_id)
    return scan
