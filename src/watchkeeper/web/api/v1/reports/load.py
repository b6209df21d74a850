"""`/api/v1/reports/load`: pages per person and team, nights, weekends, fairness."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from watchkeeper.analytics.load import service, tables
from watchkeeper.analytics.load.schemas import LoadReport
from watchkeeper.web.api.v1.reports.params import CSV, ReportWindow, csv_response
from watchkeeper.web.deps import ApiViewer, DbSession

router = APIRouter()


def _report(session: DbSession, window: ReportWindow) -> LoadReport:
    return service.report(session, window=window.range, service_id=window.service_id)


@router.get("/load", summary="On-call load: pages per person and team, nights, fairness")
def load_report(_: ApiViewer, session: DbSession, window: ReportWindow) -> LoadReport:
    return _report(session, window)


@router.get("/load.csv", summary="On-call load per person as CSV", **CSV)
def load_csv(_: ApiViewer, session: DbSession, window: ReportWindow) -> Response:
    return csv_response(tables.table(_report(session, window)), "load")


@router.get("/load/rotations.csv", summary="Each rotation's turns as CSV", **CSV)
def load_rotations_csv(_: ApiViewer, session: DbSession, window: ReportWindow) -> Response:
    return csv_response(tables.rotations(_report(session, window)), "rotations")
