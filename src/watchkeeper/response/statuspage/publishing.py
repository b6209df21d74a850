"""Use cases of public incidents, scheduled maintenance and update templates.

An update is a draft until published; an incident is public from its first published
update. Only what a person wrote reaches the page: the internal incident's id is kept to
link the two, nothing of its content. Callers own the transaction.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.incidents.models import Incident
from watchkeeper.response.statuspage import errors
from watchkeeper.response.statuspage.cycle import refresh
from watchkeeper.response.statuspage.models import (
    Component,
    ComponentService,
    PublicIncident,
    PublicUpdate,
    StatusPage,
    UpdateTemplate,
)
from watchkeeper.response.statuspage.schemas import (
    IncidentCreate,
    IncidentEdit,
    TemplateCreate,
    TemplateUpdate,
    UpdateCreate,
)
from watchkeeper.response.statuspage.service import get_page, priority_status
from watchkeeper.response.statuspage.status import ComponentStatus
from watchkeeper.response.subscriptions.cycle import announce

PLACEHOLDERS = ("page", "name", "components", "state", "starts", "ends")
INCIDENT_STATES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATES = ("scheduled", "in_progress", "completed")


def create_incident(
    session: Session, *, page_id: int, data: IncidentCreate, actor_id: int | None, now: datetime
) -> PublicIncident:
    page = get_page(session, page_id=page_id)
    affected = data.update.affected
    if data.incident_id is not None:
        internal = session.get(Incident, data.incident_id)
        if internal is None:
            raise errors.invalid(
                "incident_id", f"no incident {data.incident_id}", "no such incident"
            )
        if affected is None:
            affected = _components_of_incident(session, page, internal)
    record = PublicIncident(
        page_id=page_id,
        kind="incident",
        incident_id=data.incident_id,
        name=data.name,
        state="draft",
        affected={},
        window_ids=[],
        postmortem_url=data.postmortem_url,
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    session.flush()
    update_data = data.update.model_copy(update={"affected": affected})
    add_update(session, page=page, record=record, data=update_data, actor_id=actor_id, now=now)
    return record


def _components_of_incident(
    session: Session, page: StatusPage, internal: Incident
) -> dict[int, ComponentStatus]:
    """The page's components of the incident's service, at the status its priority gives."""
    status = ComponentStatus(priority_status(page)[str(internal.priority)])
    if status is ComponentStatus.OPERATIONAL:
        status = ComponentStatus.DEGRADED_PERFORMANCE
    ids = session.scalars(
        select(ComponentService.component_id)
        .join(Component, Component.id == ComponentService.component_id)
        .where(ComponentService.service_id == internal.service_id, Component.page_id == page.id)
    ).all()
    return dict.fromkeys(ids, status)


def get_incident(session: Session, *, page_id: int, incident_id: int) -> PublicIncident:
    record = session.get(PublicIncident, incident_id)
    if record is None or record.page_id != page_id:
        raise errors.incident_not_found(incident_id)
    return record


def list_incidents(
    session: Session, *, page_id: int, kind: str | None = None, limit: int = 100
) -> Sequence[PublicIncident]:
    stmt = select(PublicIncident).where(PublicIncident.page_id == page_id)
    if kind is not None:
        stmt = stmt.where(PublicIncident.kind == kind)
    order = (PublicIncident.created_at.desc(), PublicIncident.id.desc())
    return session.scalars(stmt.order_by(*order).limit(limit)).all()


def updates_of(session: Session, incident_ids: Sequence[int]) -> dict[int, list[PublicUpdate]]:
    found: dict[int, list[PublicUpdate]] = {incident_id: [] for incident_id in incident_ids}
    if not incident_ids:
        return found
    rows = session.scalars(
        select(PublicUpdate)
        .where(PublicUpdate.status_incident_id.in_(list(incident_ids)))
        .order_by(PublicUpdate.id.desc())
    )
    for row in rows:
        found[row.status_incident_id].append(row)
    return found


def edit_incident(
    session: Session, *, page_id: int, incident_id: int, data: IncidentEdit, now: datetime
) -> PublicIncident:
    record = get_incident(session, page_id=page_id, incident_id=incident_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        setattr(record, field, value)
    record.updated_at = now
    session.flush()
    return record


def delete_incident(session: Session, *, page_id: int, incident_id: int, now: datetime) -> None:
    """Delete a public incident (a mistaken one); what it declared stops counting."""
    session.delete(get_incident(session, page_id=page_id, incident_id=incident_id))
    session.flush()
    refresh(session, now, page_ids=[page_id])


def post_update(
    session: Session,
    *,
    page_id: int,
    incident_id: int,
    data: UpdateCreate,
    actor_id: int | None,
    now: datetime,
) -> PublicUpdate:
    page = get_page(session, page_id=page_id)
    record = get_incident(session, page_id=page_id, incident_id=incident_id)
    return add_update(session, page=page, record=record, data=data, actor_id=actor_id, now=now)


def add_update(
    session: Session,
    *,
    page: StatusPage,
    record: PublicIncident,
    data: UpdateCreate,
    actor_id: int | None,
    now: datetime,
) -> PublicUpdate:
    states = MAINTENANCE_STATES if record.kind == "maintenance" else INCIDENT_STATES
    if data.state not in states:
        raise errors.invalid(
            "state", f"a {record.kind} update's state is one of {', '.join(states)}", "wrong state"
        )
    affected = None if data.affected is None else _affected(session, page.id, data.affected)
    shown = affected if affected is not None else record.affected
    body = _body(session, page, record, data, shown)
    update = PublicUpdate(
        status_incident_id=record.id,
        state=data.state,
        body=body,
        affected=affected if affected is not None else dict(record.affected),
        created_by_id=actor_id,
        created_at=now,
        published_at=None,
    )
    session.add(update)
    session.flush()
    if data.publish:
        _apply(session, record, update, now)
    return update


def publish_update(
    session: Session, *, page_id: int, incident_id: int, update_id: int, now: datetime
) -> PublicUpdate:
    """Publish a reviewed draft: the page shows it, and the incident takes its state."""
    record = get_incident(session, page_id=page_id, incident_id=incident_id)
    update = session.get(PublicUpdate, update_id)
    if update is None or update.status_incident_id != record.id or update.published_at:
        raise errors.update_not_found(update_id)
    _apply(session, record, update, now)
    return update


def _apply(session: Session, record: PublicIncident, update: PublicUpdate, now: datetime) -> None:
    update.published_at = now
    record.state = update.state
    record.affected = dict(update.affected)
    record.updated_at = now
    record.published_at = record.published_at or now
    if update.state == "monitoring":
        record.monitoring_at = now
    if update.state in ("resolved", "completed"):
        record.resolved_at = now
    session.flush()
    announce(session, update=update, page_id=record.page_id, now=now)
    refresh(session, now, page_ids=[record.page_id])


def _affected(
    session: Session, page_id: int, wanted: Mapping[int, ComponentStatus]
) -> dict[str, str]:
    known = set(
        session.scalars(
            select(Component.id).where(Component.page_id == page_id, Component.id.in_(list(wanted)))
        )
    )
    if unknown := sorted(set(wanted) - known):
        raise errors.invalid(
            "affected",
            "no such components on this page: " + ", ".join(map(str, unknown)),
            "no such component",
        )
    return {str(cid): str(status) for cid, status in sorted(wanted.items())}


def _body(
    session: Session,
    page: StatusPage,
    record: PublicIncident,
    data: UpdateCreate,
    affected: Mapping[str, str],
) -> str:
    if data.body is not None:
        return data.body
    if data.template_id is None:
        raise errors.invalid("body", "an update needs a body or a template_id", "required")
    template = get_template(session, template_id=data.template_id)
    names = session.scalars(
        select(Component.name)
        .where(Component.id.in_([int(key) for key in affected]))
        .order_by(Component.position, Component.id)
    ).all()
    return fill(template.body, page=page, record=record, state=data.state, components=names)


def fill(
    body: str, *, page: StatusPage, record: PublicIncident, state: str, components: Sequence[str]
) -> str:
    """A template's text with its placeholders filled; times in the page's zone."""
    zone = ZoneInfo(page.time_zone)

    def when(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if moment else ""

    values = {
        "page": page.title,
        "name": record.name,
        "components": ", ".join(components) or "our services",
        "state": state.replace("_", " "),
        "starts": when(record.scheduled_for),
        "ends": when(record.scheduled_until),
    }
    return body.format_map(values)


def check_placeholders(body: str) -> None:
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(body) if field is not None]
    except ValueError:
        fields = ["{"]
    if unknown := [field for field in fields if field not in PLACEHOLDERS]:
        raise errors.invalid(
            "body",
            f"unknown placeholder {{{unknown[0]}}}; use "
            + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            + " (write {{ and }} for braces)",
            "unknown placeholder",
        )


# Templates


def create_template(session: Session, *, data: TemplateCreate, now: datetime) -> UpdateTemplate:
    check_placeholders(data.body)
    template = UpdateTemplate(
        name=data.name, state=data.state, body=data.body, created_at=now, updated_at=now
    )
    add_unique(session, template, lambda: errors.template_name_taken(data.name))
    return template


def get_template(session: Session, *, template_id: int) -> UpdateTemplate:
    template = session.get(UpdateTemplate, template_id)
    if template is None:
        raise errors.template_not_found(template_id)
    return template


def list_templates(session: Session) -> Sequence[UpdateTemplate]:
    return session.scalars(select(UpdateTemplate).order_by(UpdateTemplate.name)).all()


def update_template(
    session: Session, *, template_id: int, data: TemplateUpdate, now: datetime
) -> UpdateTemplate:
    template = get_template(session, template_id=template_id)
    changes = data.model_dump(exclude_unset=True)
    if "body" in changes:
        check_placeholders(changes["body"])
    name = changes.get("name", template.name)
    update_unique(
        session, template, changes, now=now, taken=lambda: errors.template_name_taken(name)
    )
    return template


def delete_template(session: Session, *, template_id: int) -> None:
    session.delete(get_template(session, template_id=template_id))
    session.flush()
