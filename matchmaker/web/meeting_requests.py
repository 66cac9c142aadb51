"""The fields of a meeting request form, checked alike on the organiser's and the firm's
pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form

RowId = Annotated[int, Form(ge=0, le=2**31 - 1)]
Priority = Annotated[int, Form(ge=-1000, le=1000)]
SessionPart = Annotated[str, Form(alias="session", max_length=20)]
