"""The report pages: response, SLA, noise, on-call load and follow-through, each a plot
with its numbers in a table beside it, filters in the URL, and the same figures as the API's CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.follow import service as follow
from watchkeeper.analytics.load import service as load
from watchkeeper.analytics.noise import service as noise
from watchkeeper.analytics.response import service as response
from watchkeeper.analytics.sla import service as sla
from watchkeeper.catalog.services import service as services
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import DbSession, Now, UiViewer
from watchkeeper.web.ui.routes.report_charts import (
    follow_chart,
    heat_rows,
    load_chart,
    noise_chart,
    response_charts,
    seconds,
    sla_chart,
)
from watchkeeper.web.ui.routes.report_filters import GROUPS, SPANS, Filters, ReportFilters
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/reports")


def _page(
    request: Request, session: DbSession, template: str, filters: Filters, **context: Any
) -> Response:
    base = {
        "filters": filters,
        "spans": SPANS,
        "groups": GROUPS,
        "services": {s.id: s.name for s in services.all_(session)},
        "seconds": seconds,
        "errors": [filters.error] if filters.error else [],
    }
    return render(request, f"reports/{template}.html", base | context)


@router.get("")
def response_page(
    request: Request, _: UiViewer, session: DbSession, filters: ReportFilters
) -> Response:
    by = filters.by or Dimension.SERVICE
    report = response.report(
        session, window=filters.window, by=by, zone=filters.zone, service_id=filters.service_id
    )
    by_group, by_day = response_charts(report)
    return _page(
        request, session, "response", filters, by=by, report=report, charts=(by_group, by_day)
    )


@router.get("/sla")
def sla_page(
    request: Request, _: UiViewer, session: DbSession, now: Now, filters: ReportFilters
) -> Response:
    by = filters.by or Dimension.PRIORITY
    report = sla.report(
        session, window=filters.window, by=by, now=now, service_id=filters.service_id
    )
    return _page(request, session, "sla", filters, by=by, report=report, chart=sla_chart(report))


@router.get("/noise")
def noise_page(
    request: Request,
    _: UiViewer,
    session: DbSession,
    filters: ReportFilters,
    quick_minutes: Annotated[int, Query(ge=1, le=1440)] = 5,
) -> Response:
    report = noise.report(
        session, window=filters.window, quick_minutes=quick_minutes, service_id=filters.service_id
    )
    return _page(request, session, "noise", filters, report=report, chart=noise_chart(report))


@router.get("/load")
def load_page(
    request: Request, _: UiViewer, session: DbSession, filters: ReportFilters
) -> Response:
    report = load.report(session, window=filters.window, service_id=filters.service_id)
    return _page(
        request,
        session,
        "load",
        filters,
        report=report,
        chart=load_chart(report),
        heat=heat_rows(report.heat_map),
    )


@router.get("/follow-through")
def follow_page(
    request: Request, _: UiViewer, session: DbSession, now: Now, filters: ReportFilters
) -> Response:
    settings = context_of(request).settings
    report = follow.report(
        session,
        window=filters.window,
        now=now,
        priorities=settings.required_postmortem_priorities,
        business_days=settings.postmortem_due_business_days,
        service_id=filters.service_id,
    )
    return _page(request, session, "follow", filters, report=report, chart=follow_chart(report))
