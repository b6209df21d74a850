"""`/api/v1/reports/sla`: acknowledge and resolve targets met, breaches and warnings."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.sla import service, tables
from watchkeeper.analytics.sla.schemas import SlaReport
from watchkeeper.web.api.v1.reports.params import CSV, By, ReportWindow, csv_response
from watchkeeper.web.deps import ApiViewer, DbSession, Now

router = APIRouter()


def _report(session: DbSession, window: ReportWindow, by: Dimension, now: Now) -> SlaReport:
    return service.report(
        session, window=window.range, by=by, now=now, service_id=window.service_id
    )


@router.get("/sla", summary="SLA compliance per group, breaches with how late")
def sla_report(
    _: ApiViewer, session: DbSession, window: ReportWindow, now: Now, by: By = Dimension.PRIORITY
) -> SlaReport:
    return _report(session, window, by, now)


@router.get("/sla.csv", summary="SLA compliance per group as CSV", **CSV)
def sla_csv(
    _: ApiViewer, session: DbSession, window: ReportWindow, now: Now, by: By = Dimension.PRIORITY
) -> Response:
    return csv_response(tables.table(_report(session, window, by, now)), "sla")


@router.get("/sla/breaches.csv", summary="SLA breaches with how late, as CSV", **CSV)
def sla_breaches_csv(_: ApiViewer, session: DbSession, window: ReportWindow, now: Now) -> Response:
    report = _report(session, window, Dimension.ALL, now)
    return csv_response(tables.breaches(report), "sla-breaches")
