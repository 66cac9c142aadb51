"""A meeting day's foreign partners: added by hand or from a CSV or Excel file (all rows or
none, every bad row named), exported as CSV with formula-like cells neutralised."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pycountry
from sqlmodel import Session, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    MeetingDay,
    MeetingRequest,
    Partner,
    User,
)
from matchmaker.services import end_reads, read_back, tables
from matchmaker.services.errors import Invalid
from matchmaker.services.meetings import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    editable_day,
    visible_day,
    visible_partner,
)
from matchmaker.services.row_audit import record_change
from matchmaker.services.transactions import committing

# --------------------------------------------------------------------------- partners


@dataclass(slots=True)
class PartnerInput:
    name: str
    organisation: str
    country: str
    sector: str
    email: str | None = None
    forbidden_slots: str | Sequence[int] = ""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _slot_list(value: str | Sequence[int], slots: int) -> tuple[list[int], str | None]:
    """Slot numbers from "1, 4 7" (or a list); an error message when one is not a slot."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[\s,;]+", value.strip()) if p]
    else:
        parts = [str(p) for p in value]
    numbers: set[int] = set()
    for part in parts:
        if not re.fullmatch(r"[0-9]{1,3}", part):
            return [], gettext("%(part)s is not a slot number", part=repr(part))
        number = int(part)
        if not 1 <= number <= slots:
            return [], gettext(
                "slot %(number)s does not exist (the day has slots 1 to %(slots)s)",
                number=number,
                slots=slots,
            )
        numbers.add(number)
    return sorted(numbers), None


def check_partner(values: PartnerInput, day: MeetingDay) -> tuple[dict[str, Any], dict[str, str]]:
    """The partner's cleaned fields, and a problem per field at fault."""
    problems: dict[str, str] = {}
    name = (values.name or "").strip()
    organisation = (values.organisation or "").strip()
    country = (values.country or "").strip().upper()
    sector = (values.sector or "").strip()
    email = (values.email or "").strip().lower() or None
    if not name:
        problems["name"] = gettext("a name is required")
    elif len(name) > 200:
        problems["name"] = gettext("at most %(most)s characters", most=200)
    if not organisation:
        problems["organisation"] = gettext("an organisation is required")
    elif len(organisation) > 200:
        problems["organisation"] = gettext("at most %(most)s characters", most=200)
    if not re.fullmatch(r"[A-Z]{2}", country) or pycountry.countries.get(alpha_2=country) is None:
        problems["country"] = gettext(
            "%(code)s is not an ISO 3166-1 alpha-2 country code", code=repr(values.country)
        )
    if not sector:
        problems["sector"] = gettext("a sector is required")
    elif len(sector) > 64:
        problems["sector"] = gettext("at most %(most)s characters", most=64)
    if email is not None and (len(email) > 320 or not _EMAIL.match(email)):
        problems["email"] = gettext("%(email)s is not an email address", email=repr(values.email))
    forbidden, error = _slot_list(values.forbidden_slots, day.slots)
    if error:
        problems["forbidden_slots"] = error
    cleaned = {
        "name": name,
        "organisation": organisation,
        "country": country,
        "sector": sector,
        "email": email,
        "forbidden_slots": forbidden,
    }
    return cleaned, problems


def _partner_exists(session: Session, day: MeetingDay, name: str, organisation: str) -> bool:
    return (
        session.exec(
            select(Partner.id).where(
                Partner.meeting_day_id == day.id,
                Partner.name == name,
                Partner.organisation == organisation,
            )
        ).first()
        is not None
    )


def add_partner(*, session: Session, mission_id: int, actor: User, values: PartnerInput) -> Partner:
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    with committing(session):
        day = editable_day(session, day)
        cleaned, problems = check_partner(values, day)
        if not problems and _partner_exists(session, day, cleaned["name"], cleaned["organisation"]):
            problems["name"] = gettext(
                "%(name)s of %(organisation)s is already a partner",
                name=cleaned["name"],
                organisation=cleaned["organisation"],
            )
        if problems:
            raise Invalid(problems)
        partner = Partner(meeting_day_id=day.id or 0, **cleaned)
        session.add(partner)
        session.flush()
        record_change(
            session=session,
            actor=actor,
            action="meeting_partner.create",
            row=partner,
            after={"day": day.id, **cleaned},
        )
    read_back(session, partner)
    return partner


