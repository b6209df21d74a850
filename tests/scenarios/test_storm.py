"""An alert storm on one service must not hold back anybody else's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tests.alertmanager import firing
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.ingest.models import Event


def storm_body(start: int, count: int, name: str = "RegionDown") -> dict[str, Any]:
    """One Alertmanager notification of `count` distinct firing instances of one alert."""
    body = firing(name)
    template = body["alerts"][0]
    body["alerts"] = [
        {**template, "labels": {**template["labels"], "instance": f"node-{n}"}}
        for n in range(start, start + count)
    ]
    return body


def pending_events(h: Harness) -> int:
    with h.db.transaction(write=False) as session:
        return session.scalar(select(func.count()).where(Event.processed_at.is_(None))) or 0


def test_a_quiet_services_alert_is_paged_while_a_storm_waits(h: Harness) -> None:
    p = Paging(h)
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 30))  # for service "web", the quiet one
    h.service("region", group_by=["alertname"])
    for start in range(0, 5000, 100):
        assert h.post("alertmanager", storm_body(start, 100), service="region").status_code == 202
    assert pending_events(h) == 5000

    p.alert("CheckoutDown")  # on "web", behind 5,000 events of "region"
    pages = []
    for _ in range(2):
        h.run_engine_once()
        pages += [sent.address for sent in h.channel.take()]

    assert pages == ["alice@example.com"]
    assert pending_events(h) >= 4000, "the storm took its share of the runs, not all of them"


def test_a_storm_joining_one_incident_adds_a_few_timeline_entries_not_one_each(
    h: Harness,
) -> None:
    h.service("region", group_by=["alertname"])
    for start in range(0, 2000, 100):
        assert h.post("alertmanager", storm_body(start, 100), service="region").status_code == 202
    h.run_engine()

    with h.db.transaction(write=False) as session:
        [incident] = session.scalars(select(Incident)).all()
        alerts = session.scalar(select(func.count()).where(Alert.incident_id == incident.id))
        entries = session.scalars(
            select(TimelineEntry.summary)
            .where(TimelineEntry.incident_id == incident.id, TimelineEntry.kind == "alert")
            .order_by(TimelineEntry.id)
        ).all()
    assert alerts == 2000
    assert entries[0].startswith("alert #1 opened it")
    assert [e.split(":")[0] for e in entries[1:4]] == [
        "alert #2 joined",
        "alert #3 joined",
        "alert #4 joined",
    ]
    [rollup] = entries[4:]
    assert rollup.startswith("+1,996 alerts joined since 09:00:00 UTC (latest: alert #2000 ")
