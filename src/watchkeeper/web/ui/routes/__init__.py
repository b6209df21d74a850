"""All UI routes, behind one CSRF check for every state-changing request."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from watchkeeper.web.deps import verify_csrf
from watchkeeper.web.ui.routes import account, admin_teams, admin_users, auth, home

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
for module in (auth, home, account, admin_users, admin_teams):
    router.include_router(module.router)
