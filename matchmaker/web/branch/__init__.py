"""The branch organisation's pages: one router, the branch role checked once for all of them."""

from __future__ import annotations

from matchmaker.models import Role
from matchmaker.web.audiences import audience_router
from matchmaker.web.branch import missions
from matchmaker.web.invitation_lists import invitation_router

router = audience_router(
    Role.branch_org, missions.router, invitation_router(Role.branch_org, "/branch")
)
