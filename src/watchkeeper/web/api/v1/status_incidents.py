"""`/api/v1/status-pages/{page_id}/incidents`: public incidents and scheduled maintenance,
their updates (drafts until published), written by responders."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from watchkeeper.core.ids import Id
from watchkeeper.response.statuspage import maintenance, publishing
from watchkeeper.response.statuspage.models import PublicIncident
from watchkeeper.response.statuspage.schemas import (
    IncidentCreate,
    IncidentEdit,
    MaintenanceCreate,
    PublicIncidentOut,
    UpdateCreate,
    UpdateOut,
)
from watchkeeper.response.statuspage.service import get_page
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["status pages"])
INCIDENTS = "/status-pages/{page_id}/incidents"
ONE = INCIDENTS + "/{incident_id}"


def incident_out(session: Session, record: PublicIncident) -> PublicIncidentOut:
    updates = publishing.updates_of(session, [record.id])[record.id]
    return PublicIncidentOut.model_validate(record).model_copy(
        update={"updates": [UpdateOut.model_validate(u) for u in updates]}
    )


@router.get(INCIDENTS, summary="List public incidents and maintenance")
def list_incidents(
    _: ApiViewer,
    session: DbSession,
    page_id: Id,
    kind: Annotated[Literal["incident", "maintenance"] | None, Query()] = None,
) -> list[PublicIncidentOut]:
    """Newest first (100), drafts included."""
    get_page(session, page_id=page_id)
    records = publishing.list_incidents(session, page_id=page_id, kind=kind)
    updates = publishing.updates_of(session, [r.id for r in records])
    return [
        PublicIncidentOut.model_validate(r).model_copy(
            update={"updates": [UpdateOut.model_validate(u) for u in updates[r.id]]}
        )
        for r in records
    ]


@router.post(INCIDENTS, status_code=201, summary="Create a public incident")
def create_incident(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    page_id: Id,
    body: IncidentCreate,
    response: Response,
) -> PublicIncidentOut:
    """From an internal incident (`incident_id`) or alone; its first update may stay a
    draft (`publish: false`) for review."""
    record = publishing.create_incident(
        session, page_id=page_id, data=body, actor_id=principal.user_id, now=now
    )
    response.headers["Location"] = f"/api/v1/status-pages/{page_id}/incidents/{record.id}"
    return incident_out(session, record)


@router.post("/status-pages/{page_id}/maintenance", status_code=201, summary="Schedule maintenance")
def create_maintenance(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    page_id: Id,
    body: MaintenanceCreate,
    response: Response,
) -> PublicIncidentOut:
    """With `silence_alerts`, also the maintenance windows of the components' services."""
    record = maintenance.create(
        session, page_id=page_id, data=body, actor_id=principal.user_id, now=now
    )
    response.headers["Location"] = f"/api/v1/status-pages/{page_id}/incidents/{record.id}"
    return incident_out(session, record)


@router.get(ONE, summary="Get a public incident")
def get_incident(
    _: ApiViewer, session: DbSession, page_id: Id, incident_id: Id
) -> PublicIncidentOut:
    return incident_out(
        session, publishing.get_incident(session, page_id=page_id, incident_id=incident_id)
    )


@router.patch(ONE, summary="Rename a public incident or link its postmortem")
def edit_incident(
    _: ApiResponder, session: DbSession, now: Now, page_id: Id, incident_id: Id, body: IncidentEdit
) -> PublicIncidentOut:
    record = publishing.edit_incident(
        session, page_id=page_id, incident_id=incident_id, data=body, now=now
    )
    return incident_out(session, record)


@router.delete(ONE, status_code=204, summary="Delete a public incident")
def delete_incident(
    _: ApiResponder, session: DbSession, now: Now, page_id: Id, incident_id: Id
) -> None:
    publishing.delete_incident(session, page_id=page_id, incident_id=incident_id, now=now)


@router.post(ONE + "/updates", status_code=201, summary="Add an update")
def post_update(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    page_id: Id,
    incident_id: Id,
    body: UpdateCreate,
) -> PublicIncidentOut:
    publishing.post_update(
        session,
        page_id=page_id,
        incident_id=incident_id,
        data=body,
        actor_id=principal.user_id,
        now=now,
    )
    return incident_out(
        session, publishing.get_incident(session, page_id=page_id, incident_id=incident_id)
    )


@router.post(ONE + "/updates/{update_id}/publish", summary="Publish a draft update")
def publish_update(
    _: ApiResponder, session: DbSession, now: Now, page_id: Id, incident_id: Id, update_id: Id
) -> PublicIncidentOut:
    publishing.publish_update(
        session, page_id=page_id, incident_id=incident_id, update_id=update_id, now=now
    )
    return incident_out(
        session, publishing.get_incident(session, page_id=page_id, incident_id=incident_id)
    )
