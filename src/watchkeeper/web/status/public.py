"""`/status/{slug}`: the server-rendered page, and under it the Statuspage v2 JSON.
Logged-in pages answer only to a signed-in viewer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from fastapi import APIRouter
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.access import errors as access_errors
from watchkeeper.response.statuspage import errors as pages_errors
from watchkeeper.response.statuspage import queries, v2
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.statuspage.models import StatusPage
from watchkeeper.response.statuspage.queries import PageView
from watchkeeper.response.statuspage.retrospectives import for_public_incident, public_postmortems
from watchkeeper.response.statuspage.status import LABELS, ComponentStatus, Uptime
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import resolve_principal
from watchkeeper.web.status.caching import conditional
from watchkeeper.web.ui.templating import templates

router = APIRouter(prefix="/status/{slug}", include_in_schema=False)


def page_url(request: Request, page: StatusPage) -> str:
    if request.scope.get("state", {}).get("status_host"):
        return f"{request.url.scheme}://{page.custom_domain}"
    base = context_of(request).settings.resolved_base_url.rstrip("/")
    return f"{base}/status/{page.slug}"


def load(request: Request, slug: str, work: Callable[[Session, StatusPage], Any]) -> Any:
    """Run `work` on the page at `slug` in a read transaction, if the viewer may see it."""
    ctx = context_of(request)
    page = ctx.database.run(lambda s: _detached(s, slug), write=False)
    if page.visibility != "public" and resolve_principal(request) is None:
        raise access_errors.not_logged_in()
    return ctx.database.run(lambda s: work(s, s.merge(page, load=False)), write=False)


def _detached(session: Session, slug: str) -> StatusPage:
    page = pages.find_page(session, slug=slug)
    session.expunge(page)
    return page


def freshness(view: PageView, now: datetime) -> datetime:
    """When what the page shows last changed: the data, and the day's bars (the day
    turns; an ongoing outage grows today's, by the minute)."""
    zone = ZoneInfo(view.page.time_zone)
    today = datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone)
    stamps = [view.last_modified or view.page.updated_at, today.astimezone(UTC)]
    if any(c.component.status != ComponentStatus.OPERATIONAL for c in view.components):
        stamps.append(now.replace(second=0, microsecond=0))
    return max(stamps)


_CSS = {str(status): f"d-{status}" for status in ComponentStatus}


@lru_cache(maxsize=50_000)
def _rect(index: int, css: str, day: date, tip: str) -> str:
    """One day's rect: most days of most components are alike, so most are reused."""
    return (
        f'<rect x="{index * 10}" width="8" height="30" class="{css}">'
        f"<title>{day.isoformat()}: {escape(tip)}</title></rect>"
    )


def bars(name: str, found: Uptime) -> Markup:
    """A component's daily bars as one inline SVG, each day a rect with its tooltip.
    Built as one string: 4,500 rects through template expressions cost most of a page."""
    count = len(found.days)
    parts = [
        f'<svg class="bars" viewBox="0 0 {count * 10} 30" preserveAspectRatio="none" '
        f'role="img" aria-label="{escape(name)}: daily status over {count} days">'
    ]
    for index, day in enumerate(found.days):
        if not day.known:
            parts.append(_rect(index, "d-unknown", day.day, "no data"))
        elif day.down_minutes:
            tip = f"{round(day.down_minutes)} min of outage"
            parts.append(_rect(index, _CSS[day.worst], day.day, tip))
        else:
            parts.append(_rect(index, _CSS[day.worst], day.day, LABELS[day.worst]))
    parts.append("</svg>")
    return Markup("".join(parts))


@router.get("")
def status_page(request: Request, slug: str) -> Response:
    now = context_of(request).clock.now()

    def work(session: Session, page: StatusPage) -> tuple[PageView, dict[int, Any]]:
        found = queries.page_view(session, page, now=now, bars=context_of(request).status_bars)
        items = [*found.open_incidents, *found.recent_incidents]
        return found, public_postmortems(session, (i.incident.incident_id for i in items))

    view, retros = load(request, slug, work)
    zone = ZoneInfo(view.page.time_zone)
    html = templates.get_template("status/page.html").render(
        view=view,
        zone=view.page.time_zone,
        labels=LABELS,
        today=now.astimezone(zone).date(),
        url=page_url(request, view.page),
        now=now,
        bars=bars,
        retros=retros,
    )
    return conditional(
        request,
        html.encode(),
        media_type="text/html; charset=utf-8",
        last_modified=freshness(view, now),
        public=view.page.visibility == "public",
    )


