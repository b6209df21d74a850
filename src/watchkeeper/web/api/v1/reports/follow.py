"""`/api/v1/reports/follow-through`: postmortems owed and published, action items."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.analytics.follow import service, tables
from watchkeeper.analytics.follow.schemas import FollowReport
from watchkeeper.web.api.v1.reports.params import CSV, ReportWindow, csv_response
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiViewer, DbSession, Now

router = APIRouter()


def follow_report(
    request: Request, session: DbSession, window: ReportWindow, now: Now
) -> FollowReport:
    settings = context_of(request).settings
    return service.report(
        session,
        window=window.range,
        now=now,
        priorities=settings.required_postmortem_priorities,
        business_days=settings.postmortem_due_business_days,
        service_id=window.service_id,
    )


@router.get("/follow-through", summary="Postmortems owed and published, action items and age")
def follow_through(
    _: ApiViewer, request: Request, session: DbSession, window: ReportWindow, now: Now
) -> FollowReport:
    return follow_report(request, session, window, now)


@router.get("/follow-through.csv", summary="Action items per team as CSV", **CSV)
def follow_through_csv(
    _: ApiViewer, request: Request, session: DbSession, window: ReportWindow, now: Now
) -> Response:
    return csv_response(tables.table(follow_report(request, session, window, now)), "follow")


@router.get("/follow-through/owed.csv", summary="Postmortems overdue as CSV", **CSV)
def owed_csv(
    _: ApiViewer, request: Request, session: DbSession, window: ReportWindow, now: Now
) -> Response:
    return csv_response(tables.owed(follow_report(request, session, window, now)), "owed")
