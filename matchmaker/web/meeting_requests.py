"""The fields of a meeting request form, checked alike on the organiser's and the firm's
pages, and read into the service's input (RequestInput)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form

from matchmaker.services.meeting_requests import RequestInput

RowId = Annotated[int, Form(ge=0, le=2**31 - 1)]
Priority = Annotated[int, Form(ge=-1000, le=1000)]
SessionPart = Annotated[str, Form(alias="session", max_length=20)]


def _asked(
    partner_id: RowId, priority: Priority = 1, session_part: SessionPart = "any"
) -> RequestInput:
    """The meeting asked for: the partner, how much it matters and when."""
    return RequestInput(partner_id, priority, session_part)


# The posted meeting request (partner_id, priority, session) as the service takes it.
AskedMeeting = Annotated[RequestInput, Depends(_asked)]
