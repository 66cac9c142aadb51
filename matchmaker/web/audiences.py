"""One router per audience (organiser, SME, branch organisation): its pages' routers under
the audience's role, checked once for all of them."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from matchmaker.deps import require_role
from matchmaker.models import Role


def audience_router(role: Role, *pages: APIRouter) -> APIRouter:
    """One router holding `pages`, every route of them open to `role` only."""
    router = APIRouter(dependencies=[Depends(require_role(role))])
    for page in pages:
        router.include_router(page)
    return router
