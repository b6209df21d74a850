"""`/api/v1/reports/noise`: the noisiest alerts, each with its one-click fixes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from watchkeeper.analytics.noise import service, tables
from watchkeeper.analytics.noise.schemas import NoiseReport
from watchkeeper.web.api.v1.reports.params import CSV, ReportWindow, csv_response
from watchkeeper.web.deps import ApiViewer, DbSession

router = APIRouter()

Quick = Annotated[
    int, Query(ge=1, le=1440, description="Resolved by itself within this many minutes")
]
Top = Annotated[int, Query(ge=1, le=100, description="How many alerts per list")]


def _report(session: DbSession, window: ReportWindow, quick: int, top: int) -> NoiseReport:
    return service.report(
        session, window=window.range, quick_minutes=quick, service_id=window.service_id, limit=top
    )


@router.get("/noise", summary="The noisiest alerts, by fingerprint and by alert name")
def noise_report(
    _: ApiViewer, session: DbSession, window: ReportWindow, quick_minutes: Quick = 5, top: Top = 20
) -> NoiseReport:
    return _report(session, window, quick_minutes, top)


@router.get("/noise.csv", summary="The noisiest alerts as CSV", **CSV)
def noise_csv(
    _: ApiViewer, session: DbSession, window: ReportWindow, quick_minutes: Quick = 5, top: Top = 20
) -> Response:
    return csv_response(tables.table(_report(session, window, quick_minutes, top)), "noise")
