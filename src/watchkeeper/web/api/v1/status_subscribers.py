"""`/api/v1/status-pages/{page_id}/subscribers`: admins list, add, remove and export
a page's subscribers (visitors subscribe on the page itself)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from watchkeeper.core.ids import After, Id
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.subscriptions import service as subscriptions
from watchkeeper.response.subscriptions.render import Links
from watchkeeper.response.subscriptions.schemas import SubscribedOut, SubscribeIn, SubscriberOut
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, ApiAdmin, DbSession, Now

router = APIRouter(tags=["status pages"])
SUBSCRIBERS = "/status-pages/{page_id}/subscribers"


@router.get(SUBSCRIBERS, summary="List a status page's subscribers")
def list_subscribers(
    _: ApiAdmin,
    session: DbSession,
    page_id: Id,
    kind: Literal["email", "webhook"] | None = None,
    confirmed: bool | None = None,
    after_id: Annotated[After, Query()] = 0,
    limit: Annotated[int, Query(ge=1, le=subscriptions.LIST_LIMIT)] = 100,
) -> list[SubscriberOut]:
    pages.get_page(session, page_id=page_id)
    return subscriptions.list_(
        session, page_id=page_id, kind=kind, confirmed=confirmed, after_id=after_id, limit=limit
    )


@router.get(
    SUBSCRIBERS + ".csv",
    summary="Export a status page's subscribers as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_subscribers(_: ApiAdmin, session: DbSession, page_id: Id) -> Response:
    page = pages.get_page(session, page_id=page_id)
    return Response(
        subscriptions.export_csv(session, page_id=page_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="subscribers-{page.slug}.csv"'},
    )


@router.post(
    SUBSCRIBERS,
    status_code=201,
    summary="Subscribe an address to a status page",
    dependencies=[NO_STORE],
)
def add_subscriber(
    _: ApiAdmin, request: Request, session: DbSession, now: Now, page_id: Id, body: SubscribeIn
) -> SubscribedOut:
    """As the public form does: an email address still has to confirm."""
    page = pages.get_page(session, page_id=page_id)
    links = Links(context_of(request).settings.resolved_base_url)
    return subscriptions.subscribe(session, page=page, data=body, links=links, now=now)


@router.delete(SUBSCRIBERS + "/{subscriber_id}", status_code=204, summary="Remove a subscriber")
def remove_subscriber(_: ApiAdmin, session: DbSession, page_id: Id, subscriber_id: Id) -> None:
    subscriptions.remove(session, page_id=page_id, subscriber_id=subscriber_id)
