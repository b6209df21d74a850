"""The checks pages: every check with its status and uptime, an add form (a YAML
definition, as the API takes), and one check with its latency plot and failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.ids import Id
from watchkeeper.core.validation import problems
from watchkeeper.monitoring.checks import queries
from watchkeeper.monitoring.checks import service as checks
from watchkeeper.monitoring.checks.models import Check
from watchkeeper.monitoring.checks.schemas import DEFINITION, located, shown_spec
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.web import check_bodies
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import DbSession, FormBody, UiResponder, UiViewer
from watchkeeper.web.ui.routes.forms import Outcome, attempt, called, messages_of
from watchkeeper.web.ui.templating import render, saved

router = APIRouter(prefix="/checks")
EXAMPLE = """kind: http
name: shop health
service_id: 1
url: https://shop.example.com/health
expected_status: [2xx]
keyword: ok
interval_seconds: 60
retries: 1
"""


def _listing(session: Session, now: datetime) -> list[dict[str, Any]]:
    return [
        {"check": check, "uptime": queries.uptime(session, check_id=check.id, now=now)["24h"]}
        for check in checks.list_(session)
    ]


def _list_page(
    request: Request, principal: Principal, definition: str, *, errors: list[str], status: int
) -> Response:
    now = context_of(request).clock.now()

    def read(session: Session) -> dict[str, Any]:
        return {
            "rows": _listing(session, now),
            "services": {s.id: s.name for s in services.all_(session)},
        }

    context = context_of(request).database.run(read, write=False)
    context.update(
        definition=definition,
        errors=errors,
        may_edit=principal.role.allows(Role.RESPONDER),
    )
    return render(request, "checks/list.html", context, status_code=status)


@router.get("")
def list_checks(request: Request, principal: UiViewer) -> Response:
    return _list_page(request, principal, EXAMPLE, errors=[], status=200)


@router.post("")
def add_check(request: Request, principal: UiResponder, form: FormBody) -> Response:
    text = form.get("definition")
    definition = text if isinstance(text, str) else ""
    outcome = _create(request, principal, definition)
    if not outcome.ok:
        return _list_page(request, principal, definition, errors=outcome.errors, status=422)
    return saved(f"/checks/{outcome.value}", f"Check{called(form)} created")


def _create(request: Request, principal: Principal, definition: str) -> Outcome[int]:
    ctx = context_of(request)
    try:
        data = DEFINITION.validate_python(check_bodies.read(definition, yaml_text=True))
    except WatchkeeperError as exc:
        return Outcome(errors=messages_of(exc))
    except ValidationError as exc:
        return Outcome(errors=[p.sentence for p in problems(located(exc, under="body"))])
    now = ctx.clock.now()
    return attempt(
        request,
        lambda session: (
            checks.create(
                session,
                data=data,
                user_id=principal.user_id,
                admin=principal.role is Role.ADMIN,
                allow=OutboundGuard(ctx.settings.checks_allow),
                now=now,
            ).id
        ),
    )


def plot_points(session: Session, check: Check, now: datetime) -> list[dict[str, Any]]:
    """The last 24 hours of runs for the latency plot: time, latency, and failures."""
    rows = queries.results(session, check_id=check.id, since=now - timedelta(hours=24))
    return [
        {"t": row.started_at.isoformat(), "ms": row.latency_ms, "ok": row.ok, "error": row.error}
        for row in rows
    ]


@router.get("/{check_id}")
def show_check(request: Request, principal: UiViewer, session: DbSession, check_id: Id) -> Response:
    now = context_of(request).clock.now()
    check = checks.get(session, check_id=check_id)
    context = {
        "check": check,
        "spec": shown_spec(check.spec),
        "service": services.get(session, service_id=check.service_id),
        "uptime": queries.uptime(session, check_id=check_id, now=now),
        "failures": queries.failures(session, check_id=check_id, limit=20),
        "points": plot_points(session, check, now),
        "may_edit": principal.role.allows(Role.RESPONDER),
    }
    return render(request, "checks/show.html", context)


@router.post("/{check_id}/pause")
def pause_check(request: Request, _: UiResponder, check_id: Id) -> Response:
    return _set_paused(request, check_id, True)


@router.post("/{check_id}/resume")
def resume_check(request: Request, _: UiResponder, check_id: Id) -> Response:
    return _set_paused(request, check_id, False)


def _set_paused(request: Request, check_id: int, paused: bool) -> Response:
    now = context_of(request).clock.now()
    context_of(request).database.run(
        lambda s: checks.set_paused(s, check_id=check_id, paused=paused, now=now).id
    )
    return RedirectResponse(f"/checks/{check_id}", status_code=303)


@router.post("/{check_id}/delete")
def delete_check(request: Request, _: UiResponder, check_id: Id) -> Response:
    now = context_of(request).clock.now()
    context_of(request).database.run(lambda s: checks.delete(s, check_id=check_id, now=now))
    return saved("/checks", "Check deleted")
