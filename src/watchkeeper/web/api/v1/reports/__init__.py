"""`/api/v1/reports/...`: the analytics reports as JSON, and each as CSV (`.csv`)."""

from __future__ import annotations

from fastapi import APIRouter

from watchkeeper.web.api.v1.reports import follow, load, noise, response, sla

router = APIRouter(prefix="/reports", tags=["reports"])
router.include_router(response.router)
router.include_router(sla.router)
router.include_router(noise.router)
router.include_router(load.router)
router.include_router(follow.router)
