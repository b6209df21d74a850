"""Opsgenie's response shapes (camelCase, times in UTC with milliseconds and a Z).

Plain dicts rather than models: the shapes are Opsgenie's, fixed, and only ever written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from watchkeeper.pipeline.ingest.opsgenie.models import OpsgenieAlert, OpsgenieNote, OpsgenieRequest


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def base_alert(alert: OpsgenieAlert, integration: str, now: datetime) -> dict[str, Any]:
    """What a list shows of an alert (Opsgenie's `BaseAlert`)."""
    snoozed = alert.snoozed_until is not None and alert.snoozed_until > now
    view: dict[str, Any] = {
        "id": alert.uid,
        "tinyId": str(alert.id),
        "alias": alert.alias,
        "message": alert.message,
        "status": alert.status,
        "acknowledged": alert.acknowledged,
        "isSeen": alert.is_seen,
        "tags": list(alert.tags),
        "snoozed": snoozed,
        "count": alert.count,
        "lastOccurredAt": stamp(alert.last_occurred_at),
        "createdAt": stamp(alert.created_at),
        "updatedAt": stamp(alert.updated_at),
        "source": alert.source,
        "owner": alert.owner,
        "priority": alert.priority,
        "responders": list(alert.responders),
        "integration": {"id": str(alert.integration_id or ""), "name": integration, "type": "API"},
        "report": _report(alert),
    }
    if snoozed and alert.snoozed_until is not None:
        view["snoozedUntil"] = stamp(alert.snoozed_until)
    return view


def alert(alert: OpsgenieAlert, integration: str, now: datetime) -> dict[str, Any]:
    """One alert in full (Opsgenie's `Alert`)."""
    return {
        **base_alert(alert, integration, now),
        "actions": list(alert.actions),
        "entity": alert.entity,
        "description": alert.description,
        "details": dict(alert.details),
    }


def request_status(request: OpsgenieRequest) -> dict[str, Any]:
    return {
        "success": request.success,
        "action": request.action,
        "processedAt": stamp(request.processed_at),
        "integrationId": str(request.integration_id or ""),
        "isSuccess": request.success,
        "status": request.status,
        "alertId": request.alert_uid,
        "alias": request.alias,
    }


def note(item: OpsgenieNote) -> dict[str, Any]:
    return {
        "note": item.note,
        "owner": item.owner,
        "createdAt": stamp(item.created_at),
        "offset": str(item.id),
    }


def _report(alert: OpsgenieAlert) -> dict[str, Any]:
    report: dict[str, Any] = {}
    if alert.acknowledged_at is not None:
        report["ackTime"] = _millis(alert.acknowledged_at - alert.created_at)
        report["acknowledgedBy"] = alert.acknowledged_by
    if alert.closed_at is not None:
        report["closeTime"] = _millis(alert.closed_at - alert.created_at)
        report["closedBy"] = alert.closed_by
    return report


def _millis(delta: Any) -> int:
    return int(delta.total_seconds() * 1000)
