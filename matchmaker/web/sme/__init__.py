"""The SME's pages: one router, the SME role checked once for all of them."""

from __future__ import annotations

from matchmaker.models import Role
from matchmaker.web.audiences import audience_router
from matchmaker.web.sme import (
    applications,
    cases,
    decisions,
    meetings,
    placements,
    preferences,
    profile,
    readiness,
)

router = audience_router(
    Role.sme,
    profile.router,
    readiness.router,
    cases.router,
    applications.router,
    preferences.router,
    placements.router,
    meetings.router,
    decisions.router,
)
