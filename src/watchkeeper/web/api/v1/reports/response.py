"""`/api/v1/reports/response`: MTTA, MTTR, MTBF and counts per group (docs/analytics.md)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.response import service, tables
from watchkeeper.analytics.response.schemas import ResponseReport
from watchkeeper.web.api.v1.reports.params import CSV, By, ReportWindow, csv_response
from watchkeeper.web.deps import ApiViewer, DbSession

router = APIRouter()


def _report(session: DbSession, window: ReportWindow, by: Dimension) -> ResponseReport:
    return service.report(
        session, window=window.range, by=by, zone=window.zone, service_id=window.service_id
    )


@router.get("/response", summary="MTTA, MTTR, MTBF and incident counts per group")
def response_report(
    _: ApiViewer, session: DbSession, window: ReportWindow, by: By = Dimension.SERVICE
) -> ResponseReport:
    return _report(session, window, by)


@router.get("/response.csv", summary="The response report as CSV", **CSV)
def response_csv(
    _: ApiViewer, session: DbSession, window: ReportWindow, by: By = Dimension.SERVICE
) -> Response:
    return csv_response(tables.table(_report(session, window, by)), "response")
