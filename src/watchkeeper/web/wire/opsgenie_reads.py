"""`GET /v2/alerts...`: the Opsgenie Alert API v2 reads, in Opsgenie's shapes.

Get, list, count (with Opsgenie's query syntax), an alert's notes, and a request's
status. A key sees the alerts of its integration's service and its own requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from watchkeeper.core.errors import TooManyRequests
from watchkeeper.pipeline.ingest.integrations import Target
from watchkeeper.pipeline.ingest.opsgenie import queries, schemas
from watchkeeper.pipeline.ingest.opsgenie.errors import (
    AlertNotFound,
    OpsgenieError,
    RequestNotFound,
    Unprocessable,
)
from watchkeeper.pipeline.ingest.opsgenie.service import new_id
from watchkeeper.web.context import context_of
from watchkeeper.web.wire.opsgenie import genie_target, refusal, reply

router = APIRouter(tags=["integrations"])
T = TypeVar("T")
LIST_PARAMS = frozenset(
    {"query", "offset", "limit", "sort", "order", "searchIdentifier", "searchIdentifierType"}
)


async def _read(
    request: Request, allowed: frozenset[str], work: Callable[[Session, Target], T]
) -> tuple[T | None, JSONResponse | None, str, float]:
    """Run `work` in a read-only transaction; a refusal comes back as a response."""
    started = time.perf_counter()
    request_id = new_id()
    try:
        target = genie_target(request)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise Unprocessable(
                "Unknown query parameter", dict.fromkeys(unknown, "is not a parameter here")
            )
        database = context_of(request).database
        result = await run_in_threadpool(
            database.run, lambda session: work(session, target), write=False
        )
    except TooManyRequests as exc:
        response = reply(429, request_id, started, message=exc.detail)
        response.headers["Retry-After"] = str(exc.extra.get("retry_after", 1))
        return None, response, request_id, started
    except OpsgenieError as exc:
        return None, refusal(exc, request_id, started), request_id, started
    return result, None, request_id, started


@router.get("/v2/alerts/count", summary="Opsgenie Alert API: count alerts")
async def count_alerts(request: Request) -> JSONResponse:
    """How many of the service's alerts match `query`."""
    now = context_of(request).clock.now()
    query = request.query_params.get("query", "")
    params = frozenset({"query", "searchIdentifier", "searchIdentifierType"})
    found, refused, request_id, started = await _read(
        request, params, lambda s, t: queries.count(s, t.service_id, _plain(request, query), now)
    )
    return refused or reply(200, request_id, started, data={"count": found})


@router.get("/v2/alerts/requests/{request_id}", summary="Opsgenie Alert API: request status")
async def request_status(request: Request, request_id: str) -> JSONResponse:
    """The outcome of an accepted create or action, by the `requestId` it answered."""

    def work(session: Session, target: Target) -> dict[str, Any]:
        found = queries.request_status(session, target.integration_id, request_id)
        if found is None:
            raise RequestNotFound()
        return schemas.request_status(found)

    data, refused, own_id, started = await _read(request, frozenset(), work)
    return refused or reply(200, own_id, started, data=data)


@router.get("/v2/alerts", summary="Opsgenie Alert API: list alerts")
async def list_alerts(request: Request) -> JSONResponse:
    """A page of the service's alerts that match `query`, newest first by default."""
    now = context_of(request).clock.now()
    params = request.query_params
    query = params.get("query", "")

    def work(session: Session, target: Target) -> list[dict[str, Any]]:
        page = _page(request)
        alerts = queries.list_(session, target.service_id, _plain(request, query), page, now)
        return [schemas.base_alert(alert, target.name, now) for alert in alerts]

    data, refused, request_id, started = await _read(request, LIST_PARAMS, work)
    if refused is not None:
        return refused
    assert data is not None
    page = _page(request)
    paging = {"first": _page_url(request, page, 0)}
    if len(data) == page.limit:
        paging["next"] = _page_url(request, page, page.offset + page.limit)
    if page.offset > 0:
        paging["prev"] = _page_url(request, page, max(0, page.offset - page.limit))
    return reply(200, request_id, started, data=data, paging=paging)


@router.get("/v2/alerts/{identifier:path}/notes", summary="Opsgenie Alert API: list alert notes")
async def list_notes(request: Request, identifier: str) -> JSONResponse:
    """The alert's notes, newest first (at most 100)."""
    kind = request.query_params.get("identifierType")
    allowed = frozenset({"identifierType", "offset", "direction", "order", "limit"})

    def work(session: Session, target: Target) -> list[dict[str, Any]]:
        alert = queries.find(session, target.service_id, identifier, queries.identifier_type(kind))
        if alert is None:
            raise AlertNotFound()
        return [schemas.note(item) for item in queries.notes(session, alert.id)]

    data, refused, request_id, started = await _read(request, allowed, work)
    return refused or reply(200, request_id, started, data=data, paging={})


@router.get("/v2/alerts/{identifier:path}", summary="Opsgenie Alert API: get alert")
async def get_alert(request: Request, identifier: str) -> JSONResponse:
    """One alert by id (default), tiny id or alias (`identifierType`)."""
    now = context_of(request).clock.now()
    kind = request.query_params.get("identifierType")

    def work(session: Session, target: Target) -> dict[str, Any]:
        alert = queries.find(session, target.service_id, identifier, queries.identifier_type(kind))
        if alert is None:
            raise AlertNotFound()
        return schemas.alert(alert, target.name, now)

    data, refused, request_id, started = await _read(request, frozenset({"identifierType"}), work)
    return refused or reply(200, request_id, started, data=data)


def _plain(request: Request, query: str) -> str:
    """Saved searches are not kept here: naming one is refused rather than ignored."""
    if request.query_params.get("searchIdentifier"):
        raise Unprocessable(
            "Saved searches are not supported", {"searchIdentifier": "use query instead"}
        )
    return query


def _page(request: Request) -> queries.Page:
    params = request.query_params
    errors: dict[str, str] = {}
    offset = _number(params.get("offset", "0"), "offset", errors)
    limit = _number(params.get("limit", str(queries.DEFAULT_LIMIT)), "limit", errors)
    if not 1 <= limit <= queries.MAX_LIMIT:
        errors["limit"] = f"must be between 1 and {queries.MAX_LIMIT}"
    order = params.get("order", "desc")
    if order not in ("asc", "desc"):
        errors["order"] = "must be asc or desc"
    sort = params.get("sort", "createdAt")
    if sort not in queries.SORTS:
        errors["sort"] = "must be one of " + ", ".join(queries.SORTS)
    if errors:
        raise Unprocessable("Request parameters are not valid", errors)
    return queries.Page(offset=offset, limit=limit, sort=sort, order=order)


def _number(value: str, name: str, errors: dict[str, str]) -> int:
    if not value.isdigit() or len(value) > 9:
        errors[name] = "must be a non-negative whole number"
        return 0
    return int(value)


def _page_url(request: Request, page: queries.Page, offset: int) -> str:
    params = {
        "query": request.query_params.get("query", ""),
        "offset": offset,
        "limit": page.limit,
        "sort": page.sort,
        "order": page.order,
    }
    return f"{context_of(request).settings.resolved_base_url}/v2/alerts?{urlencode(params)}"
