"""`/admin/audit`: the audit log for admins, filtered by who and what."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.core.pagination import PageRequest, Sort
from watchkeeper.db.audit import queries
from watchkeeper.web.deps import DbSession, UiAdmin
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/admin/audit")


@router.get("")
def audit_log(
    request: Request,
    _: UiAdmin,
    session: DbSession,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: str | None = None,
) -> Response:
    page = PageRequest(limit=50, cursor=cursor, sort=Sort("at", descending=True))
    rows, next_cursor = queries.list_(session, page=page, actor=actor or None, q=q or None)
    context = {"entries": rows, "next_cursor": next_cursor, "actor": actor or "", "q": q or ""}
    return render(request, "admin/audit.html", context)
