"""The organiser's pages: one router, the organiser role checked once for all of them."""

from __future__ import annotations

from matchmaker.models import Role
from matchmaker.web.audiences import audience_router
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

router = audience_router(
    Role.organiser,
    accounts.router,
    rounds.router,
    missions.router,
    verification.router,
    runs.router,
    placements.router,
    meeting_day.router,
    meeting_partners.router,
    meeting_exports.router,
    meeting_schedule.router,
    agendas.router,
    history.router,
    audit.router,
    invitation_router(Role.organiser, "/organiser"),
)
