"""What the SME's page modules share: the notices after a change, the posted form as text
fields, and the SME's own firm (registering it first, or a 404 naming the object)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import mark
from matchmaker.models import Firm, User
from matchmaker.services import firms as firm_service
from matchmaker.web.pages import SeeOther, notices, see_other

REGISTER_URL = "/sme/firm"

NOTICES = {
    "registered": mark("Your firm is registered. Take the readiness scan next."),
    "saved": mark("Your firm profile is saved."),
    "case_saved": mark("Business case saved. It waits for the organiser to verify it."),
    "applied": mark("Application sent."),
    "already_applied": mark("You had sent this application already; nothing changed."),
    "withdrawn": mark("Application withdrawn."),
    "preferences_saved": mark("Your preferences for this round are saved."),
}

# The 404 of an object the SME's firm does not own, by the object's name (see own_firm).
NO_SUCH = {
    "application": mark("no such application"),
    "business case": mark("no such business case"),
    "readiness scan": mark("no such readiness scan"),
}


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form as a plain dict (the last value of each text field)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


Notice = Annotated[str | None, notices(NOTICES)]


def firm_of(session: Session, user: User) -> Firm | None:
    return firm_service.firm_of(session=session, user=user)


def register_first() -> RedirectResponse:
    """Where an SME's page sends it while it has no firm: the form to register one."""
    return see_other(REGISTER_URL)


def registered_firm(session: SessionDep, user: CurrentUser) -> Firm:
    """The SME's own firm; while it has none, its pages send it to register one first."""
    firm = firm_of(session, user)
    if firm is None:
        raise SeeOther(REGISTER_URL)
    return firm


# Resolved before the route's own fields are read: routes whose fields can be refused
# (a 422 for a bad form) check with firm_of instead, so that refusal comes first.
SmeFirm = Annotated[Firm, Depends(registered_firm)]


def own_firm(session: Session, user: User, what: str) -> Firm:
    """The SME's own firm, or a 404 naming `what` (without a firm it owns no such object)."""
    firm = firm_of(session, user)
    if firm is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(NO_SUCH.get(what, f"no such {what}")))
    return firm
