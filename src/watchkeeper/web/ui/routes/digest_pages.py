"""`/account/weekly-digest`: the viewer opts in or out of the weekly digest and reads
what the next one would say."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.analytics.digest import service as digest
from watchkeeper.catalog.users import service as users
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import submit
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/account/weekly-digest")


class DigestForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = False  # an unticked checkbox sends nothing


@router.get("")
def digest_page(request: Request, principal: UiViewer) -> Response:
    ctx = context_of(request)
    now = ctx.clock.now()

    def load(session: Session) -> dict[str, Any]:
        user = users.get(session, user_id=principal.user_id)
        return {
            "choice": digest.get(session, user_id=principal.user_id),
            "preview": digest.preview(
                session, user=user, now=now, base_url=ctx.settings.resolved_base_url
            ),
        }

    return render(request, "weekly_digest.html", ctx.database.run(load, write=False))


@router.post("")
def choose_digest(request: Request, principal: UiViewer, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: DigestForm) -> None:
        digest.choose(session, user_id=principal.user_id, enabled=data.enabled, now=now)

    outcome = submit(request, DigestForm, form, action)
    if not outcome.ok:  # only a crafted post gets here: the form has one checkbox
        return render(request, "weekly_digest.html", {"errors": outcome.errors}, status_code=422)
    return RedirectResponse("/account/weekly-digest", status_code=303)
