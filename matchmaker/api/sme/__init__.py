"""The SME's JSON API: one router, the SME role checked once for every route."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from matchmaker.api.sme import (
    applications,
    cases,
    decisions,
    firm,
    meetings,
    placements,
    readiness,
)
from matchmaker.deps import require_role
from matchmaker.models import Role

router = APIRouter(dependencies=[Depends(require_role(Role.sme))])
for part in (firm, readiness, cases, applications, placements, meetings, decisions):
    router.include_router(part.router)
