"""The organiser's pages: one router, the organiser role checked once for all of them."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from matchmaker.deps import require_role
from matchmaker.models import Role
from matchmaker.web.invitation_lists import invitation_router
from matchmaker.web.organiser import (
    accounts,
    agendas,
    audit,
    history,
    meeting_day,
    meeting_exports,
    meeting_partners,
    meeting_schedule,
    missions,
    placements,
    rounds,
    runs,
    verification,
)

router = APIRouter(dependencies=[Depends(require_role(Role.organiser))])
for pages in (
    accounts,
    rounds,
    missions,
    verification,
    runs,
    placements,
    meeting_day,
    meeting_partners,
    meeting_exports,
    meeting_schedule,
    agendas,
    history,
    audit,
):
    router.include_router(pages.router)
router.include_router(invitation_router(Role.organiser, "/organiser"))
