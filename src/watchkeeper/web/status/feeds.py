"""Atom and RSS feeds of a status page's public incidents and maintenance, for the whole
page and per component (`/status/{slug}/feed.atom`, `/components/{id}/feed.rss`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from feedgen.feed import FeedGenerator
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.core.ids import Id
from watchkeeper.response.statuspage import queries
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.statuspage.models import StatusPage
from watchkeeper.response.statuspage.queries import IncidentView
from watchkeeper.web.context import context_of
from watchkeeper.web.status.caching import conditional
from watchkeeper.web.status.public import load, page_url

router = APIRouter(prefix="/status/{slug}", include_in_schema=False)
Format = Literal["atom", "rss"]
ENTRIES = 50
MEDIA = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def build(
    page: StatusPage,
    items: list[IncidentView],
    *,
    url: str,
    fmt: Format,
    now: datetime,
    component: str | None = None,
) -> bytes:
    feed = FeedGenerator()
    title = f"{page.title} status" + (f": {component}" if component else "")
    feed.id(url if component is None else f"{url}#{component}")
    feed.title(title)
    feed.link(href=url, rel="alternate")
    feed.description(f"Incidents and maintenance on {page.title}")
    feed.language("en")
    stamps = [item.incident.updated_at for item in items]
    feed.updated(max(stamps, default=page.updated_at))
    # feedgen writes entries in reverse order of adding them: add oldest first.
    for item in reversed(items):
        record = item.incident
        entry = feed.add_entry()
        entry.id(f"{url}#incident-{record.id}")
        entry.guid(f"{url}#incident-{record.id}", permalink=True)
        entry.title(record.name)
        entry.link(href=f"{url}#incident-{record.id}")
        entry.published(record.published_at or record.created_at)
        entry.updated(record.updated_at)
        lines = [
            f"{update.state.replace('_', ' ').capitalize()}: {update.body}"
            for update in item.updates
        ]
        if record.kind == "maintenance" and record.scheduled_for and record.scheduled_until:
            lines.insert(
                0,
                f"Scheduled from {record.scheduled_for.isoformat()} "
                f"to {record.scheduled_until.isoformat()}",
            )
        entry.description("\n\n".join(lines) or record.name)
    written = feed.atom_str(pretty=True) if fmt == "atom" else feed.rss_str(pretty=True)
    assert isinstance(written, bytes)
    return written


def _recent(session: Session, page: StatusPage) -> list[IncidentView]:
    incidents = queries.published_incidents(session, page.id, kind="incident", limit=ENTRIES)
    upkeep = queries.published_incidents(session, page.id, kind="maintenance", limit=ENTRIES)
    both = sorted(incidents + upkeep, key=lambda item: (item.incident.updated_at, item.incident.id))
    return list(reversed(both))[:ENTRIES]


def _answer(
    request: Request, body: bytes, fmt: Format, modified: datetime, public: bool
) -> Response:
    return conditional(
        request,
        body,
        media_type=MEDIA[fmt] + "; charset=utf-8",
        last_modified=modified,
        public=public,
        max_age=60,
    )


@router.get("/feed.{fmt}")
def page_feed(request: Request, slug: str, fmt: Format) -> Response:
    now = context_of(request).clock.now()

    def work(session: Session, page: StatusPage) -> tuple[bytes, datetime, bool]:
        items = _recent(session, page)
        body = build(page, items, url=page_url(request, page), fmt=fmt, now=now)
        modified = max([page.updated_at, *(i.incident.updated_at for i in items)])
        return body, modified, page.visibility == "public"

    body, modified, public = load(request, slug, work)
    return _answer(request, body, fmt, modified, public)


@router.get("/components/{component_id}/feed.{fmt}")
def component_feed(request: Request, slug: str, component_id: Id, fmt: Format) -> Response:
    now = context_of(request).clock.now()

    def work(session: Session, page: StatusPage) -> tuple[bytes, datetime, bool]:
        component = pages.get_component(session, page_id=page.id, component_id=component_id)
        items = [i for i in _recent(session, page) if str(component.id) in i.incident.affected]
        url = page_url(request, page)
        body = build(page, items, url=url, fmt=fmt, now=now, component=component.name)
        modified = max([component.created_at, *(i.incident.updated_at for i in items)])
        return body, modified, page.visibility == "public"

    body, modified, public = load(request, slug, work)
    return _answer(request, body, fmt, modified, public)