def remove_partner(*, session: Session, mission_id: int, partner_id: int, actor: User) -> Partner:
    """Remove a partner and the meetings requested with it (before publication)."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    partner = visible_partner(session=session, day=day, partner_id=partner_id)
    with committing(session):
        editable_day(session, day)
        requests = session.exec(
            select(MeetingRequest).where(MeetingRequest.partner_id == partner.id)
        ).all()
        for request in requests:
            session.delete(request)  # its scheduled meetings go with it (ON DELETE CASCADE)
        session.flush()
        session.delete(partner)
        record_change(
            session=session,
            actor=actor,
            action="meeting_partner.delete",
            row=partner,
            before={"name": partner.name, "organisation": partner.organisation},
            after={"deleted": True, "requests_removed": [r.id for r in requests]},
        )
    return partner


PARTNER_COLUMNS = ("name", "organisation", "country", "sector", "email", "forbidden_slots")
_REQUIRED_COLUMNS = ("name", "organisation", "country", "sector")


def read_partner_rows(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, values by column) from a CSV or Excel (.xlsx) file with a header row,
    read within the caps of services.tables (rows counted while they are read).

    Raises Invalid naming the file's problem (format, header, size) or every bad cell
    by row and column (a control character, a cell too long)."""
    table = tables.read_table(
        content, filename, max_rows=MAX_IMPORT_ROWS, max_bytes=MAX_IMPORT_BYTES
    )
    header = [h.lower().replace(" ", "_") for h in table.header]
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        raise Invalid(
            {
                "file": gettext(
                    "the first row must name the columns; missing: %(missing)s"
                    " (columns: %(columns)s)",
                    missing=", ".join(missing),
                    columns=", ".join(PARTNER_COLUMNS),
                )
            }
        )
    unknown = [h for h in header if h and h not in PARTNER_COLUMNS]
    if unknown:
        raise Invalid(
            {"file": gettext("unknown column(s): %(columns)s", columns=", ".join(unknown))}
        )
    result = []
    for number, row in table.rows:
        values = {header[i]: v for i, v in enumerate(row) if i < len(header) and header[i]}
        if not any(values.values()):
            continue  # values only in columns without a name
        result.append((number, values))
    if not result:
        raise Invalid({"file": gettext("the file has a header but no partners")})
    return result


def import_partners(
    *, session: Session, mission_id: int, actor: User, filename: str, content: bytes
) -> list[Partner]:
    """Add every partner of a CSV or Excel file, or none: each bad row is listed by its row
    number and field ("row 4, country: ...")."""
    day = visible_day(session=session, mission_id=mission_id, user=actor)
    end_reads(session)  # the file is read outside any transaction: no write lock held
    rows = read_partner_rows(filename, content)
    with committing(session):
        day = editable_day(session, day)
        problems: dict[str, str] = {}
        seen: dict[tuple[str, str], int] = {}
        partners = []
        for number, values in rows:
            cleaned, row_problems = check_partner(
                PartnerInput(
                    name=values.get("name", ""),
                    organisation=values.get("organisation", ""),
                    country=values.get("country", ""),
                    sector=values.get("sector", ""),
                    email=values.get("email") or None,
                    forbidden_slots=values.get("forbidden_slots", ""),
                ),
                day,
            )
            key = (cleaned["name"], cleaned["organisation"])
            if not row_problems:
                if key in seen:
                    row_problems["name"] = gettext("the same partner as row %(row)s", row=seen[key])
                elif _partner_exists(session, day, *key):
                    row_problems["name"] = gettext(
                        "%(name)s of %(organisation)s is already a partner",
                        name=key[0],
                        organisation=key[1],
                    )
            seen.setdefault(key, number)
            for field, message in row_problems.items():
                problems[f"row {number}, {field}"] = message
            partners.append(Partner(meeting_day_id=day.id or 0, **cleaned))
        if problems:
            raise Invalid(problems)
        session.add_all(partners)
        session.flush()
        record_change(
            session=session,
            actor=actor,
            action="meeting_partner.import",
            row=day,
            after={"file": filename[:200], "partners": [p.id for p in partners]},
        )
    for partner in partners:
        read_back(session, partner)
    return partners


def partners_csv(partners: Sequence[Partner], language: str = "en") -> str:
    """The partners as CSV in the import's columns (formula-like cells neutralised): headed by
    the import's column names in either language, so the file imports again; Dutch is
    `;`-separated."""
    from matchmaker.services import spreadsheet_csv
    from matchmaker.services.exports import safe_cell

    table: list[list[Any]] = [list(PARTNER_COLUMNS)]
    for p in partners:
        table.append(
            [
                safe_cell(p.name),
                safe_cell(p.organisation),
                p.country,
                safe_cell(p.sector),
                safe_cell(p.email or ""),
                " ".join(str(s) for s in p.forbidden_slots),
            ]
        )
    return spreadsheet_csv.csv_text(table, language)
