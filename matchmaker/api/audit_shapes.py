"""API shapes of the audit log: an organiser's rows and a firm's decisions, Dutch and English."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from matchmaker.api.errors import NO_TOKEN, declare
from matchmaker.api.rows import shape_of
from matchmaker.services.audit_log import Change, Entry, Page
from matchmaker.services.audit_words import Words

AUDIT_ERRORS = declare(
    {
        401: NO_TOKEN,
        403: "Only organisers may read the organisation's audit log",
        422: "A bad filter or page; `problems` names every field at fault",
    }
)
DECISION_ERRORS = declare(
    {
        401: NO_TOKEN,
        403: "Only an SME reads the decisions about its firm",
        422: "A bad page; `problems` names the field at fault",
    }
)


class Text(BaseModel):
    """One text in Dutch and English."""

    nl: str
    en: str


def text(words: Words) -> Text:
    return Text(nl=words.nl, en=words.en)


class ChangeOut(BaseModel):
    field: str = Field(description="the recorded key (nested keys joined by dots)")
    label: Text
    before: Text | None = Field(description="null where the row records no value before")
    after: Text | None = Field(description="null where the row records no value after")


def change_out(change: Change) -> ChangeOut:
    return ChangeOut(
        field=change.path,
        label=text(change.label),
        before=text(change.before) if change.before is not None else None,
        after=text(change.after) if change.after is not None else None,
    )


class AuditEntryOut(BaseModel):
    id: int
    at: datetime = Field(description="when, in UTC")
    at_text: Text = Field(description="when, in Amsterdam time")
    actor_user_id: int | None = Field(description="null for the system itself")
    actor: str = Field(description="the acting account's e-mail address, or 'system'")
    action: str
    action_text: Text
    object_type: str
    object_id: str
    object_text: Text
    firm_id: int | None
    firm: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[ChangeOut]


def entry_out(entry: Entry) -> AuditEntryOut:
    return shape_of(
        AuditEntryOut,
        entry.row,
        id=entry.row.id or 0,
        at_text=text(entry.at),
        actor=entry.actor_email or "system",
        action_text=text(entry.action),
        object_text=text(entry.object),
        firm=entry.firm,
        changes=[change_out(change) for change in entry.changes],
    )


class AuditPageOut(BaseModel):
    total: int = Field(description="rows matching the filters, on every page together")
    page: int
    page_size: int = Field(description="rows per page (at most 200)")
    entries: list[AuditEntryOut]


def _counts(page: Page) -> dict[str, int]:
    """Where the page stands among all matching rows, as both pages' shapes say it."""
    return {"total": page.total, "page": page.paging.page, "page_size": page.paging.page_size}


def audit_page_out(page: Page) -> AuditPageOut:
    return AuditPageOut(**_counts(page), entries=[entry_out(entry) for entry in page.entries])


class DecisionOut(BaseModel):
    """A decision about the firm, in plain words."""

    id: int
    at: datetime = Field(description="when, in UTC")
    at_text: Text = Field(description="when, in Amsterdam time")
    what: Text
    about: Text
    by: Text = Field(description="you, the organisation or the system")
    changes: list[ChangeOut]


class DecisionsPageOut(BaseModel):
    total: int
    page: int
    page_size: int
    decisions: list[DecisionOut]


def decisions_page_out(page: Page) -> DecisionsPageOut:
    return DecisionsPageOut(
        **_counts(page),
        decisions=[
            DecisionOut(
                id=entry.row.id or 0,
                at=entry.row.at,
                at_text=text(entry.at),
                what=text(entry.action),
                about=text(entry.object),
                by=text(entry.actor),
                changes=[change_out(change) for change in entry.changes],
            )
            for entry in page.entries
        ],
    )
