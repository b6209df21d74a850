"""Batched correlation is sequential correlation: a model-based property test.

Random sequences of trigger, acknowledge and resolve events over three services and a
few dedup keys, with a routing rule, a drop rule, a suppress rule, a silence, grouping
and flapping, are correlated by the real engine stage in batches of random sizes (lanes
cut short at random). A plain reference model then takes the same events one at a time,
in the order the stage took them, each at the time its batch ran. Alerts, incidents and
every event's outcome must come out exactly the same; and the order the stage chose must
keep each lane in id order and each fingerprint in id order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import START, empty_all_tables
from tests.factories import make_service
from watchkeeper.db.session import Database
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate import cycle
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.correlate.noise.evaluate import Flaps
from watchkeeper.pipeline.correlate.noise.models import RoutingRule, Silence
from watchkeeper.pipeline.correlate.pending import Lanes
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent
from watchkeeper.pipeline.ingest.models import Event
from watchkeeper.pipeline.ingest.writer import Submission, write_batch

FLAP_CHANGES = 3
FLAP_WINDOW = timedelta(minutes=30)
GROUP_WINDOW = timedelta(minutes=60)


@dataclass(frozen=True)
class Sent:
    """One event as a monitoring tool sends it, to one of the three services."""

    lane: int  # 0, 1, 2: services A, B (groups by alertname), C (never auto-resolves)
    action: Action
    key: str
    alertname: str
    team: str  # "db" is routed to service B
    noise: bool  # dropped by a rule
    quiet: bool  # suppressed by a rule
    staging: bool  # silenced

    def event(self) -> NormalizedEvent:
        labels = {"alertname": self.alertname, "team": self.team}
        labels |= {"noise": "yes"} if self.noise else {}
        labels |= {"quiet": "yes"} if self.quiet else {}
        labels |= {"env": "staging" if self.staging else "prod"}
        return NormalizedEvent(
            action=self.action,
            dedup_key=self.key,
            summary=f"{self.alertname} on {self.key}",
            labels=labels,
        )


sends = st.builds(
    Sent,
    lane=st.integers(0, 2),
    action=st.sampled_from([Action.TRIGGER, Action.TRIGGER, Action.ACKNOWLEDGE, Action.RESOLVE]),
    key=st.sampled_from(["k1", "k2", "k3", "k4"]),
    alertname=st.sampled_from(["DiskFull", "HighLatency"]),
    team=st.sampled_from(["web", "web", "db"]),
    noise=st.sampled_from([False, False, False, True]),
    quiet=st.sampled_from([False, False, False, True]),
    staging=st.sampled_from([False, False, False, True]),
)
# Steps: events arrive, then the clock moves on and the stage runs in batches.
steps = st.lists(
    st.tuples(
        st.lists(sends, min_size=1, max_size=8),
        st.integers(0, 40),  # minutes until the stage runs
        st.integers(1, 6),  # batch size
        st.integers(1, 4),  # lane share
        st.integers(1, 3),  # runs (the rest waits for the next step)
    ),
    min_size=1,
    max_size=6,
)


@dataclass
class ModelAlert:
    service: int
    key: str
    status: str = "firing"
    count: int = 1
    suppressed: bool = False
    flapping: bool = False
    incident: int | None = None


@dataclass
class ModelIncident:
    number: int
    service: int
    group_key: str | None
    title: str
    created_at: datetime
    status: str = "triggered"


@dataclass
class Model:
    """Correlation as the product describes it, one event at a time."""

    services: list[int]
    alerts: list[ModelAlert] = field(default_factory=list)
    incidents: list[ModelIncident] = field(default_factory=list)
    flaps: dict[tuple[int, str], Flaps] = field(default_factory=dict)

    def open_alert(self, service: int, key: str) -> ModelAlert | None:
        found = [a for a in self.alerts if (a.service, a.key) == (service, key)]
        return found[-1] if found and found[-1].status != "resolved" else None

    def flap(self, service: int, key: str, now: datetime) -> bool:
        flaps = self.flaps.setdefault((service, key), Flaps(changes=[]))
        return flaps.record(now, limit=FLAP_CHANGES, window=FLAP_WINDOW)

    def take(self, sent: Sent, now: datetime) -> str:
        if sent.noise:
            return "dropped"
        service = self.services[1] if sent.team == "db" else self.services[sent.lane]
        alert = self.open_alert(service, sent.key)
        if sent.action is Action.TRIGGER:
            if alert is not None:
                alert.count += 1
                return "repeat"
            flapping = self.flap(service, sent.key, now)
            alert = ModelAlert(service, sent.key, flapping=flapping)
            self.alerts.append(alert)
            if sent.quiet or sent.staging or flapping:
                alert.suppressed = True
                return "suppressed"
            return self.attach(alert, sent, now)
        if alert is None:
            return "ignored"
        incident = self.incidents[alert.incident - 1] if alert.incident else None
        if sent.action is Action.ACKNOWLEDGE:
            alert.status = "acknowledged" if alert.status == "firing" else alert.status
            if incident is not None and incident.status == "triggered":
                incident.status = "acknowledged"
            return "acknowledged"
        alert.status = "resolved"
        self.flap(service, sent.key, now)
        if incident is not None and incident.status in ("triggered", "acknowledged"):
            still_open = [a for a in self.alerts if a.incident == incident.number]
            if all(a.status == "resolved" for a in still_open) and service != self.services[2]:
                incident.status = "resolved"
        return "resolved"

    def attach(self, alert: ModelAlert, sent: Sent, now: datetime) -> str:
        group = f"alertname={sent.alertname}" if alert.service == self.services[1] else None
        if group is not None:
            for incident in reversed(self.incidents):
                if (
                    (incident.service, incident.group_key) == (alert.service, group)
                    and incident.status in ("triggered", "acknowledged")
                    and incident.created_at >= now - GROUP_WINDOW
                ):
                    alert.incident = incident.number
                    return "joined"
        number = len(self.incidents) + 1
        title = f"{sent.alertname} on {sent.key}"
        self.incidents.append(ModelIncident(number, alert.service, group, title, now))
        alert.incident = number
        return "opened"


def prepare(database: Database) -> list[int]:
    """Services A, B, C and the noise rules; returns the service ids."""
    empty_all_tables(database)

    def setup(session: Any) -> list[int]:
        a, b, c = (make_service(session, now=START, name=name) for name in "ABC")
        b.group_by = ["alertname"]
        c.auto_resolve = False
        rule = {"enabled": True, "created_at": START, "updated_at": START, "add_tags": []}
        session.add_all(
            [
                RoutingRule(
                    position=1,
                    name="drop noise",
                    matchers=[{"name": "noise", "op": "=", "value": "yes"}],
                    drop=True,
                    suppress=False,
                    continue_matching=False,
                    **rule,
                ),
                RoutingRule(
                    position=2,
                    name="db to B",
                    matchers=[{"name": "team", "op": "=", "value": "db"}],
                    set_service_id=b.id,
                    drop=False,
                    suppress=False,
                    continue_matching=True,
                    **rule,
                ),
                RoutingRule(
                    position=3,
                    name="quiet",
                    matchers=[{"name": "quiet", "op": "=", "value": "yes"}],
                    drop=False,
                    suppress=True,
                    continue_matching=False,
                    **rule,
                ),
                Silence(
                    matchers=[{"name": "env", "op": "=", "value": "staging"}],
                    starts_at=START - timedelta(days=1),
                    ends_at=START + timedelta(days=30),
                    comment="staging is noisy",
                    created_at=START,
                ),
            ]
        )
        session.flush()
        return [a.id, b.id, c.id]

    return database.run(setup)


def correlate(database: Database, now: datetime, lanes: Lanes) -> list[tuple[int, str, datetime]]:
    """One run of the stage: (event id, outcome, when) in the order it took them."""
    outcomes = database.run(
        partial(
            cycle.run_once,
            now=now,
            flap_changes=FLAP_CHANGES,
            flap_window=FLAP_WINDOW,
            lanes=lanes,
        )
    )
    return [(o.event_id, o.kind, now) for o in outcomes]


def check(database: Database, plan: list[tuple[list[Sent], int, int, int, int]]) -> None:
    services = prepare(database)
    now = START
    sent_by_id: dict[int, Sent] = {}
    taken: list[tuple[int, str, datetime]] = []  # event id, outcome, when, in stage order
    for batch, minutes, size, share, runs in plan:
        submissions = [
            Submission(
                integration_id=None,
                service_id=services[sent.lane],
                received_at=now,
                events=[sent.event()],
            )
            for sent in batch
        ]
        database.run(partial(write_batch, batch=submissions))
        with database.transaction(write=False) as session:
            newest = session.scalars(
                select(Event.id).order_by(Event.id.desc()).limit(len(batch))
            ).all()
        sent_by_id |= dict(zip(sorted(newest), batch, strict=True))
        now += timedelta(minutes=minutes)
        lanes = Lanes(batch=size, share=share, min_share=1)
        for _ in range(runs):
            taken += correlate(database, now, lanes)
    # Whatever is still waiting runs at the end.
    while more := correlate(database, now, Lanes()):
        taken += more

    assert sorted(event_id for event_id, _, _ in taken) == sorted(sent_by_id)
    order = [event_id for event_id, _, _ in taken]
    for lane in range(3):
        in_lane = [i for i in order if sent_by_id[i].lane == lane]
        assert in_lane == sorted(in_lane), "a lane is taken in id order"
    for key in {sent.key for sent in sent_by_id.values()}:
        same = [i for i in order if sent_by_id[i].key == key]
        assert same == sorted(same), "one fingerprint's events keep their order"

    model = Model(services)
    expected = [model.take(sent_by_id[event_id], at) for event_id, _, at in taken]
    assert [kind for _, kind, _ in taken] == expected
    with database.transaction(write=False) as session:
        alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
        incidents = session.scalars(select(Incident).order_by(Incident.id)).all()
    assert [
        (
            a.service_id,
            a.fingerprint,
            a.status,
            a.count,
            a.suppressed_reason is not None,
            a.flapping,
            a.incident_id,
        )
        for a in alerts
    ] == [
        (m.service, m.key, m.status, m.count, m.suppressed, m.flapping, m.incident)
        for m in model.alerts
    ]
    assert [(i.id, i.service_id, i.group_key, i.status, i.title) for i in incidents] == [
        (m.number, m.service, m.group_key, m.status, m.title) for m in model.incidents
    ]


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_batched_correlation_matches_one_event_at_a_time(
    engine: str, request: pytest.FixtureRequest
) -> None:
    database: Database = request.getfixturevalue(f"{engine}_database")

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(plan=steps)
    def run(plan: list[tuple[list[Sent], int, int, int, int]]) -> None:
        check(database, plan)

    run()