def _json(
    request: Request, slug: str, shape: Callable[[PageView, Session, str], dict[str, Any]]
) -> Response:
    now = context_of(request).clock.now()

    def work(session: Session, page: StatusPage) -> tuple[bytes, datetime, bool]:
        view = queries.page_view(session, page, now=now, with_uptime=False)
        url = page_url(request, page)
        body = {
            "page": v2.page_json(page, url=url, updated_at=view.last_modified),
            **shape(view, session, url),
        }
        return orjson.dumps(body), freshness(view, now), page.visibility == "public"

    body, modified, public = load(request, slug, work)
    return conditional(
        request, body, media_type="application/json", last_modified=modified, public=public
    )


def _names(view: PageView) -> dict[int, Any]:
    return {item.component.id: item.component for item in view.components}


def _incidents(
    kind: str, states: tuple[str, ...] | None, key: str
) -> Callable[[PageView, Session, str], dict[str, Any]]:
    def shape(view: PageView, session: Session, url: str) -> dict[str, Any]:
        items = queries.published_incidents(session, view.page.id, kind=kind, states=states)
        return {key: v2.incidents_json(items, url=url, names=_names(view))}

    return shape


UNRESOLVED = ("investigating", "identified", "monitoring")
ACTIVE = ("in_progress",)


def _summary(view: PageView, session: Session, url: str) -> dict[str, Any]:
    names = _names(view)
    return {
        "components": v2.components_json(view),
        "incidents": v2.incidents_json(view.open_incidents, url=url, names=names),
        "scheduled_maintenances": v2.incidents_json(view.maintenance, url=url, names=names),
        "status": v2.status_json(view),
    }


SHAPES: dict[str, Callable[[PageView, Session, str], dict[str, Any]]] = {
    "summary.json": _summary,
    "status.json": lambda view, _s, _u: {"status": v2.status_json(view)},
    "components.json": lambda view, _s, _u: {"components": v2.components_json(view)},
    "incidents.json": _incidents("incident", None, "incidents"),
    "incidents/unresolved.json": _incidents("incident", UNRESOLVED, "incidents"),
    "scheduled-maintenances.json": _incidents("maintenance", None, "scheduled_maintenances"),
    "scheduled-maintenances/upcoming.json": _incidents(
        "maintenance", ("scheduled",), "scheduled_maintenances"
    ),
    "scheduled-maintenances/active.json": _incidents(
        "maintenance", ACTIVE, "scheduled_maintenances"
    ),
}


def _route(name: str) -> None:
    shape = SHAPES[name]

    def endpoint(request: Request, slug: str) -> Response:
        return _json(request, slug, shape)

    endpoint.__name__ = "v2_" + name.replace("/", "_").replace("-", "_").replace(".", "_")
    router.add_api_route(f"/api/v2/{name}", endpoint, methods=["GET"])


for _name in SHAPES:
    _route(_name)


@router.get("/incidents/{public_id}/postmortem")
def public_postmortem(request: Request, slug: str, public_id: int) -> Response:
    """The public summary of a published public postmortem, nothing else of it."""
    found = load(
        request,
        slug,
        lambda s, page: (page, for_public_incident(s, page_id=page.id, public_id=public_id)),
    )
    page, pair = found
    if pair is None:
        raise pages_errors.incident_not_found(public_id)
    record, postmortem = pair
    html = templates.get_template("status/postmortem.html").render(
        page=page,
        url=page_url(request, page),
        record=record,
        postmortem=postmortem,
        zone=page.time_zone,
    )
    return conditional(
        request,
        html.encode(),
        media_type="text/html; charset=utf-8",
        last_modified=postmortem.published_at or record.updated_at,
        public=page.visibility == "public",
    )
