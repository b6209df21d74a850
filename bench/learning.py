"""Post-incident learning engine modules: does their cost stay flat as history grows?

Loads a history of past incidents (each with one alert) on 50 services over 180 days,
then times, on a fresh SQLite file:

- recurrence: one run of the recurrence check over a batch of 100 new incidents, with a
  small and a large history (the check reads through indexes and caps what it reads, so
  the large history should cost about the same);
- reminders: one run of the action item reminders with few and with many open items
  that are not due (only those near their due date may be read).

Prints the median of several runs per case and the large/small ratio.

Usage: python -m bench.learning [--small 1000] [--large 100000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.users.models import User
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.response.actions.cycle import ActionReminders
from watchkeeper.response.actions.models import ActionItem
from watchkeeper.response.recurrence import cycle as recurrence
from watchkeeper.response.recurrence.models import RecurrenceCheck

NOW = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
SERVICES = 50
NEW = 100


def _incident(number: int, service: int, at: datetime, title: str) -> dict[str, Any]:
    return {
        "id": number,
        "title": title,
        "description": "",
        "service_id": service,
        "impact": 2,
        "urgency": 2,
        "priority": 2,
        "priority_overridden": False,
        "priority_basis": "",
        "status": "closed",
        "source": "alert",
        "tags": [],
        "customer_impact": "",
        "created_at": at,
        "updated_at": at,
        "ack_due_at": at,
        "ack_warn_at": at,
        "resolve_due_at": at,
        "resolve_warn_at": at,
        "paused_seconds": 0,
        "sla_ack": "met",
        "sla_resolve": "met",
        "sla_ack_warned": False,
        "sla_resolve_warned": False,
        "resolution_notes": "",
        "root_cause": "",
        "reopened_count": 0,
    }


def _alert(number: int, service: int, at: datetime, name: str) -> dict[str, Any]:
    return {
        "service_id": service,
        "fingerprint": f"{service}:{name}",
        "status": "resolved",
        "summary": name,
        "severity": "critical",
        "source": "bench",
        "labels": {"alertname": name, "service": str(service)},
        "details": {},
        "links": [],
        "first_seen_at": at,
        "last_seen_at": at,
        "resolved_at": at,
        "count": 1,
        "incident_id": number,
        "flapping": False,
    }


def load_history(database: Database, size: int) -> None:
    """`size` past incidents over 180 days, then NEW fresh ones of the last hour."""

    def work(session: Session) -> None:
        for table in (RecurrenceCheck, Alert, ActionItem, Incident):
            session.execute(delete(table.table()))
        incidents, alerts = [], []
        for number in range(1, size + NEW + 1):
            service = number % SERVICES + 1
            fresh = number > size
            age = timedelta(minutes=number % 60) if fresh else timedelta(days=180 * number / size)
            at = NOW - age - (timedelta(0) if fresh else timedelta(hours=2))
            name = f"Alert{number % 400}"
            incidents.append(_incident(number, service, at, f"{name} on service {service}"))
            alerts.append(_alert(number, service, at, name))
            if len(incidents) >= 5_000:
                session.execute(insert(Incident.table()), incidents)
                session.execute(insert(Alert.table()), alerts)
                incidents, alerts = [], []
        if incidents:
            session.execute(insert(Incident.table()), incidents)
            session.execute(insert(Alert.table()), alerts)

    database.run(work)


def load_items(database: Database, size: int) -> None:
    """`size` open action items far from due, and 20 overdue ones."""

    def work(session: Session) -> None:
        session.execute(delete(ActionItem.table()))
        rows = [
            {
                "title": f"item {n}",
                "description": "",
                "owner_id": 1,
                "due_on": date(2026, 10, 3) if n < 20 else date(2027, 6, 1),
                "priority": 3,
                "status": "open",
                "wont_do_reason": "",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(size)
        ]
        for start in range(0, len(rows), 5_000):
            session.execute(insert(ActionItem.table()), rows[start : start + 5_000])

    database.run(work)


@dataclass(frozen=True)
class _Reminders:
    rule: ActionReminders

    def run_once_now(self, session: Session) -> int:
        return self.rule.run_once(session, NOW)


REMINDERS = _Reminders(ActionReminders(days_before=2))


def median_ms(database: Database, run: Callable[[Session], object], runs: int) -> float:
    """Each run rolls back, so every run finds the same work."""
    timings = []
    for _ in range(runs):
        with database.engine.connect() as connection:
            transaction = connection.begin()
            session = Session(bind=connection)
            started = time.perf_counter()
            run(session)
            timings.append((time.perf_counter() - started) * 1000)
            session.close()
            transaction.rollback()
    return statistics.median(timings)


def seed_catalog(database: Database) -> None:
    def work(session: Session) -> None:
        session.execute(
            insert(User.table()),
            [
                {
                    "login": "owner",
                    "name": "Owner",
                    "email": "owner@example.com",
                    "role": "responder",
                    "is_active": True,
                    "must_change_password": False,
                    "time_zone": "Europe/Berlin",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        session.execute(
            insert(Service.table()),
            [
                {
                    "name": f"service {n}",
                    "slug": f"service-{n}",
                    "description": "",
                    "tags": [],
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n in range(1, SERVICES + 1)
            ],
        )

    database.run(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Database.from_url(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate.upgrade(database)
        seed_catalog(database)
        figures: dict[str, dict[int, float]] = {"recurrence": {}, "reminders": {}}
        for size in (args.small, args.large):
            load_history(database, size)
            figures["recurrence"][size] = median_ms(
                database, lambda s: recurrence.check(s, NOW), args.runs
            )
            load_items(database, size)
            figures["reminders"][size] = median_ms(database, REMINDERS.run_once_now, args.runs)
        database.dispose()
    print(f"SQLite, median of {args.runs} runs; history {args.small:,} vs {args.large:,}")
    for case, found in figures.items():
        small, large = found[args.small], found[args.large]
        what = "100 new incidents" if case == "recurrence" else "20 overdue items"
        print(
            f"  {case:<10} ({what}): {small:8.1f} ms vs {large:8.1f} ms  ratio {large / small:4.2f}"
        )


if __name__ == "__main__":
    main()
