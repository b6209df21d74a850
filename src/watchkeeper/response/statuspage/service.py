"""Use cases of pages, component groups and components. Callers own the transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.db.lookup import missing_ids
from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.response.statuspage import errors
from watchkeeper.response.statuspage.cycle import refresh
from watchkeeper.response.statuspage.models import (
    Component,
    ComponentGroup,
    ComponentService,
    StatusPage,
    StatusPeriod,
)
from watchkeeper.response.statuspage.schemas import (
    ComponentCreate,
    ComponentUpdate,
    GroupCreate,
    PageCreate,
    PageUpdate,
)
from watchkeeper.response.statuspage.status import DEFAULT_PRIORITY_STATUS, ComponentStatus


def create_page(session: Session, *, data: PageCreate, now: datetime) -> StatusPage:
    page = StatusPage(
        slug=data.slug,
        title=data.title,
        logo_url=data.logo_url,
        time_zone=data.time_zone,
        custom_domain=data.custom_domain,
        visibility=data.visibility,
        priority_status={key: str(value) for key, value in data.priority_status.items()},
        created_at=now,
        updated_at=now,
    )
    add_unique(session, page, lambda: _which_taken(session, data.slug, data.custom_domain))
    return page


def _which_taken(session: Session, slug: str, domain: str | None) -> Exception:
    if session.scalar(select(StatusPage.id).where(StatusPage.slug == slug)) is not None:
        return errors.slug_taken(slug)
    return errors.domain_taken(domain or "")


def priority_status(page: StatusPage) -> dict[str, str]:
    """The page's mapping with the defaults for priorities it does not name."""
    return {**DEFAULT_PRIORITY_STATUS, **page.priority_status}


def get_page(session: Session, *, page_id: int) -> StatusPage:
    page = session.get(StatusPage, page_id)
    if page is None:
        raise errors.page_not_found(page_id)
    return page


def find_page(
    session: Session, *, slug: str | None = None, domain: str | None = None
) -> StatusPage:
    """The page at a slug, or served at a custom domain."""
    column = StatusPage.slug if slug is not None else StatusPage.custom_domain
    page = session.scalar(select(StatusPage).where(column == (slug or domain)))
    if page is None:
        raise errors.page_not_found(slug or domain)
    return page


def slug_for_domain(session: Session, *, domain: str) -> str | None:
    """The slug of the page served at `domain`, if one is."""
    return session.scalar(select(StatusPage.slug).where(StatusPage.custom_domain == domain))


def list_pages(session: Session) -> Sequence[StatusPage]:
    return session.scalars(select(StatusPage).order_by(StatusPage.title, StatusPage.id)).all()


def update_page(session: Session, *, page_id: int, data: PageUpdate, now: datetime) -> StatusPage:
    page = get_page(session, page_id=page_id)
    changes = data.model_dump(exclude_unset=True)
    if "priority_status" in changes:
        changes["priority_status"] = {k: str(v) for k, v in changes["priority_status"].items()}
    slug, domain = changes.get("slug", page.slug), changes.get("custom_domain")
    update_unique(
        session, page, changes, now=now, taken=lambda: _which_taken(session, slug, domain)
    )
    if "priority_status" in changes:
        refresh(session, now, page_ids=[page.id])
    return page


def delete_page(session: Session, *, page_id: int) -> None:
    session.delete(get_page(session, page_id=page_id))
    session.flush()


# Groups


def create_group(
    session: Session, *, page_id: int, data: GroupCreate, now: datetime
) -> ComponentGroup:
    get_page(session, page_id=page_id)
    group = ComponentGroup(
        page_id=page_id, name=data.name, position=data.position, created_at=now, updated_at=now
    )
    session.add(group)
    session.flush()
    return group


def list_groups(session: Session, *, page_id: int) -> Sequence[ComponentGroup]:
    stmt = select(ComponentGroup).where(ComponentGroup.page_id == page_id)
    return session.scalars(stmt.order_by(ComponentGroup.position, ComponentGroup.id)).all()


def delete_group(session: Session, *, page_id: int, group_id: int) -> None:
    group = session.get(ComponentGroup, group_id)
    if group is None or group.page_id != page_id:
        raise errors.group_not_found(group_id)
    session.delete(group)
    session.flush()


# Components


def create_component(
    session: Session, *, page_id: int, data: ComponentCreate, now: datetime
) -> Component:
    get_page(session, page_id=page_id)
    _check_group(session, page_id, data.group_id)
    component = Component(
        page_id=page_id,
        group_id=data.group_id,
        name=data.name,
        description=data.description,
        position=data.position,
        status=ComponentStatus.OPERATIONAL,
        created_at=now,
        updated_at=now,
    )
    session.add(component)
    session.flush()
    session.add(
        StatusPeriod(
            component_id=component.id, status=component.status, started_at=now, ended_at=None
        )
    )
    _set_services(session, component, data.service_ids)
    refresh(session, now, page_ids=[page_id])
    return component


def get_component(session: Session, *, page_id: int, component_id: int) -> Component:
    component = session.get(Component, component_id)
    if component is None or component.page_id != page_id:
        raise errors.component_not_found(component_id)
    return component


def list_components(session: Session, *, page_id: int) -> Sequence[Component]:
    stmt = select(Component).where(Component.page_id == page_id)
    return session.scalars(stmt.order_by(Component.position, Component.id)).all()


def update_component(
    session: Session, *, page_id: int, component_id: int, data: ComponentUpdate, now: datetime
) -> Component:
    component = get_component(session, page_id=page_id, component_id=component_id)
    changes = data.model_dump(exclude_unset=True)
    service_ids = changes.pop("service_ids", None)
    if "group_id" in changes:
        _check_group(session, page_id, changes["group_id"])
    if changes.get("manual_status") is not None:
        changes["manual_status"] = str(changes["manual_status"])
    for field, value in changes.items():
        setattr(component, field, value)
    component.updated_at = now
    if service_ids is not None:
        _set_services(session, component, service_ids)
    session.flush()
    refresh(session, now, page_ids=[page_id])
    return component


def delete_component(session: Session, *, page_id: int, component_id: int) -> None:
    session.delete(get_component(session, page_id=page_id, component_id=component_id))
    session.flush()


def services_of(session: Session, component_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(component_ids)
    found: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return found
    rows = session.execute(
        select(ComponentService.component_id, ComponentService.service_id)
        .where(ComponentService.component_id.in_(ids))
        .order_by(ComponentService.service_id)
    )
    for component_id, service_id in rows:
        found[component_id].append(service_id)
    return found


def _set_services(session: Session, component: Component, service_ids: list[int]) -> None:
    wanted = sorted(set(service_ids))
    if missing := missing_ids(session, Service.id, wanted):
        raise errors.invalid(
            "service_ids",
            "unknown service ids: " + ", ".join(map(str, missing)),
            "no such service",
        )
    session.execute(delete(ComponentService).where(ComponentService.component_id == component.id))
    if wanted:
        session.execute(
            insert(ComponentService),
            [{"component_id": component.id, "service_id": sid} for sid in wanted],
        )


def _check_group(session: Session, page_id: int, group_id: int | None) -> None:
    if group_id is None:
        return
    group = session.get(ComponentGroup, group_id)
    if group is None or group.page_id != page_id:
        raise errors.invalid(
            "group_id", f"no component group {group_id} on this page", "no such group"
        )
