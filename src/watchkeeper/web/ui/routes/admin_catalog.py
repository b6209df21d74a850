"""Admin pages for the service catalog and the category tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.categories.schemas import CategoryCreate, CategoryUpdate
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.schemas import ServiceCreate, ServiceUpdate, Tags
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.teams.schemas import Description, Slug
from watchkeeper.core.errors import Conflict
from watchkeeper.core.ids import Id
from watchkeeper.incidents.queries import has_incidents, open_counts_by_service
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin
from watchkeeper.web.ui.routes.forms import attempt, called, submit
from watchkeeper.web.ui.templating import render, saved

router = APIRouter(prefix="/admin")


class ServiceForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    slug: Slug
    description: Description = ""
    owner_team_id: Id | None = None
    tags: Tags = Field(default_factory=list)
    depends_on: list[Id] = Field(default_factory=list)


def _services_page(request: Request, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        rows = services.all_(session)
        ids = [row.id for row in rows]
        return {
            "services": rows,
            "depends": services.dependencies_of(session, service_ids=ids),
            "open_counts": open_counts_by_service(session, ids),
            "teams": {t.id: t.name for t in session.scalars(select(Team).order_by(Team.name))},
        }

    context = context_of(request).database.run(load, write=False)
    status = 422 if extra.get("errors") else 200
    return render(request, "admin/services.html", {**context, **extra}, status_code=status)


@router.get("/services")
def list_services(request: Request, _: UiAdmin) -> Response:
    return _services_page(request)


@router.post("/services")
def create_service(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = submit(
        request,
        ServiceCreate,
        form,
        lambda s, data: services.create(s, data=data, now=now).id,
        lists=("tags", "depends_on"),
    )
    if not outcome.ok:
        return _services_page(request, errors=outcome.errors)
    return saved("/admin/services", f"Service{called(form)} created")


@router.post("/services/{service_id}")
def update_service(request: Request, _: UiAdmin, service_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: ServiceForm) -> None:
        patch = ServiceUpdate.model_validate(data.model_dump())
        services.update(session, service_id=service_id, data=patch, now=now)

    outcome = submit(request, ServiceForm, form, action, lists=("tags", "depends_on"))
    if not outcome.ok:
        return _services_page(request, errors=outcome.errors)
    return saved("/admin/services", f"Service{called(form)} saved")


@router.post("/services/{service_id}/delete")
def delete_service(request: Request, _: UiAdmin, service_id: Id) -> Response:
    def action(session: Session) -> None:
        if has_incidents(session, service_id):
            raise Conflict("this service has incidents; it cannot be deleted")
        services.delete_(session, service_id=service_id)

    outcome = attempt(request, action)
    if not outcome.ok:
        return _services_page(request, errors=outcome.errors)
    return saved("/admin/services", "Service deleted")


def _categories_page(request: Request, **extra: Any) -> Response:
    rows = context_of(request).database.run(categories.tree, write=False)
    status = 422 if extra.get("errors") else 200
    return render(
        request, "admin/categories.html", {"categories": rows, **extra}, status_code=status
    )


@router.get("/categories")
def list_categories(request: Request, _: UiAdmin) -> Response:
    return _categories_page(request)


@router.post("/categories")
def create_category(request: Request, _: UiAdmin, form: FormBody) -> Response:
    outcome = submit(
        request, CategoryCreate, form, lambda s, data: categories.create(s, data=data).id
    )
    if not outcome.ok:
        return _categories_page(request, errors=outcome.errors)
    return saved("/admin/categories", f"Category{called(form)} created")


@router.post("/categories/{category_id}")
def rename_category(request: Request, _: UiAdmin, category_id: Id, form: FormBody) -> Response:
    outcome = submit(
        request,
        CategoryUpdate,
        form,
        lambda s, data: categories.update(s, category_id=category_id, data=data).id,
    )
    if not outcome.ok:
        return _categories_page(request, errors=outcome.errors)
    return saved("/admin/categories", f"Category renamed{called(form, ' to')}")


@router.post("/categories/{category_id}/delete")
def delete_category(request: Request, _: UiAdmin, category_id: Id) -> Response:
    outcome = attempt(request, lambda s: categories.delete_(s, category_id=category_id))
    if not outcome.ok:
        return _categories_page(request, errors=outcome.errors)
    return saved("/admin/categories", "Category deleted")
