"""Prometheus Alertmanager's webhook payload (version 4): one normalized event per alert.

Mapping, per alert:

- action: `firing` is trigger, `resolved` is resolve;
- labels: the alert's labels, unchanged (at least one; values must be strings);
- dedup key: a `dedup_key` label, else a `dedup_key` annotation, else none, so the
  fingerprint is a hash of the labels. Alertmanager's own `fingerprint` is deliberately
  not used (it is kept in the details): the same labels then dedup the same way whichever
  tool sends them, and across Alertmanager upgrades;
- summary: the `summary` annotation, else `description`, else the `alertname` label,
  else `name=value` pairs of all labels; cut to 1024 characters;
- severity: the `severity` label, case-insensitive. `critical`, `crit`, `fatal`,
  `emergency`, `emerg`, `alert`, `disaster`, `page`, `p1`, `sev1` are critical; `error`,
  `err`, `high`, `major`, `p2`, `sev2` are error; `warning`, `warn`, `medium`,
  `moderate`, `minor`, `average`, `ticket`, `p3`, `sev3` are warning; `info`,
  `informational`, `notice`, `low`, `none`, `ok`, `debug`, `p4`, `p5`, `sev4`, `sev5`
  are info. "high" is error, not critical: on four-step scales (critical, high, medium,
  low) it is the second step. Any other word, or none, is error;
- source: the `instance` label, else `job`;
- details: the annotations, plus `ends_at` for resolved alerts and the sender's
  `fingerprint`;
- links: `generatorURL` ("Source") and the `runbook_url` annotation ("Runbook");
- occurred_at: `startsAt`; Go's zero time means unknown.

A resolved alert carries the same labels as when it fired, so it resolves the same alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from watchkeeper.pipeline.ingest.adapters import PayloadError
from watchkeeper.pipeline.ingest.adapters.common import (
    ROOT,
    as_list,
    as_object,
    at,
    build,
    check_json,
    labels_summary,
    links,
    severity,
    shown,
    string_map,
    text,
    timestamp,
    truncate,
)
from watchkeeper.pipeline.ingest.events import (
    MAX_DEDUP_KEY,
    MAX_FIELD,
    MAX_SUMMARY,
    Action,
    NormalizedEvent,
)

VERSION = "4"
ACTIONS = {"firing": Action.TRIGGER, "resolved": Action.RESOLVE}


@dataclass(frozen=True)
class Alert:
    """The fields every Alertmanager-shaped alert has (Alertmanager's and Grafana's)."""

    field: str
    action: Action
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime | None
    ends_at: datetime | None
    generator_url: str
    sender_fingerprint: str


def parse(payload: Any, now: datetime) -> list[NormalizedEvent]:
    """Turn an Alertmanager webhook payload into one event per alert."""
    return [
        to_event(alert, link_pairs=[(alert.generator_url, "Source"), runbook_link(alert)])
        for alert in alert_group(payload, VERSION)
    ]


def alert_group(payload: Any, version: str) -> list[Alert]:
    """Check the envelope shared with Grafana and read each of its alerts."""
    check_json(payload)
    body = as_object(payload, ROOT)
    if "version" not in body:
        raise PayloadError("version", f'is required; this endpoint reads version "{version}"')
    if body["version"] != version:
        raise PayloadError("version", f'must be "{version}", not {shown(body["version"])}')
    if "alerts" not in body:
        raise PayloadError("alerts", "is required")
    alerts = as_list(body["alerts"], "alerts")
    return [read_alert(item, at("alerts", index)) for index, item in enumerate(alerts)]


def read_alert(value: Any, field: str) -> Alert:
    """Check one alert of the group and read its common fields."""
    alert = as_object(value, field)
    status = text(alert.get("status"), at(field, "status"), required=True)
    if status not in ACTIONS:
        raise PayloadError(
            at(field, "status"), f'must be "firing" or "resolved", not {shown(status)}'
        )
    labels = string_map(alert.get("labels"), at(field, "labels"), required=True)
    if not labels:
        raise PayloadError(at(field, "labels"), "must hold at least one label")
    return Alert(
        field=field,
        action=ACTIONS[status],
        labels=labels,
        annotations=string_map(alert.get("annotations"), at(field, "annotations")),
        starts_at=timestamp(alert.get("startsAt"), at(field, "startsAt")),
        ends_at=timestamp(alert.get("endsAt"), at(field, "endsAt")),
        generator_url=text(alert.get("generatorURL"), at(field, "generatorURL")),
        sender_fingerprint=text(alert.get("fingerprint"), at(field, "fingerprint")),
    )


def to_event(
    alert: Alert, *, link_pairs: list[tuple[str, str]], details: dict[str, Any] | None = None
) -> NormalizedEvent:
    """The normalized event of one alert; `details` adds to (never replaces) annotations."""
    extra: dict[str, Any] = dict(details or {})
    if alert.sender_fingerprint:
        extra["fingerprint"] = alert.sender_fingerprint
    if alert.action is Action.RESOLVE and alert.ends_at is not None:
        extra["ends_at"] = alert.ends_at.isoformat()
    return build(
        NormalizedEvent,
        alert.field,
        action=alert.action,
        dedup_key=_dedup_key(alert),
        summary=truncate(_summary(alert), MAX_SUMMARY),
        severity=severity(alert.labels.get("severity")),
        source=truncate(alert.labels.get("instance") or alert.labels.get("job", ""), MAX_FIELD),
        labels=alert.labels,
        details={**extra, **alert.annotations},
        links=links(link_pairs),
        occurred_at=alert.starts_at,
    )


def _dedup_key(alert: Alert) -> str | None:
    for where, mapping in (("labels", alert.labels), ("annotations", alert.annotations)):
        key = mapping.get("dedup_key", "")
        if len(key) > MAX_DEDUP_KEY:
            raise PayloadError(
                at(alert.field, where, "dedup_key"),
                f"is {len(key)} characters long; the limit is {MAX_DEDUP_KEY}",
            )
        if key.strip():
            return key
    return None


def _summary(alert: Alert) -> str:
    for candidate in (
        alert.annotations.get("summary", ""),
        alert.annotations.get("description", ""),
        alert.labels.get("alertname", ""),
    ):
        if candidate.strip():
            return candidate.strip()
    return labels_summary(alert.labels)


def runbook_link(alert: Alert) -> tuple[str, str]:
    return alert.annotations.get("runbook_url", ""), "Runbook"
