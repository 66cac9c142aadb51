"""The branch organisation's pages: one router, the branch role checked once for all of them."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from matchmaker.deps import require_role
from matchmaker.models import Role
from matchmaker.web.branch import missions
from matchmaker.web.invitation_lists import invitation_router

router = APIRouter(dependencies=[Depends(require_role(Role.branch_org))])
router.include_router(missions.router)
router.include_router(invitation_router(Role.branch_org, "/branch"))
