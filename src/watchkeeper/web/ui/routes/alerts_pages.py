"""The alerts pages: open, suppressed and resolved alerts, and one alert with its raw payload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.services import service as services
from watchkeeper.core.errors import NotFound
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import PageRequest, Sort
from watchkeeper.pipeline.correlate import queries
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.web.deps import DbSession, UiViewer
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/alerts")


@router.get("")
def list_alerts(
    request: Request,
    _: UiViewer,
    session: DbSession,
    state: Annotated[str, Query(pattern="^(open|suppressed|resolved)$")] = "open",
    service_id: Id | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: str | None = None,
) -> Response:
    page = PageRequest(limit=50, cursor=cursor, sort=Sort("last_seen_at", descending=True))
    rows, next_cursor = queries.list_(
        session, page=page, state=state, service_id=service_id, q=q or None
    )
    context = {
        "alerts": rows,
        "next_cursor": next_cursor,
        "counts": queries.counts(session),
        "state": state,
        "service_id": service_id,
        "q": q or "",
        "services": {s.id: s.name for s in services.all_(session)},
    }
    return render(request, "alerts/list.html", context)


@router.get("/{alert_id}")
def show_alert(request: Request, _: UiViewer, session: DbSession, alert_id: Id) -> Response:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    context = {
        "alert": alert,
        "raw": queries.last_raw(session, alert),
        "service": services.get(session, service_id=alert.service_id),
    }
    return render(request, "alerts/show.html", context)
