"""Inbound adapters on saved real payloads: what each format becomes, and what is refused."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from watchkeeper.pipeline.ingest.adapters import (
    PayloadError,
    alertmanager,
    generic,
    grafana,
    pagerduty,
)
from watchkeeper.pipeline.ingest.adapters.common import SEVERITY_WORDS
from watchkeeper.pipeline.ingest.events import (
    Action,
    ChangeEvent,
    Link,
    NormalizedEvent,
    Severity,
    labels_fingerprint,
)

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
PAYLOADS = Path(__file__).parent.parent / "payloads"
DOCS = Path(__file__).parent.parent.parent / "docs"


def load(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


Parser = Callable[[Any, datetime], Sequence[BaseModel]]
DELETE = object()
AM, GF, PD = "alertmanager_firing", "grafana_firing", "pagerduty_trigger"


def damaged(name: str, path: str, value: Any) -> Any:
    """A saved payload with the field at dotted `path` set to `value` (or deleted)."""
    payload = load(name)
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    node = payload
    for part in parents:
        node = node[part]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return payload


def refused(parse: Parser, payload: Any) -> PayloadError:
    with pytest.raises(PayloadError) as caught:
        parse(payload, NOW)
    return caught.value


def change(payload: Any, now: datetime) -> list[ChangeEvent]:
    return [pagerduty.parse_change(payload, now)[1]]


PARSERS: dict[str, Parser] = {
    "alertmanager": alertmanager.parse,
    "grafana": grafana.parse,
    "pagerduty": pagerduty.parse,
    "pagerduty_change": change,
    "generic": generic.parse,
}


def parser_of(name: str) -> Parser:
    return PARSERS["pagerduty_change" if name == "pagerduty_change" else name.split("_")[0]]


# Alertmanager


def test_alertmanager_firing_alert_is_a_trigger_keyed_by_its_labels() -> None:
    [event] = alertmanager.parse(load(AM), NOW)
    assert event.action is Action.TRIGGER
    assert event.dedup_key is None
    assert event.fingerprint() == labels_fingerprint(event.labels)
    assert event.labels == load(AM)["alerts"][0]["labels"]
    assert event.summary == "Checkout p99 latency is 2.31s"
    assert event.severity is Severity.CRITICAL
    assert event.source == "checkout"
    assert [link.text for link in event.links] == ["Source", "Runbook"]
    assert "&g0.tab=1" in event.links[0].href
    assert event.links[1].href == "https://runbooks.example.com/checkout/high-latency"
    assert event.occurred_at == datetime(2026, 1, 15, 8, 52, 26, 739266, tzinfo=UTC)


@pytest.mark.parametrize("source", ["alertmanager", "grafana"])
def test_a_resolved_alert_resolves_the_fingerprint_that_fired(source: str) -> None:
    parse = alertmanager.parse if source == "alertmanager" else grafana.parse
    [fired], [resolved] = (
        parse(load(f"{source}_firing"), NOW),
        parse(load(f"{source}_resolved"), NOW),
    )
    assert resolved.action is Action.RESOLVE
    assert resolved.fingerprint() == fired.fingerprint()
    assert resolved.details["ends_at"].endswith("+00:00")


def test_alertmanager_group_gives_one_event_per_alert() -> None:
    events = alertmanager.parse(load("alertmanager_grouped"), NOW)
    assert [e.action for e in events] == [Action.TRIGGER, Action.TRIGGER, Action.RESOLVE]
    assert [e.severity for e in events] == [Severity.CRITICAL, Severity.WARNING, Severity.WARNING]
    assert events[0].source == "db-1.prod.example.com:9100"
    assert len({e.fingerprint() for e in events}) == 3


def test_a_resent_alert_has_the_same_fingerprint_whatever_alertmanager_calls_it() -> None:
    [first] = alertmanager.parse(load(AM), NOW)
    payload = damaged(AM, "alerts.0.fingerprint", "0000000000000000")
    payload["alerts"][0]["annotations"]["summary"] = "Checkout p99 latency is 2.9s"
    assert alertmanager.parse(payload, NOW)[0].fingerprint() == first.fingerprint()


def test_the_same_labels_from_grafana_and_alertmanager_are_the_same_alert() -> None:
    from_grafana = damaged(GF, "alerts.0.labels", load(AM)["alerts"][0]["labels"])
    [via_grafana] = grafana.parse(from_grafana, NOW)
    [via_alertmanager] = alertmanager.parse(load(AM), NOW)
    assert via_grafana.fingerprint() == via_alertmanager.fingerprint()


@pytest.mark.parametrize("where", ["labels", "annotations"])
def test_a_dedup_key_label_or_annotation_is_the_key(where: str) -> None:
    [event] = alertmanager.parse(
        damaged(AM, f"alerts.0.{where}.dedup_key", "checkout-latency"), NOW
    )
    assert event.dedup_key == "checkout-latency"
    assert event.fingerprint() == "checkout-latency"


def test_summary_falls_back_to_description_then_alertname_then_labels() -> None:
    def summary(annotations: dict[str, str], labels: dict[str, str]) -> str:
        payload = damaged(AM, "alerts.0.annotations", annotations)
        payload["alerts"][0]["labels"] = labels
        return alertmanager.parse(payload, NOW)[0].summary

    assert summary({"description": "Queue backs up"}, {"alertname": "Queue"}) == "Queue backs up"
    assert summary({}, {"alertname": "QueueDepth", "queue": "mail"}) == "QueueDepth"
    assert summary({}, {"queue": "mail", "env": "prod"}) == "env=prod, queue=mail"


@pytest.mark.parametrize(
    ("word", "severity"),
    [
        ("Page", Severity.CRITICAL),
        ("high", Severity.ERROR),
        ("ticket", Severity.WARNING),
        ("low", Severity.INFO),
        ("bananas", Severity.ERROR),
    ],
)
def test_severity_label_words_map_onto_four_severities(word: str, severity: Severity) -> None:
    payload = damaged(AM, "alerts.0.labels.severity", word)
    assert alertmanager.parse(payload, NOW)[0].severity is severity


def test_every_severity_word_is_in_the_docs() -> None:
    rows = (DOCS / "events.md").read_text().splitlines()
    for level, words in SEVERITY_WORDS.items():
        [row] = [row for row in rows if row.startswith(f"| {level.value} | `")]
        assert sorted(re.findall(r"`([^`]+)`", row)) == sorted(words.split())


def test_go_zero_start_time_means_unknown_and_long_summaries_are_cut() -> None:
    payload = damaged(AM, "alerts.0.startsAt", "0001-01-01T00:00:00Z")
    payload["alerts"][0]["annotations"]["summary"] = "x" * 5000
    [event] = alertmanager.parse(payload, NOW)
    assert event.occurred_at is None
    assert len(event.summary) == 1024
    assert event.summary.endswith("…")


# Links: only http, https and mailto; any other (javascript:, data:, ...) is dropped and
# the event kept, because a monitoring tool must not lose an alert over a link.

UNSAFE_HREFS = [
    "javascript:alert(document.cookie)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "/relative/to/watchkeeper",
]
LINK_FIELDS = [
    (AM, "alerts.0.generatorURL"),
    (AM, "alerts.0.annotations.runbook_url"),
    (GF, "alerts.0.panelURL"),
    (PD, "links.0.href"),
    (PD, "images.0.src"),
    (PD, "client_url"),
    ("generic_single", "links.0.href"),
    ("pagerduty_change", "links.0.href"),
]


@pytest.mark.parametrize(("name", "path"), LINK_FIELDS)
@pytest.mark.parametrize("href", UNSAFE_HREFS)
def test_an_unsafe_link_is_dropped_and_the_event_kept(name: str, path: str, href: str) -> None:
    parse = parser_of(name)
    safe = _hrefs(parse(load(name), NOW)[0])
    kept = _hrefs(parse(damaged(name, path, href), NOW)[0])
    assert href not in kept
    assert len(kept) == len(safe) - 1
    assert set(kept) <= set(safe)


def _hrefs(event: BaseModel) -> list[str]:
    assert isinstance(event, NormalizedEvent | ChangeEvent)
    return [link.href for link in event.links]


@pytest.mark.parametrize(
    "href",
    ["https://example.com/x", "HTTP://example.com", "mailto:oncall@example.com", " https://x/ "],
)
def test_http_https_and_mailto_links_are_kept(href: str) -> None:
    [event] = generic.parse({"summary": "x", "links": [{"href": href}]}, NOW)
    assert [link.href for link in event.links] == [href]


@pytest.mark.parametrize(
    ("name", "path", "value", "field"),
    [
        (AM, "alerts", DELETE, "alerts"),
        (AM, "version", "3", "version"),
        (AM, "version", DELETE, "version"),
        (AM, "alerts.0", "HighLatency", "alerts.0"),
        (AM, "alerts.0.status", DELETE, "alerts.0.status"),
        (AM, "alerts.0.status", "pending", "alerts.0.status"),
        (AM, "alerts.0.labels", {}, "alerts.0.labels"),
        (AM, "alerts.0.labels.team", 7, "alerts.0.labels.team"),
        (AM, "alerts.0.labels.team", "pay\ud800", "alerts.0.labels.team"),
        (AM, "alerts.0.annotations.summary", ["a"], "alerts.0.annotations.summary"),
        (AM, "alerts.0.startsAt", "2026-01-15T08:52:26", "alerts.0.startsAt"),
        (AM, "alerts.0.labels.dedup_key", "k" * 256, "alerts.0.labels.dedup_key"),
        (AM, "commonLabels", {"x": float("nan")}, "commonLabels.x"),
        (GF, "version", "4", "version"),
        (GF, "alerts.0.values", [1, 2], "alerts.0.values"),
        (GF, "alerts.0.labels.grafana_folder", None, "alerts.0.labels.grafana_folder"),
        (PD, "payload.summary", "s" * 1025, "payload.summary"),
        (PD, "dedup_key", "k" * 256, "dedup_key"),
        (PD, "routing_key", DELETE, "routing_key"),
        (PD, "event_action", "snooze", "event_action"),
        (PD, "payload", DELETE, "payload"),
        (PD, "payload.source", DELETE, "payload.source"),
        (PD, "payload.severity", "high", "payload.severity"),
        (PD, "payload.timestamp", "15/01/2026", "payload.timestamp"),
        (PD, "links.0.href", DELETE, "links.0.href"),
        (PD, "images.0", "https://x.example.com/a.png", "images.0"),
        ("pagerduty_acknowledge", "dedup_key", DELETE, "dedup_key"),
        ("pagerduty_resolve", "dedup_key", "", "dedup_key"),
        ("pagerduty_change", "payload.summary", DELETE, "payload.summary"),
        ("pagerduty_change", "routing_key", DELETE, "routing_key"),
    ],
)
def test_malformed_payloads_are_refused_naming_the_field(
    name: str, path: str, value: Any, field: str
) -> None:
    assert refused(parser_of(name), damaged(name, path, value)).field == field


def test_a_payload_that_is_not_an_object_is_refused_as_a_whole() -> None:
    assert refused(alertmanager.parse, [load(AM)]).field == "body"


# Grafana


def test_grafana_firing_alert_keeps_labels_links_and_values() -> None:
    [event] = grafana.parse(load(GF), NOW)
    assert event.action is Action.TRIGGER
    assert event.labels["grafana_folder"] == "Checkout"
    assert event.summary == "Checkout p99 latency above 1.5s"
    assert event.severity is Severity.CRITICAL
    texts = [link.text for link in event.links]
    assert texts == ["Alert rule", "Dashboard", "Panel", "Silence", "Runbook"]
    assert event.details["values"] == {"A": 2.31, "B": 1}
    assert event.details["rule_uid"] == "bdz5m3k8x9f5sc"
    assert event.occurred_at == datetime(2026, 1, 15, 8, 52, 10, tzinfo=UTC)


def test_grafana_rule_uid_label_is_kept_and_old_silence_links_are_read() -> None:
    payload = damaged(GF, "alerts.0.labels.__alert_rule_uid__", "uid-1")
    [event] = grafana.parse(payload, NOW)
    assert (event.labels["__alert_rule_uid__"], event.details["rule_uid"]) == ("uid-1", "uid-1")
    grafana_9 = (
        "https://g.example.com/alerting/silence/new?matchers=__alert_rule_uid__%3Dold%2Cx%3Dy"
    )
    assert grafana.rule_uid_from_silence_url(grafana_9) == "old"


# PagerDuty


def test_pagerduty_trigger_keeps_key_labels_details_and_links() -> None:
    routing_key, event = pagerduty.parse_event(load(PD), NOW)
    assert routing_key == "c4f1e9b27a5d4e08b3a6f2d19e7c0b58"
    assert event.action is Action.TRIGGER
    assert event.fingerprint() == "db-1.prod.example.com/disk/var-lib-postgresql"
    assert event.severity is Severity.CRITICAL
    assert event.source == "db-1.prod.example.com"
    assert list(event.labels) == ["severity", "source", "component", "group", "class"]
    assert list(event.labels.values())[2:] == ["postgres", "prod-db", "disk full"]
    assert event.details["used_percent"] == 98.1
    texts = ["Runbook: PostgreSQL disk full", "Disk usage on db-1, last 6 hours", "Icinga"]
    assert [link.text for link in event.links] == texts
    assert event.links[1].href == "https://graphs.example.com/render/db-1.prod.example.com/disk.png"
    assert event.occurred_at == datetime(2026, 1, 15, 8, 42, 58, 315000, tzinfo=UTC)
    assert pagerduty.parse(load(PD), NOW) == [event]


@pytest.mark.parametrize(
    ("name", "action"), [("acknowledge", Action.ACKNOWLEDGE), ("resolve", Action.RESOLVE)]
)
def test_pagerduty_acknowledge_and_resolve_name_the_triggered_alert(
    name: str, action: Action
) -> None:
    _, triggered = pagerduty.parse_event(load(PD), NOW)
    _, event = pagerduty.parse_event(load(f"pagerduty_{name}"), NOW)
    assert event.action is action
    assert event.fingerprint() == triggered.fingerprint()


def test_pagerduty_trigger_without_dedup_key_gets_a_new_one() -> None:
    payload = load(PD)
    del payload["dedup_key"]
    _, first = pagerduty.parse_event(payload, NOW)
    _, second = pagerduty.parse_event(payload, NOW)
    assert re.fullmatch("[0-9a-f]{32}", first.dedup_key or "")
    assert first.dedup_key != second.dedup_key
    assert pagerduty.parse_event(payload, NOW, new_key=lambda: "fixed")[1].dedup_key == "fixed"


def test_pagerduty_custom_details_that_are_not_an_object_are_kept() -> None:
    payload = load(PD)
    payload["payload"]["custom_details"] = "disk at 98%"
    assert pagerduty.parse(payload, NOW)[0].details == {"custom_details": "disk at 98%"}


def test_pagerduty_limits_are_exact() -> None:
    payload = load(PD)
    payload["payload"]["summary"] = "s" * 1024
    payload["dedup_key"] = "k" * 255
    assert len(pagerduty.parse(payload, NOW)[0].summary) == 1024


def test_pagerduty_change_event_becomes_a_change() -> None:
    routing_key, event = pagerduty.parse_change(load("pagerduty_change"), NOW)
    assert routing_key == "c4f1e9b27a5d4e08b3a6f2d19e7c0b58"
    assert event.summary == "Deployed checkout v2.14.0 to production"
    assert event.source == "github-actions"
    assert event.details["commit"] == "9f1c2ab"
    assert event.links[0].text == "View the deploy run"
    assert event.occurred_at == datetime(2026, 1, 15, 8, 30, 12, tzinfo=UTC)


# Generic


def test_generic_single_event_is_a_trigger_by_default() -> None:
    [event] = generic.parse(load("generic_single"), NOW)
    assert event.action is Action.TRIGGER
    assert event.summary == "Nightly backup of orders-db failed"
    assert event.fingerprint() == labels_fingerprint(event.labels)
    assert event.details["exit_code"] == 2
    assert event.links == [
        Link(href="https://ci.example.com/jobs/nightly-backup/runs/9312", text="Job log")
    ]
    assert event.occurred_at == datetime(2026, 1, 15, 2, 0, 7, tzinfo=UTC)


def test_generic_list_gives_one_event_each_and_labels_resolve_the_same_alert() -> None:
    events = generic.parse(load("generic_list"), NOW)
    assert [e.action for e in events] == [Action.TRIGGER, Action.ACKNOWLEDGE, Action.RESOLVE]
    assert events[0].fingerprint() == "tls-expiry/shop.example.com"
    assert events[0].occurred_at == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    [backup] = generic.parse(load("generic_single"), NOW)
    assert events[2].fingerprint() == backup.fingerprint()


def test_generic_list_holds_at_most_100_events() -> None:
    event = {"summary": "Queue depth high", "dedup_key": "queue"}
    assert len(generic.parse([event] * 100, NOW)) == 100
    error = refused(generic.parse, [event] * 101)
    assert error.field == "body"
    assert "100" in error.message


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"severity": "critical"}, "summary"),
        ([{"summary": "ok"}, {"summary": "  "}], "1.summary"),
        ({"summary": "x", "sevrity": "info"}, "sevrity"),
        ({"summary": "x", "labels": {"team": 1}}, "labels.team"),
        ([{"summary": "x"}, {"summary": "y", "links": [{"text": "t"}]}], "1.links.0.href"),
        ({"summary": "x", "occurred_at": "2026-01-15T02:00:07"}, "occurred_at"),
        ({"summary": "x", "occurred_at": 1768442407}, "occurred_at"),
        ([], "body"),
        ("Backup failed", "body"),
        ([{"summary": "x"}, 3], "1"),
    ],
)
def test_malformed_generic_events_are_refused_naming_the_field(payload: Any, field: str) -> None:
    assert refused(generic.parse, payload).field == field


def test_the_committed_event_schema_is_the_generated_one() -> None:
    committed = (DOCS / "event-schema.json").read_text()
    command = "python -m watchkeeper.pipeline.ingest.adapters.generic > docs/event-schema.json"
    assert committed == generic.event_schema_json(), f"regenerate it: {command}"


# Any input: parsed or refused with PayloadError, never another exception

WEIRD_TEXT = st.text() | st.text(st.characters(categories=["Cs", "Cc", "Zs", "Lo"]), max_size=4)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | WEIRD_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(WEIRD_TEXT, inner, max_size=4),
    max_leaves=12,
)
NAMES = sorted(path.stem for path in PAYLOADS.glob("*.json"))


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair of a decoded JSON value, at any depth."""
    if isinstance(value, dict | list):
        keys = list(value) if isinstance(value, dict) else range(len(value))
        return [slot for key in keys for slot in [(value, key), *_slots(value[key])]]
    return []


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(NAMES))
    payload = load(name)
    container, key = draw(st.sampled_from(_slots(payload)))
    if draw(st.booleans()) and isinstance(container, dict):
        del container[key]
    else:
        container[key] = draw(JSON)
    return name, payload


def _parses_or_refuses(parse: Parser, payload: Any) -> None:
    """Whatever parses must also be storable: valid UTF-8 JSON with a fingerprint."""
    try:
        events = parse(payload, NOW)
    except PayloadError:
        return
    for event in events:
        event.model_dump_json().encode()
        if isinstance(event, NormalizedEvent):
            event.fingerprint()


@settings(max_examples=300, deadline=None)
@given(parser=st.sampled_from(sorted(PARSERS)), payload=JSON)
def test_random_json_is_parsed_or_refused(parser: str, payload: Any) -> None:
    _parses_or_refuses(PARSERS[parser], payload)


@settings(max_examples=500, deadline=None)
@given(case=mutated())
def test_damaged_real_payloads_are_parsed_or_refused(case: tuple[str, Any]) -> None:
    name, payload = case
    _parses_or_refuses(parser_of(name), payload)
