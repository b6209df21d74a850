"""Scheduled maintenance: announced with its times and components, in progress (the
components under maintenance), then completed; optionally with the maintenance windows
that keep the components' services from paging, made in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.pipeline.correlate.noise import service as noise
from watchkeeper.pipeline.correlate.noise.schemas import WindowCreate
from watchkeeper.response.statuspage import errors
from watchkeeper.response.statuspage.cycle import maintenance_state
from watchkeeper.response.statuspage.models import Component, ComponentService, PublicIncident
from watchkeeper.response.statuspage.publishing import add_update
from watchkeeper.response.statuspage.schemas import MaintenanceCreate, UpdateCreate
from watchkeeper.response.statuspage.service import get_page
from watchkeeper.response.statuspage.status import ComponentStatus


def create(
    session: Session, *, page_id: int, data: MaintenanceCreate, actor_id: int | None, now: datetime
) -> PublicIncident:
    page = get_page(session, page_id=page_id)
    if data.scheduled_until <= data.scheduled_for:
        raise errors.invalid(
            "scheduled_until", "maintenance must end after it starts", "not after scheduled_for"
        )
    if data.scheduled_until <= now:
        raise errors.invalid(
            "scheduled_until", "this maintenance would be over already", "in the past"
        )
    affected = dict.fromkeys(data.component_ids, ComponentStatus.UNDER_MAINTENANCE)
    record = PublicIncident(
        page_id=page_id,
        kind="maintenance",
        name=data.name,
        state="draft",
        affected={},
        scheduled_for=data.scheduled_for,
        scheduled_until=data.scheduled_until,
        window_ids=[],
        postmortem_url="",
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    session.flush()
    state = maintenance_state(now, data.scheduled_for, data.scheduled_until)
    first = UpdateCreate.model_validate(
        {"state": state, "body": data.body, "affected": affected, "publish": data.publish}
    )
    add_update(session, page=page, record=record, data=first, actor_id=actor_id, now=now)
    if data.silence_alerts:
        record.window_ids = _windows(
            session, record, data.component_ids, page.time_zone, actor_id, now
        )
    session.flush()
    return record


def _windows(
    session: Session,
    record: PublicIncident,
    ids: list[int],
    zone: str,
    actor_id: int | None,
    now: datetime,
) -> list[int]:
    """One maintenance window (noise rules) per service of the affected components."""
    services = sorted(
        set(
            session.scalars(
                select(ComponentService.service_id)
                .join(Component, Component.id == ComponentService.component_id)
                .where(ComponentService.component_id.in_(ids))
            )
        )
    )
    if not services:
        raise errors.invalid(
            "silence_alerts",
            "these components have no services whose alerts could be held back",
            "no services",
        )
    windows = []
    for service_id in services:
        window = noise.create_window(
            session,
            data=WindowCreate(
                service_id=service_id,
                name=record.name[:100],
                time_zone=zone,
                starts_at=record.scheduled_for,
                ends_at=record.scheduled_until,
            ),
            now=now,
            created_by_id=actor_id,
        )
        windows.append(window.id)
    return windows
