"""Event rates: an integration that usually sends a steady stream goes silent, and the
anomaly watch raises a low-urgency alert that says when its events stopped."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from tests.scenarios.harness import Harness
from watchkeeper.pipeline.ingest.models import Event, Integration


def _steady_traffic(h: Harness, *, days: int, per_10_minutes: int, ahead: int = 0) -> datetime:
    """Given `days` of events already correlated (history), as a busy integration sends,
    and `ahead` more ten-minute buckets of them still to come; the clock is `days` on."""
    rng = random.Random(11)
    start = h.clock.now()
    with h.db.transaction() as session:
        integration = session.scalars(select(Integration)).one()
        rows: list[dict[str, object]] = []
        stamps: list[datetime] = []
        for bucket in range(days * 144 + ahead):
            for _ in range(per_10_minutes + rng.randint(-3, 3)):
                at = start + timedelta(minutes=10 * bucket + rng.uniform(0, 10))
                stamps.append(at)
                rows.append(
                    {
                        "integration_id": integration.id,
                        "service_id": integration.service_id,
                        "received_at": at,
                        "action": "trigger",
                        "fingerprint": "checkout-order",
                        "body": {"action": "trigger", "summary": "order placed"},
                        "processed_at": at,
                        "outcome": "history",
                    }
                )
        session.execute(insert(Event), rows)
    last = max(stamps)
    h.clock.advance(start + timedelta(days=days) - h.clock.now())
    return last


def test_a_sudden_silence_raises_a_low_urgency_alert_that_says_when_it_stopped(
    h: Harness,
) -> None:
    h.integration("generic", service="checkout")
    last = _steady_traffic(h, days=2, per_10_minutes=20)
    h.run_engine()
    assert h.incidents() == []
    for _ in range(2):  # twenty quiet minutes
        h.clock.advance(minutes=10)
        h.run_engine()
    [incident] = h.incidents()
    assert incident.title.startswith(
        f"generic for checkout's events stopped at {last:%Y-%m-%d %H:%M} UTC: none for "
    )
    assert incident.urgency >= 3
    [alert] = h.alerts()
    assert alert.fingerprint.startswith("event-rate:")


def test_the_steady_stream_alone_raises_nothing(h: Harness) -> None:
    h.integration("generic", service="checkout")
    _steady_traffic(h, days=2, per_10_minutes=20, ahead=6)
    for _ in range(6):
        h.run_engine()
        h.clock.advance(minutes=10)
    h.run_engine()
    assert h.incidents() == []


def test_a_brand_new_integration_is_not_reported_as_work_until_its_first_bucket_ends(
    h: Harness,
) -> None:
    h.integration("generic", service="checkout")
    first = h.runner.run_pending()
    assert first["event_rates"] == 0, "nothing was judged: the integration is minutes old"
    h.clock.advance(minutes=10)
    assert h.runner.run_pending()["event_rates"] == 1
    assert h.runner.run_pending()["event_rates"] == 0, "its bucket is judged once"
