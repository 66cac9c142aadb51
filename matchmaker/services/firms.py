"""SME firms: registration and the profile a firm keeps (its region, sector, size, exports).

An SME user registers exactly one firm (User.firm_id, Firm.owner_user_id). A KvK number
registered already, e.g. by a scenario import, cannot be claimed by registering it
again, since nothing here proves the claimant owns it. A firm's region and sector are
codes of services/firm_codes; applying checks the firm against the round's own codes
(matchmaker.services.applications), and while it has applications in a round still to
be matched, its codes stay within that round's (services/active_rounds). The readiness
flags come from the latest readiness scan only (services/readiness_scans), never from
the profile (NOT_FROM_THE_FIRM).

The codes, business cases and readiness scans have modules of their own; their names are
importable from here too, as the routers call them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from matchmaker.i18n import LazyText, gettext, mark
from matchmaker.models import Firm, FirmChanges, FirmRegistration, User
from matchmaker.services import audit, read_back
from matchmaker.services.active_rounds import code_outside_active_rounds
from matchmaker.services.business_cases import CASE_FIELDS as CASE_FIELDS
from matchmaker.services.business_cases import case_document as case_document
from matchmaker.services.business_cases import case_of as case_of
from matchmaker.services.business_cases import cases_of as cases_of
from matchmaker.services.business_cases import create_case as create_case
from matchmaker.services.business_cases import update_case as update_case
from matchmaker.services.errors import Conflict, Invalid
from matchmaker.services.field_cleaning import FieldCleaner
from matchmaker.services.firm_codes import country_choices as country_choices
from matchmaker.services.firm_codes import country_name as country_name
from matchmaker.services.firm_codes import focus_country_choices as focus_country_choices
from matchmaker.services.firm_codes import is_country as is_country
from matchmaker.services.firm_codes import region_choices as region_choices
from matchmaker.services.firm_codes import sector_choices as sector_choices
from matchmaker.services.readiness_scans import record_scan as record_scan
from matchmaker.services.readiness_scans import scan_of as scan_of
from matchmaker.services.readiness_scans import scans_of as scans_of

KVK = re.compile(r"[0-9]{8}")  # ASCII digits only (\d takes any script's)
MAX_EMPLOYEES = 1_000_000
MAX_NAME = 200


class NoFirm(Conflict):
    """The SME user has not registered a firm yet."""

    def __init__(self) -> None:
        super().__init__(gettext("register your firm first"))


def check_kvk(value: Any) -> str:
    """The KvK number as stored, or ValueError saying what is wrong with it."""
    if not isinstance(value, str) or not KVK.fullmatch(value.strip()):
        raise ValueError(gettext("the KvK number must be exactly 8 digits, e.g. 01234567"))
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
READINESS_FIELDS = ("readiness_strategy", "readiness_organisation", "readiness_finance")
# Fields of the firm that the firm does not fill in itself, and where they come from: sent
# in a registration or a change, each is refused by name (422).
NOT_FROM_THE_FIRM: dict[str, LazyText] = dict.fromkeys(
    READINESS_FIELDS,
    mark("comes from your latest readiness scan, not from the profile; take the scan to change it"),
) | {
    "missions_last_3_years": mark(
        "comes from the record: the places your firm accepted in matchmaker's rounds and the "
        "missions outside matchmaker your organiser entered"
    ),
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


def _sent(shape: FirmRegistration | FirmChanges) -> list[str]:
    """The fields the shape was given (even as None), in the shape's order."""
    return [name for name in type(shape).model_fields if name in shape.model_fields_set]


def _refuse_derived(shape: FirmRegistration | FirmChanges) -> None:
    """Invalid naming each field of NOT_FROM_THE_FIRM that was sent (even as null or false)."""
    sent = {
        field: str(NOT_FROM_THE_FIRM[field]) for field in _sent(shape) if field in NOT_FROM_THE_FIRM
    }
    if sent:
        raise Invalid(sent)


def _clean_firm(
    session: Session, shape: FirmRegistration | FirmChanges, fields: Iterable[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The shape's `fields`, cleaned, and the problems by field (a field it lacks or holds
    as None counts as not given: required, or for exports_to none)."""
    clean = FieldCleaner()
    result: dict[str, Any] = {}
    for field in fields:
        value = getattr(shape, field, None)
        if field == "kvk":
            try:
                result[field] = check_kvk(value)
            except ValueError as error:
                clean.fail(field, str(error))
        elif field == "name":
            result[field] = clean.text(field, value, maximum=MAX_NAME, label=gettext("firm's name"))
        elif field == "region":
            result[field] = clean.code(
                field, value, region_choices(session=session), label=gettext("region")
            )
        elif field == "sector":
            result[field] = clean.code(
                field, value, sector_choices(session=session), label=gettext("sector")
            )
        elif field == "employees":
            result[field] = clean.integer(
                field,
                value,
                maximum=MAX_EMPLOYEES,
                label=gettext("number of employees"),
            )
        elif field == "exports_to":
            result[field] = clean.countries(field, [] if value is None else value)
    return result, clean.problems


def register_firm(*, session: Session, actor: User, firm_in: FirmRegistration) -> Firm:
    """Register the SME user's firm (its only one) and commit.

    kvk, name, region, sector and employees are required, exports_to defaults to [];
    a field sent as None counts as not given. Raises Invalid naming
    every bad field (and each NOT_FROM_THE_FIRM field sent), Conflict when the user has a
    firm already. The readiness flags start false, until the firm's first readiness scan;
    its missions of the last three years come from the record (services/mission_history).
    """
    if actor.firm_id is not None:
        raise Conflict(gettext("you have registered a firm already; edit its profile instead"))
    _refuse_derived(firm_in)
    clean, problems = _clean_firm(session, firm_in, FIRM_FIELDS)
    if "kvk" not in problems and _kvk_taken(session, clean["kvk"]):
        problems["kvk"] = str(_KVK_TAKEN)
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
        raise Invalid({"kvk": str(_KVK_TAKEN)}) from None
    read_back(session, firm)
    return firm


_KVK_TAKEN = mark(
    "a firm with this KvK number is registered already; contact the organiser if it is yours"
)


def _kvk_taken(session: Session, kvk: str) -> bool:
    return session.exec(select(Firm.id).where(Firm.kvk == kvk)).first() is not None


def update_firm(*, session: Session, actor: User, firm: Firm, changes: FirmChanges) -> Firm:
    """Change the fields set in `changes` of the firm's profile (not its KvK number) and commit.

    Raises Invalid naming every bad field, e.g. a region or sector that a round the
    firm has applied to (and that is still to be matched) does not know.
    """
    _refuse_derived(changes)
    sent = _sent(changes)
    clean, problems = _clean_firm(session, changes, [f for f in EDITABLE_FIRM_FIELDS if f in sent])
    for field in ("region", "sector"):
        if field in clean and field not in problems:
            problem = code_outside_active_rounds(session, firm, field, clean[field])
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
