"""The branch organisation's JSON API: one router, the branch organisation role checked once
for every route."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from matchmaker.api.branch import missions
from matchmaker.api.invitations import invitation_routes
from matchmaker.deps import require_role
from matchmaker.models import Role

router = APIRouter(dependencies=[Depends(require_role(Role.branch_org))])
router.include_router(missions.router)
router.include_router(invitation_routes(Role.branch_org, "branch"))
