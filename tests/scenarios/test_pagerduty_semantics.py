"""A hypothesis state machine: any sequence of trigger/acknowledge/resolve events, per dedup
key, leaves alerts and incidents where PagerDuty's Events API v2 semantics say.

Per key: a trigger opens an alert and an incident when none is open and is otherwise a
repeat (counted, never a new incident); acknowledge and resolve act on the open alert,
and its incident follows; with nothing open they are ignored.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from tests.conftest import START, empty_all_tables
from tests.factories import make_service
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate import cycle
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent
from watchkeeper.pipeline.ingest.writer import Submission, write_batch

KEYS = ("disk-full", "db-lag", "dns")
NO_FLAPPING = 10_000  # flapping is a separate feature; keep it out of this model


def machine_for(database: Database) -> type[RuleBasedStateMachine]:
    class PagerDutySemantics(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            empty_all_tables(database)
            self.clock = FrozenClock(START)
            self.service_id = database.run(lambda s: make_service(s, now=START).id)
            self.open: dict[str, str] = {}  # key -> "triggered" | "acknowledged"
            self.incidents_opened = 0

        @rule(key=st.sampled_from(KEYS), action=st.sampled_from(list(Action)))
        def send(self, key: str, action: Action) -> None:
            self.clock.advance(timedelta(seconds=30))
            now = self.clock.now()
            event = NormalizedEvent(action=action, dedup_key=key, summary=f"{key} is broken")
            submission = Submission(
                integration_id=None, service_id=self.service_id, received_at=now, events=[event]
            )
            database.run(lambda s: write_batch(s, [submission]))
            database.run(lambda s: cycle.run_once(s, now, flap_changes=NO_FLAPPING))
            if action is Action.TRIGGER and key not in self.open:
                self.open[key] = "triggered"
                self.incidents_opened += 1
            elif action is Action.ACKNOWLEDGE and key in self.open:
                self.open[key] = "acknowledged"
            elif action is Action.RESOLVE:
                self.open.pop(key, None)

        @invariant()
        def alerts_and_incidents_agree(self) -> None:
            with database.transaction(write=False) as session:
                alerts = session.scalars(select(Alert).where(Alert.status != "resolved")).all()
                incidents = session.scalars(select(Incident)).all()
            expected_alerts = {
                key: ("firing" if state == "triggered" else "acknowledged")
                for key, state in self.open.items()
            }
            assert {a.fingerprint: a.status for a in alerts} == expected_alerts
            assert len(incidents) == self.incidents_opened
            by_id = {incident.id: incident for incident in incidents}
            for alert in alerts:
                assert alert.incident_id is not None
                assert by_id[alert.incident_id].status == self.open[alert.fingerprint]
            open_incidents = [i for i in incidents if i.status in ("triggered", "acknowledged")]
            assert len(open_incidents) == len(self.open)

    return PagerDutySemantics


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_event_sequences_keep_pagerduty_semantics(
    engine: str, request: pytest.FixtureRequest
) -> None:
    database: Database = request.getfixturevalue(f"{engine}_database")
    run_state_machine_as_test(
        machine_for(database),
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
