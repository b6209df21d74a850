"""API v1: every route the UI uses, token-authenticated (docs/api.md has the conventions)."""

from __future__ import annotations

from fastapi import APIRouter

from watchkeeper.web.api.v1 import me, teams, tokens, users
from watchkeeper.web.api.v1.problem_schema import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)
router.include_router(me.router)
router.include_router(users.router)
router.include_router(teams.router)
router.include_router(tokens.router)
