"""Grafana alerting's webhook contact point payload (version "1"): one event per alert.

Grafana's payload is Alertmanager's with more per-alert fields, so alerts map as in
`alertmanager` (action, labels, dedup key, summary, severity, source, occurred_at).
Labels are kept as sent, `grafana_folder` included; Grafana strips private labels such
as `__alert_rule_uid__` from the payload, so the rule's UID is read back from the
silence link when the label is absent and kept in the details as `rule_uid`.

Links: `generatorURL` ("Alert rule"), `dashboardURL` ("Dashboard"), `panelURL`
("Panel"), `silenceURL` ("Silence"), `imageURL` ("Image") and the `runbook_url`
annotation ("Runbook"). Details: the annotations, plus `values`, `valueString`,
`rule_uid` and the sender's `fingerprint` when present.

A contact point with a custom payload template sends its own shape; only Grafana's
default payload is read here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from watchkeeper.pipeline.ingest.adapters.alertmanager import (
    Alert,
    alert_group,
    runbook_link,
    to_event,
)
from watchkeeper.pipeline.ingest.adapters.common import as_object, at, text
from watchkeeper.pipeline.ingest.events import NormalizedEvent

VERSION = "1"
RULE_UID_LABEL = "__alert_rule_uid__"
URL_LINKS = (
    ("generatorURL", "Alert rule"),
    ("dashboardURL", "Dashboard"),
    ("panelURL", "Panel"),
    ("silenceURL", "Silence"),
    ("imageURL", "Image"),
)


def parse(payload: Any, now: datetime) -> list[NormalizedEvent]:
    """Turn a Grafana webhook payload into one event per alert."""
    alerts = alert_group(payload, VERSION)
    raw_alerts: list[dict[str, Any]] = payload["alerts"]
    return [_event(alert, raw) for alert, raw in zip(alerts, raw_alerts, strict=True)]


def _event(alert: Alert, raw: dict[str, Any]) -> NormalizedEvent:
    urls = {name: text(raw.get(name), at(alert.field, name)) for name, _ in URL_LINKS}
    link_pairs = [(urls[name], label) for name, label in URL_LINKS]
    return to_event(
        alert, link_pairs=[*link_pairs, runbook_link(alert)], details=_details(alert, raw, urls)
    )


def _details(alert: Alert, raw: dict[str, Any], urls: dict[str, str]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if raw.get("values") is not None:
        details["values"] = as_object(raw["values"], at(alert.field, "values"))
    value_string = text(raw.get("valueString"), at(alert.field, "valueString"))
    if value_string:
        details["valueString"] = value_string
    rule_uid = alert.labels.get(RULE_UID_LABEL) or rule_uid_from_silence_url(urls["silenceURL"])
    if rule_uid:
        details["rule_uid"] = rule_uid
    return details


def rule_uid_from_silence_url(url: str) -> str:
    """The rule UID in a silence link's matchers (`matcher=__alert_rule_uid__=...`), or ""."""
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket) holds no matchers
        return ""
    # Grafana 9 joined all matchers into one comma-separated `matchers` parameter.
    matchers = query.get("matcher", []) + ",".join(query.get("matchers", [])).split(",")
    prefix = RULE_UID_LABEL + "="
    return next((m.removeprefix(prefix) for m in matchers if m.startswith(prefix)), "")
