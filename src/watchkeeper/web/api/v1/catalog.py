"""`/api/v1/services` and `/api/v1/categories`: read for everyone, changes for admins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.categories.schemas import CategoryCreate, CategoryOut, CategoryUpdate
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.services.schemas import ServiceCreate, ServiceOut, ServiceUpdate
from watchkeeper.core.errors import Conflict, FieldError, Invalid
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.incidents.queries import has_incidents, open_counts_by_service
from watchkeeper.pipeline.escalation.models import EscalationPolicy
from watchkeeper.web.deps import ApiAdmin, ApiViewer, DbSession, Now, page_request

router = APIRouter()

ServicePage = Annotated[PageRequest, Depends(page_request(list(services.SORTABLE), Sort("id")))]


def services_out(session: Session, rows: Sequence[Service]) -> list[ServiceOut]:
    ids = [row.id for row in rows]
    depends = services.dependencies_of(session, service_ids=ids)
    open_counts = open_counts_by_service(session, ids)
    return [
        ServiceOut.model_validate(row).model_copy(
            update={
                "depends_on": depends.get(row.id, []),
                "status": "degraded" if open_counts.get(row.id) else "operational",
            }
        )
        for row in rows
    ]


@router.get("/services", tags=["services"], summary="List services")
def list_services(
    _: ApiViewer,
    session: DbSession,
    page: ServicePage,
    owner_team_id: Id | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Name or slug contains")] = None,
) -> Page[ServiceOut]:
    rows, next_cursor = services.list_(session, page=page, owner_team_id=owner_team_id, q=q)
    return Page[ServiceOut](
        items=services_out(session, rows), next_cursor=next_cursor, limit=page.limit
    )


@router.post("/services", status_code=201, tags=["services"], summary="Create a service")
def create_service(
    _: ApiAdmin, session: DbSession, now: Now, body: ServiceCreate, response: Response
) -> ServiceOut:
    _check_policy(session, body.escalation_policy_id)
    service = services.create(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1/services/{service.id}"
    return services_out(session, [service])[0]


@router.get("/services/{service_id}", tags=["services"], summary="Get a service")
def get_service(_: ApiViewer, session: DbSession, service_id: Id) -> ServiceOut:
    return services_out(session, [services.get(session, service_id=service_id)])[0]


@router.patch("/services/{service_id}", tags=["services"], summary="Change a service")
def update_service(
    _: ApiAdmin, session: DbSession, now: Now, service_id: Id, body: ServiceUpdate
) -> ServiceOut:
    _check_policy(session, body.escalation_policy_id)
    service = services.update(session, service_id=service_id, data=body, now=now)
    return services_out(session, [service])[0]


def _check_policy(session: Session, policy_id: int | None) -> None:
    if policy_id is not None and session.get(EscalationPolicy, policy_id) is None:
        raise Invalid(
            f"no escalation policy {policy_id}",
            errors=[FieldError("body.escalation_policy_id", "no such escalation policy")],
        )


@router.delete("/services/{service_id}", status_code=204, tags=["services"])
def delete_service(_: ApiAdmin, session: DbSession, service_id: Id) -> None:
    """Delete a service that has no incidents (their records must keep their service)."""
    if has_incidents(session, service_id):
        raise Conflict("this service has incidents; it cannot be deleted")
    services.delete_(session, service_id=service_id)


@router.get("/categories", tags=["categories"], summary="The category tree")
def list_categories(_: ApiViewer, session: DbSession) -> list[CategoryOut]:
    """Every category, each parent followed by its children (two levels)."""
    return [CategoryOut.model_validate(row) for row in categories.tree(session)]


@router.post("/categories", status_code=201, tags=["categories"], summary="Create a category")
def create_category(
    _: ApiAdmin, session: DbSession, body: CategoryCreate, response: Response
) -> CategoryOut:
    category = categories.create(session, data=body)
    response.headers["Location"] = f"/api/v1/categories/{category.id}"
    return CategoryOut.model_validate(category)


@router.patch("/categories/{category_id}", tags=["categories"], summary="Rename a category")
def update_category(
    _: ApiAdmin, session: DbSession, category_id: Id, body: CategoryUpdate
) -> CategoryOut:
    return CategoryOut.model_validate(
        categories.update(session, category_id=category_id, data=body)
    )


@router.delete("/categories/{category_id}", status_code=204, tags=["categories"])
def delete_category(_: ApiAdmin, session: DbSession, category_id: Id) -> None:
    """Delete a category and its children; their incidents keep no category."""
    categories.delete_(session, category_id=category_id)
