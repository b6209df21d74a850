"""Status page admin: pages and components (admins); hand-set statuses, public incidents,
their updates (drafts, publish) and maintenance (responders)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.response.statuspage import maintenance, publishing
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.statuspage.schemas import (
    ComponentCreate,
    ComponentUpdate,
    GroupCreate,
    IncidentCreate,
    MaintenanceCreate,
    PageCreate,
    TemplateCreate,
    UpdateCreate,
)
from watchkeeper.response.statuspage.status import LABELS
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiResponder
from watchkeeper.web.ui.routes.forms import Outcome, attempt
from watchkeeper.web.ui.routes.noise_forms import (
    can,
    local_moment,
    save,
    service_names,
    text,
    zone_of,
)
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/admin/status-pages")
HERE = "/admin/status-pages"


def _admin_only(principal: Principal) -> Outcome[Any] | None:
    if can(principal, Role.ADMIN):
        return None
    return Outcome(errors=["Only admins change pages and components."])


def _list(request: Request, principal: Principal, *, status: int = 200, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        return {"pages": pages.list_pages(session), "templates": publishing.list_templates(session)}

    context = context_of(request).database.run(load, write=False)
    context["can_admin"] = can(principal, Role.ADMIN)
    return render(request, "status/admin_list.html", {**context, **extra}, status_code=status)


@router.get("")
def list_pages(request: Request, principal: UiResponder) -> Response:
    return _list(request, principal)


@router.post("")
def create_page(request: Request, principal: UiResponder, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    refused = _admin_only(principal)
    outcome = refused or save(
        request,
        lambda: PageCreate.model_validate(
            _fields(form, "slug", "title", "logo_url", "time_zone", "custom_domain", "visibility")
        ),
        lambda s, data: pages.create_page(s, data=data, now=now).id,
    )
    if not outcome.ok:
        return _list(request, principal, status=422, errors=outcome.errors, draft=form)
    return RedirectResponse(f"{HERE}/{outcome.value}", status_code=303)


@router.post("/templates")
def create_template(request: Request, principal: UiResponder, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = _admin_only(principal) or save(
        request,
        lambda: TemplateCreate.model_validate(_fields(form, "name", "state", "body")),
        lambda s, data: publishing.create_template(s, data=data, now=now).id,
    )
    if not outcome.ok:
        return _list(request, principal, status=422, errors=outcome.errors, draft=form)
    return RedirectResponse(HERE, status_code=303)


def _fields(form: FormData, *names: str) -> dict[str, Any]:
    return {name: value for name in names if (value := text(form, name).strip())}


def _detail(
    request: Request, principal: Principal, page_id: int, *, status: int = 200, **extra: Any
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        page = pages.get_page(session, page_id=page_id)
        components = pages.list_components(session, page_id=page_id)
        incidents = publishing.list_incidents(session, page_id=page_id)
        return {
            "page": page,
            "groups": pages.list_groups(session, page_id=page_id),
            "components": components,
            "component_services": pages.services_of(session, [c.id for c in components]),
            "services": service_names(session),
            "incidents": incidents,
            "updates": publishing.updates_of(session, [i.id for i in incidents]),
            "templates": publishing.list_templates(session),
        }

    outcome = attempt(request, load)
    if outcome.value is None:
        return _list(request, principal, status=404, errors=outcome.errors)
    context = {**outcome.value, "labels": LABELS, "can_admin": can(principal, Role.ADMIN)}
    return render(request, "status/admin_page.html", {**context, **extra}, status_code=status)


@router.get("/{page_id}")
def show_page(request: Request, principal: UiResponder, page_id: Id) -> Response:
    return _detail(request, principal, page_id)


def _after(
    request: Request, principal: Principal, page_id: int, outcome: Outcome[Any], form: FormData
) -> Response:
    if not outcome.ok:
        return _detail(request, principal, page_id, status=422, errors=outcome.errors, draft=form)
    return RedirectResponse(f"{HERE}/{page_id}", status_code=303)


@router.post("/{page_id}/groups")
def create_group(request: Request, principal: UiResponder, page_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = _admin_only(principal) or save(
        request,
        lambda: GroupCreate.model_validate(_fields(form, "name")),
        lambda s, data: pages.create_group(s, page_id=page_id, data=data, now=now).id,
    )
    return _after(request, principal, page_id, outcome, form)


@router.post("/{page_id}/components")
def create_component(
    request: Request, principal: UiResponder, page_id: Id, form: FormBody
) -> Response:
    now = context_of(request).clock.now()

    def build() -> ComponentCreate:
        fields: dict[str, Any] = _fields(form, "name", "description", "group_id")
        fields["service_ids"] = [v for v in form.getlist("service_ids") if isinstance(v, str)]
        return ComponentCreate.model_validate(fields)

    outcome = _admin_only(principal) or save(
        request,
        build,
        lambda s, data: pages.create_component(s, page_id=page_id, data=data, now=now).id,
    )
    return _after(request, principal, page_id, outcome, form)


@router.post("/{page_id}/components/{component_id}/status")
def set_status(
    request: Request, principal: UiResponder, page_id: Id, component_id: Id, form: FormBody
) -> Response:
    now = context_of(request).clock.now()
    chosen = text(form, "status").strip() or None
    outcome = save(
        request,
        lambda: ComponentUpdate.model_validate({"manual_status": chosen}),
        lambda s, data: (
            pages.update_component(
                s, page_id=page_id, component_id=component_id, data=data, now=now
            ).id
        ),
    )
    return _after(request, principal, page_id, outcome, form)


def _update_fields(form: FormData) -> dict[str, Any]:
    fields: dict[str, Any] = _fields(form, "state", "body", "template_id")
    chosen = [v for v in form.getlist("affected") if isinstance(v, str)]
    if chosen:
        status = text(form, "component_status") or "partial_outage"
        fields["affected"] = dict.fromkeys(chosen, status)
    fields["publish"] = text(form, "publish") == "now"
    return fields


@router.post("/{page_id}/incidents")
def create_incident(
    request: Request, principal: UiResponder, page_id: Id, form: FormBody
) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request,
        lambda: IncidentCreate.model_validate(
            {**_fields(form, "name", "incident_id"), "update": _update_fields(form)}
        ),
        lambda s, data: (
            publishing.create_incident(
                s, page_id=page_id, data=data, actor_id=principal.user_id, now=now
            ).id
        ),
    )
    return _after(request, principal, page_id, outcome, form)


@router.post("/{page_id}/incidents/{incident_id}/updates")
def post_update(
    request: Request, principal: UiResponder, page_id: Id, incident_id: Id, form: FormBody
) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request,
        lambda: UpdateCreate.model_validate(_update_fields(form)),
        lambda s, data: (
            publishing.post_update(
                s,
                page_id=page_id,
                incident_id=incident_id,
                data=data,
                actor_id=principal.user_id,
                now=now,
            ).id
        ),
    )
    return _after(request, principal, page_id, outcome, form)


@router.post("/{page_id}/incidents/{incident_id}/updates/{update_id}/publish")
def publish_update(
    request: Request, principal: UiResponder, page_id: Id, incident_id: Id, update_id: Id
) -> Response:
    now = context_of(request).clock.now()
    outcome = attempt(
        request,
        lambda s: (
            publishing.publish_update(
                s, page_id=page_id, incident_id=incident_id, update_id=update_id, now=now
            ).id
        ),
    )
    return _after(request, principal, page_id, outcome, FormData())


@router.post("/{page_id}/maintenance")
def create_maintenance(
    request: Request, principal: UiResponder, page_id: Id, form: FormBody
) -> Response:
    now = context_of(request).clock.now()

    def build() -> MaintenanceCreate:
        zone = zone_of(text(form, "time_zone").strip() or "UTC")
        return MaintenanceCreate.model_validate(
            {
                **_fields(form, "name", "body"),
                "scheduled_for": local_moment(text(form, "scheduled_for"), zone, "starts"),
                "scheduled_until": local_moment(text(form, "scheduled_until"), zone, "ends"),
                "component_ids": [v for v in form.getlist("component_ids") if isinstance(v, str)],
                "silence_alerts": text(form, "silence_alerts") == "on",
            }
        )

    outcome = save(
        request,
        build,
        lambda s, data: (
            maintenance.create(
                s, page_id=page_id, data=data, actor_id=principal.user_id, now=now
            ).id
        ),
    )
    return _after(request, principal, page_id, outcome, form)
