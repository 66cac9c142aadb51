"""The SME's pages: one router, the SME role checked once for all of them."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from matchmaker.deps import require_role
from matchmaker.models import Role
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

router = APIRouter(dependencies=[Depends(require_role(Role.sme))])
for pages in (
    profile,
    readiness,
    cases,
    applications,
    preferences,
    placements,
    meetings,
    decisions,
):
    router.include_router(pages.router)
