"""Two engines on one PostgreSQL database share the work and never page twice."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from tests.scenarios.test_storm import pending_events, storm_body
from watchkeeper.core.clock import FrozenClock
from watchkeeper.engine.modules.correlate import Correlate
from watchkeeper.pipeline.correlate import cycle
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.correlate.pending import Lanes
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.pipeline.notify.models import Notification

pytestmark = pytest.mark.parametrize("db", ["postgresql"], indirect=True)
SERVICES = ("web", "db", "cache", "queue")


def four_services(h: Harness) -> None:
    """Four services paging alice at once; "cache" groups its alerts into one incident."""
    p = Paging(h)
    alice = p.person("alice")
    policy = p.policy(([("user", alice.id)], 30))
    for name in SERVICES[1:]:
        fields: dict[str, Any] = {"escalation_policy_id": policy}
        if name == "cache":
            fields["group_by"] = ["alertname"]
        h.service(name, **fields)


def test_two_engines_correlate_different_lanes_at_the_same_time(
    h: Harness, clock: FrozenClock
) -> None:
    four_services(h)
    for name in SERVICES:
        body = storm_body(0, 50, f"{name}Down")
        assert h.post("alertmanager", body, service=name).status_code == 202
    taken: dict[str, list[int]] = {}
    with h.db.transaction() as session:  # the first engine's batch, not committed yet
        lanes = Lanes(batch=100, share=50)  # two lanes' worth
        outcomes = cycle.run_once(session, clock.now(), lanes=lanes)
        taken["first"] = [o.event_id for o in outcomes]

        def second() -> None:
            with h.db.transaction() as other:
                taken["second"] = [o.event_id for o in cycle.run_once(other, clock.now())]

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)  # it claims the other lanes, then waits for incident numbers
    thread.join(30)
    assert len(taken["first"]) == 100
    assert len(taken["second"]) == 100, "the second engine took the two other lanes"
    assert not set(taken["first"]) & set(taken["second"])
    assert pending_events(h) == 200 - len(taken["first"]) - len(taken["second"])


def test_two_engines_working_through_a_storm_page_every_incident_once(h: Harness) -> None:
    four_services(h)
    for start in range(0, 600, 100):
        for name in SERVICES:
            body = storm_body(start, 100, f"{name}Down")
            assert h.post("alertmanager", body, service=name).status_code == 202
    engines = [h.runner, h.another_engine()]
    for engine in engines:
        for module in engine.modules:
            if isinstance(module, Correlate):
                module.lanes = Lanes(batch=200, share=100)  # two lanes a batch, of four
    handled = [0, 0]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            while True:
                done = engines[index].run_pending()
                handled[index] += done.get("correlate", 0)
                if not any(done.values()) and pending_events(h) == 0:
                    return
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "both engines ran out of work"
    assert not errors
    assert pending_events(h) == 0
    assert sum(handled) == 2400
    assert all(handled), f"both engines correlated: {handled}"

    with h.db.transaction(write=False) as session:
        alerts = session.scalar(select(func.count()).select_from(Alert))
        distinct = session.scalar(
            select(func.count()).select_from(
                select(Alert.service_id, Alert.fingerprint).distinct().subquery()
            )
        )
        pages = session.execute(
            select(Page.incident_id, func.count()).group_by(Page.incident_id)
        ).all()
        messages = session.execute(
            select(Notification.page_id, func.count())
            .where(Notification.kind == "page")
            .group_by(Notification.page_id)
        ).all()
    assert alerts == distinct == 2400
    assert len(pages) == 3 * 600 + 1  # one incident per alert, and "cache"'s one
    assert {count for _, count in pages} == {1}
    assert {count for _, count in messages} == {1}
    response = h.client.get("/api/v1/incidents?limit=1", headers=bearer(h.admin))
    assert response.status_code == 200
