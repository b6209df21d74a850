"""A status page's subscribers for admins: counts, the list, removal, the CSV export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.core.ids import Id
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.subscriptions import service as subscriptions
from watchkeeper.web.deps import UiAdmin
from watchkeeper.web.ui.routes.forms import attempt
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/admin/status-pages/{page_id}/subscribers")


def _show(request: Request, page_id: int, *, errors: list[str] | None = None) -> Response:
    def load(session: Session) -> dict[str, Any]:
        return {
            "page": pages.get_page(session, page_id=page_id),
            "counts": subscriptions.count(session, page_id=page_id),
            "subscribers": subscriptions.list_(session, page_id=page_id),
        }

    outcome = attempt(request, load)
    if outcome.value is None:
        context = {"errors": outcome.errors}
        return render(request, "status/admin_subscribers.html", context, status_code=404)
    return render(request, "status/admin_subscribers.html", {**outcome.value, "errors": errors})


@router.get("")
def show(request: Request, _: UiAdmin, page_id: Id) -> Response:
    return _show(request, page_id)


@router.post("/{subscriber_id}/remove")
def remove(request: Request, _: UiAdmin, page_id: Id, subscriber_id: Id) -> Response:
    outcome = attempt(
        request,
        lambda s: subscriptions.remove(s, page_id=page_id, subscriber_id=subscriber_id),
    )
    if outcome.errors:
        return _show(request, page_id, errors=outcome.errors)
    return RedirectResponse(f"/admin/status-pages/{page_id}/subscribers", status_code=303)
