"""`/api/v1/audit`: the audit log, for admins; as pages and as JSON lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from starlette.requests import Request

from watchkeeper.core.errors import FieldError, Invalid
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.db.audit import queries
from watchkeeper.db.audit.schemas import AuditOut
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiAdmin, DbSession, page_request

router = APIRouter(prefix="/audit", tags=["audit"])

AuditPage = Annotated[
    PageRequest, Depends(page_request(list(queries.SORTABLE), Sort("at", descending=True)))
]


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None
    q: str | None
    since: datetime | None
    until: datetime | None

    def as_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor, "q": self.q, "since": self.since, "until": self.until}


def _filter(
    actor: Annotated[str | None, Query(max_length=100, description="The acting login")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Route or path contains")] = None,
    since: Annotated[datetime | None, Query(description="RFC 3339, inclusive")] = None,
    until: Annotated[datetime | None, Query(description="RFC 3339, exclusive")] = None,
) -> AuditFilter:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise Invalid(
                f"{name} needs a time zone", errors=[FieldError(f"query.{name}", "add Z or +hh:mm")]
            )
    return AuditFilter(actor=actor, q=q, since=since, until=until)


Filter = Annotated[AuditFilter, Depends(_filter)]


@router.get("", summary="The audit log, newest first")
def list_audit(_: ApiAdmin, session: DbSession, page: AuditPage, where: Filter) -> Page[AuditOut]:
    rows, next_cursor = queries.list_(session, page=page, **where.as_kwargs())
    items = [AuditOut.model_validate(row) for row in rows]
    return Page[AuditOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.get(
    "/export",
    summary="The audit log as JSON lines, oldest first",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export_audit(_: ApiAdmin, request: Request, where: Filter) -> StreamingResponse:
    database = context_of(request).database

    def lines() -> Iterator[str]:
        with database.transaction(write=False) as session:
            for row in queries.export(session, **where.as_kwargs()):
                yield AuditOut.model_validate(row).model_dump_json() + "\n"

    headers = {"Content-Disposition": 'attachment; filename="audit.jsonl"'}
    return StreamingResponse(lines(), media_type="application/x-ndjson", headers=headers)
