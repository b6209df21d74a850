"""Use cases of the Opsgenie drop-in: create an alert (alias dedup), act on one, log it.

Each runs inside the caller's transaction and writes three things at once: Opsgenie's
alert record, the request's outcome (`opsgenie_requests`) and, for what pages or stops
paging (create, acknowledge, close), a normalized event for the correlate stage. So a
202 means all three are committed. Like Opsgenie, an action on an alert that does not
exist is accepted and fails in its request status, not in the HTTP answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.orm import Session

from watchkeeper.db.upsert import insert_for
from watchkeeper.pipeline.ingest.adapters.opsgenie import (
    ActionBody,
    NewAlert,
    closing_event,
    event_for,
)
from watchkeeper.pipeline.ingest.events import NormalizedEvent
from watchkeeper.pipeline.ingest.integrations import Target
from watchkeeper.pipeline.ingest.opsgenie import actions
from watchkeeper.pipeline.ingest.opsgenie.models import (
    OpsgenieAlert,
    OpsgenieNote,
    OpsgenieRequest,
    OpsgenieTag,
)
from watchkeeper.pipeline.ingest.opsgenie.queries import find
from watchkeeper.pipeline.ingest.writer import Submission, write_batch


@dataclass(frozen=True)
class Raw:
    """The request body as it arrived, kept like every source's (bounded) for audit."""

    body: bytes = b""
    content_type: str = "application/json"


@dataclass(frozen=True)
class Outcome:
    """What the request did, as its request status will tell it."""

    request_id: str
    success: bool
    status: str
    alert_uid: str = ""
    alias: str = ""
    paged: bool = False  # an event went to the page path: wake the engine


def new_id() -> str:
    return str(uuid.uuid4())


def create(
    session: Session, *, target: Target, alert: NewAlert, raw: Raw, request_id: str, now: datetime
) -> Outcome:
    """Open an alert, or count a repeat of the open alert with the same alias."""
    uid = new_id()
    alias = alert.alias or uid
    user = alert.user or alert.source
    stmt = insert_for(session, OpsgenieAlert).values(
        uid=uid,
        service_id=target.service_id,
        integration_id=target.integration_id,
        alias=alias,
        status="open",
        acknowledged=False,
        is_seen=False,
        message=alert.message,
        description=alert.description,
        priority=alert.priority,
        source=alert.source,
        entity=alert.entity,
        owner="",
        tags=alert.tags,
        details=alert.details,
        actions=alert.actions,
        responders=alert.responders,
        visible_to=alert.visible_to,
        count=1,
        snoozed_until=None,
        created_at=now,
        updated_at=now,
        last_occurred_at=now,
        acknowledged_at=None,
        acknowledged_by="",
        closed_at=None,
        closed_by="",
    )
    table = OpsgenieAlert.__table__
    stmt = stmt.on_conflict_do_update(
        index_elements=["service_id", "alias"],
        index_where=text("status = 'open'"),
        set_={"count": table.c.count + 1, "last_occurred_at": now, "updated_at": now},
    ).returning(table.c.id, table.c.uid)
    alert_id, stored_uid = session.execute(stmt).one()
    created = stored_uid == uid
    if created and alert.tags:
        session.execute(insert(OpsgenieTag), [{"alert_id": alert_id, "tag": t} for t in alert.tags])
    if alert.note:
        _note(session, alert_id, alert.note, user, now)
    _append(session, target, event_for(alert, alias, now), raw, now)
    status = "Created alert" if created else "Alert is deduplicated"
    return _log(
        session, target, request_id, "Create", now, True, status, stored_uid, alias, paged=True
    )


def act(
    session: Session,
    *,
    target: Target,
    identifier: str,
    identifier_type: str,
    action: str,
    body: ActionBody,
    raw: Raw,
    request_id: str,
    now: datetime,
    argument: Any = None,
) -> Outcome:
    """Apply one action (`actions.NAMES`) to the alert named by `identifier`."""
    name = actions.NAMES[action]
    alert = find(session, target.service_id, identifier, identifier_type, lock=True)
    if alert is None:
        return _log(session, target, request_id, name, now, False, "Alert does not exist")
    change = actions.apply(alert, action, body, argument, now)
    if change.error:
        return _log(
            session, target, request_id, name, now, False, change.error, alert.uid, alert.alias
        )
    if change.tags is not None:
        session.execute(delete(OpsgenieTag).where(OpsgenieTag.alert_id == alert.id))
        if change.tags:
            rows = [{"alert_id": alert.id, "tag": tag} for tag in change.tags]
            session.execute(insert(OpsgenieTag), rows)
    note = change.note or body.note
    if note:
        _note(session, alert.id, note, body.user or body.source, now)
    if change.event is not None:
        _append(session, target, closing_event(alert.alias, change.event), raw, now)
    return _log(
        session,
        target,
        request_id,
        name,
        now,
        True,
        change.status,
        alert.uid,
        alert.alias,
        paged=change.event is not None,
    )


def _note(session: Session, alert_id: int, note: str, owner: str, now: datetime) -> None:
    session.add(OpsgenieNote(alert_id=alert_id, note=note, owner=owner[:100], created_at=now))


def _append(
    session: Session, target: Target, event: NormalizedEvent, raw: Raw, now: datetime
) -> None:
    submission = Submission(
        integration_id=target.integration_id,
        service_id=target.service_id,
        received_at=now,
        events=[event],
        raw=raw.body,
        content_type=raw.content_type,
    )
    write_batch(session, [submission])


def _log(
    session: Session,
    target: Target,
    request_id: str,
    action: str,
    now: datetime,
    success: bool,
    status: str,
    alert_uid: str = "",
    alias: str = "",
    *,
    paged: bool = False,
) -> Outcome:
    session.add(
        OpsgenieRequest(
            id=request_id,
            integration_id=target.integration_id,
            action=action,
            success=success,
            status=status[:255],
            alert_uid=alert_uid,
            alias=alias,
            processed_at=now,
        )
    )
    session.flush()
    return Outcome(request_id, success, status, alert_uid, alias, paged)
