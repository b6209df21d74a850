"""`/api/v1/status-pages`: pages, component groups and components (admins), hand-set
component statuses (responders), and the update templates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from watchkeeper.core.ids import Id
from watchkeeper.response.statuspage import publishing, queries
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.statuspage.models import Component, StatusPage
from watchkeeper.response.statuspage.schemas import (
    ComponentCreate,
    ComponentOut,
    ComponentUpdate,
    GroupCreate,
    GroupOut,
    PageCreate,
    PageOut,
    PageUpdate,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
)
from watchkeeper.response.statuspage.status import ComponentStatus, DayGrid, uptime
from watchkeeper.web.deps import ApiAdmin, ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["status pages"])
PAGES = "/status-pages"
PAGE = "/status-pages/{page_id}"


def page_out(page: StatusPage) -> PageOut:
    return PageOut.model_validate(page).model_copy(
        update={"priority_status": pages.priority_status(page)}
    )


def components_out(
    session: Session, page: StatusPage, rows: Sequence[Component], now: datetime
) -> list[ComponentOut]:
    services = pages.services_of(session, [row.id for row in rows])
    since = now - timedelta(days=queries.UPTIME_DAYS + 1)
    periods = queries.periods_of(session, [row.id for row in rows], since=since)
    grid = DayGrid.of(now=now, zone=ZoneInfo(page.time_zone), days=queries.UPTIME_DAYS)
    return [
        ComponentOut.model_validate(row).model_copy(
            update={
                "service_ids": services.get(row.id, []),
                "uptime_90d": uptime(
                    periods.get(row.id, []), grid=grid, since=row.created_at
                ).percent,
            }
        )
        for row in rows
    ]


@router.get(PAGES, summary="List status pages")
def list_pages(_: ApiViewer, session: DbSession) -> list[PageOut]:
    return [page_out(page) for page in pages.list_pages(session)]


@router.post(PAGES, status_code=201, summary="Create a status page")
def create_page(
    _: ApiAdmin, session: DbSession, now: Now, body: PageCreate, response: Response
) -> PageOut:
    page = pages.create_page(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1/status-pages/{page.id}"
    return page_out(page)


@router.get(PAGE, summary="Get a status page")
def get_page(_: ApiViewer, session: DbSession, page_id: Id) -> PageOut:
    return page_out(pages.get_page(session, page_id=page_id))


@router.patch(PAGE, summary="Change a status page")
def update_page(
    _: ApiAdmin, session: DbSession, now: Now, page_id: Id, body: PageUpdate
) -> PageOut:
    return page_out(pages.update_page(session, page_id=page_id, data=body, now=now))


@router.delete(PAGE, status_code=204, summary="Delete a status page")
def delete_page(_: ApiAdmin, session: DbSession, page_id: Id) -> None:
    pages.delete_page(session, page_id=page_id)


@router.get(PAGE + "/groups", summary="List component groups")
def list_groups(_: ApiViewer, session: DbSession, page_id: Id) -> list[GroupOut]:
    pages.get_page(session, page_id=page_id)
    return [GroupOut.model_validate(g) for g in pages.list_groups(session, page_id=page_id)]


@router.post(PAGE + "/groups", status_code=201, summary="Create a component group")
def create_group(
    _: ApiAdmin, session: DbSession, now: Now, page_id: Id, body: GroupCreate
) -> GroupOut:
    return GroupOut.model_validate(pages.create_group(session, page_id=page_id, data=body, now=now))


@router.delete(PAGE + "/groups/{group_id}", status_code=204, summary="Delete a component group")
def delete_group(_: ApiAdmin, session: DbSession, page_id: Id, group_id: Id) -> None:
    """Its components stay, outside any group."""
    pages.delete_group(session, page_id=page_id, group_id=group_id)


@router.get(PAGE + "/components", summary="List components")
def list_components(_: ApiViewer, session: DbSession, now: Now, page_id: Id) -> list[ComponentOut]:
    page = pages.get_page(session, page_id=page_id)
    return components_out(session, page, pages.list_components(session, page_id=page_id), now)


@router.post(PAGE + "/components", status_code=201, summary="Create a component")
def create_component(
    _: ApiAdmin, session: DbSession, now: Now, page_id: Id, body: ComponentCreate
) -> ComponentOut:
    component = pages.create_component(session, page_id=page_id, data=body, now=now)
    page = pages.get_page(session, page_id=page_id)
    return components_out(session, page, [component], now)[0]


@router.get(PAGE + "/components/{component_id}", summary="Get a component")
def get_component(
    _: ApiViewer, session: DbSession, now: Now, page_id: Id, component_id: Id
) -> ComponentOut:
    page = pages.get_page(session, page_id=page_id)
    component = pages.get_component(session, page_id=page_id, component_id=component_id)
    return components_out(session, page, [component], now)[0]


@router.patch(PAGE + "/components/{component_id}", summary="Change a component")
def update_component(
    _: ApiAdmin, session: DbSession, now: Now, page_id: Id, component_id: Id, body: ComponentUpdate
) -> ComponentOut:
    component = pages.update_component(
        session, page_id=page_id, component_id=component_id, data=body, now=now
    )
    page = pages.get_page(session, page_id=page_id)
    return components_out(session, page, [component], now)[0]


class StatusSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Annotated[
        ComponentStatus | None,
        Field(description="Kept until cleared with null; then incidents decide again."),
    ]


@router.put(PAGE + "/components/{component_id}/status", summary="Set or clear a status by hand")
def set_status(
    _: ApiResponder, session: DbSession, now: Now, page_id: Id, component_id: Id, body: StatusSet
) -> ComponentOut:
    data = ComponentUpdate.model_validate({"manual_status": body.status})
    component = pages.update_component(
        session, page_id=page_id, component_id=component_id, data=data, now=now
    )
    page = pages.get_page(session, page_id=page_id)
    return components_out(session, page, [component], now)[0]


@router.delete(PAGE + "/components/{component_id}", status_code=204, summary="Delete a component")
def delete_component(_: ApiAdmin, session: DbSession, page_id: Id, component_id: Id) -> None:
    pages.delete_component(session, page_id=page_id, component_id=component_id)


TEMPLATES = "/status-page-templates"


@router.get(TEMPLATES, summary="List update templates")
def list_templates(_: ApiViewer, session: DbSession) -> list[TemplateOut]:
    return [TemplateOut.model_validate(t) for t in publishing.list_templates(session)]


@router.post(TEMPLATES, status_code=201, summary="Create an update template")
def create_template(_: ApiAdmin, session: DbSession, now: Now, body: TemplateCreate) -> TemplateOut:
    """Placeholders: {page}, {name}, {components}, {state}, {starts}, {ends}."""
    return TemplateOut.model_validate(publishing.create_template(session, data=body, now=now))


@router.patch(TEMPLATES + "/{template_id}", summary="Change an update template")
def update_template(
    _: ApiAdmin, session: DbSession, now: Now, template_id: Id, body: TemplateUpdate
) -> TemplateOut:
    return TemplateOut.model_validate(
        publishing.update_template(session, template_id=template_id, data=body, now=now)
    )


@router.delete(TEMPLATES + "/{template_id}", status_code=204, summary="Delete an update template")
def delete_template(_: ApiAdmin, session: DbSession, template_id: Id) -> None:
    publishing.delete_template(session, template_id=template_id)
