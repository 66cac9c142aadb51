"""The organiser's JSON API: one router, the organiser role checked once for every route."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from matchmaker.api.invitations import invitation_routes
from matchmaker.api.organiser import (
    accounts,
    audit,
    history,
    meetings,
    missions,
    placements,
    rounds,
    runs,
    verification,
)
from matchmaker.deps import require_role
from matchmaker.models import Role

router = APIRouter(dependencies=[Depends(require_role(Role.organiser))])
for part in (accounts, rounds, missions, verification, runs, placements, meetings, history, audit):
    router.include_router(part.router)
router.include_router(invitation_routes(Role.organiser, "organiser"))
