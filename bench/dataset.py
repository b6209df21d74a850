"""A large, realistic incident history for benchmarks, bulk-loaded past the ORM.

Incidents spread over three years, most closed, the newest still open; each has a short
timeline (declared, acknowledged, resolved/closed). Titles and descriptions draw on a
vocabulary of components, symptoms, regions and host names, so text searches hit from a
few to tens of thousands of rows.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from watchkeeper.core.priority import derive
from watchkeeper.db.session import Database

COMPONENTS = (
    "checkout",
    "payments",
    "postgres",
    "redis",
    "kafka",
    "gateway",
    "ldap",
    "vpn",
    "dns",
    "storage",
    "search",
    "billing",
    "inventory",
    "cdn",
    "scheduler",
    "mailer",
    "auth",
    "ingress",
    "metrics",
    "backup",
    "registry",
    "queue",
    "ledger",
    "catalog",
    "profile",
    "webhooks",
    "reports",
    "exports",
    "sso",
    "firewall",
)
SYMPTOMS = (
    "high latency",
    "5xx errors",
    "timeouts",
    "disk full",
    "replication lag",
    "certificate expiry",
    "OOM kills",
    "packet loss",
    "crash loop",
    "slow queries",
    "connection resets",
    "stale cache",
    "failed deploy",
    "config drift",
    "CPU saturation",
)
REGIONS = ("eu-west", "eu-central", "us-east", "us-west", "ap-south", "ap-east")
SENTENCES = (
    "Customers report {symptom} on {component}.",
    "Alert fired on host {host} in {region}.",
    "Error budget burn rate is above the fast threshold.",
    "Started after the {component} deploy at {hour}:00 UTC.",
    "Dashboards show {symptom} since the last failover.",
    "Runbook step 3 did not help; escalating to the {component} team.",
)
STATUS_WEIGHTS = {"closed": 0.98, "resolved": 0.014, "acknowledged": 0.003, "triggered": 0.002}


@dataclass(frozen=True)
class Shape:
    incidents: int
    services: Sequence[int]
    users: Sequence[int]
    categories: Sequence[int]
    end: datetime


def _fmt(value: datetime | None, sqlite: bool) -> str | None:
    if value is None:
        return None
    if sqlite:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def incident_rows(
    shape: Shape, *, sqlite: bool, seed: int = 7
) -> Iterator[tuple[list[Any], list[list[Any]]]]:
    """(incident row, its timeline rows) for ids 1..N, oldest first."""
    rng = random.Random(seed)
    span = timedelta(days=3 * 365)
    start = shape.end - span
    step = span / shape.incidents
    open_tail = int(shape.incidents * 0.005)
    for number in range(1, shape.incidents + 1):
        created = start + step * number + timedelta(seconds=rng.randint(0, 59))
        component, symptom, region = (
            rng.choice(COMPONENTS),
            rng.choice(SYMPTOMS),
            rng.choice(REGIONS),
        )
        host = f"{component[:3]}-{rng.randint(0, 9999):04d}"
        title = f"{symptom.capitalize()} on {component} in {region}"
        description = " ".join(
            sentence.format(
                symptom=symptom,
                component=component,
                region=region,
                host=host,
                hour=rng.randint(0, 23),
            )
            for sentence in rng.sample(SENTENCES, 3)
        )
        impact, urgency = rng.choice((1, 2, 2, 3, 3, 3, 4, 4)), rng.choice((1, 2, 2, 3, 3, 4))
        priority = derive(impact, urgency)
        if number > shape.incidents - open_tail:
            status = rng.choice(("triggered", "acknowledged", "on_hold", "resolved"))
        else:
            status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        acked = created + timedelta(minutes=rng.randint(1, 30)) if status != "triggered" else None
        resolved = (
            created + timedelta(minutes=rng.randint(31, 600))
            if status in ("resolved", "closed")
            else None
        )
        closed = (
            resolved + timedelta(hours=rng.randint(1, 48))
            if status == "closed" and resolved
            else None
        )
        updated = closed or resolved or acked or created
        assignee = rng.choice(shape.users) if rng.random() < 0.8 else None
        row = [
            number,
            title,
            description,
            rng.choice(shape.services),
            rng.choice(shape.categories),
            impact,
            urgency,
            priority,
            False,
            status,
            rng.choice(("alert", "alert", "api", "manual")),
            json.dumps([region]),
            "",
            assignee,
            None,
            None,
            None,
            assignee,
            _fmt(created, sqlite),
            _fmt(updated, sqlite),
            _fmt(acked, sqlite),
            _fmt(resolved, sqlite),
            _fmt(closed, sqlite),
            _fmt(created + timedelta(minutes=5), sqlite),
            _fmt(created + timedelta(minutes=4), sqlite),
            _fmt(created + timedelta(hours=4), sqlite),
            _fmt(created + timedelta(hours=3), sqlite),
            0,
            _fmt(resolved, sqlite) if resolved else None,
            "met" if acked else "pending",
            "met" if resolved else "pending",
            False,
            False,
            None,
            "fixed" if closed else None,
            "Rolled back." if closed else "",
            "",
            None,
            0,
        ]
        timeline = [
            [
                number,
                _fmt(created, sqlite),
                None,
                "alertmanager",
                "created",
                f"declared #{number}: {title}",
                "{}",
            ]
        ]
        for kind, when in (("acknowledged", acked), ("resolved", resolved), ("closed", closed)):
            if when is not None:
                timeline.append(
                    [
                        number,
                        _fmt(when, sqlite),
                        assignee,
                        "oncall",
                        kind,
                        f"oncall {kind} it",
                        "{}",
                    ]
                )
        yield row, timeline


INCIDENT_COLUMNS = (
    "id",
    "title",
    "description",
    "service_id",
    "category_id",
    "impact",
    "urgency",
    "priority",
    "priority_overridden",
    "status",
    "source",
    "tags",
    "customer_impact",
    "assignee_id",
    "commander_id",
    "communications_lead_id",
    "scribe_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "ack_due_at",
    "ack_warn_at",
    "resolve_due_at",
    "resolve_warn_at",
    "paused_seconds",
    "paused_since",
    "sla_ack",
    "sla_resolve",
    "sla_ack_warned",
    "sla_resolve_warned",
    "sla_next_at",
    "resolution_code",
    "resolution_notes",
    "root_cause",
    "merged_into_id",
    "reopened_count",
)
TIMELINE_COLUMNS = ("incident_id", "at", "actor_id", "actor", "kind", "summary", "data")


def load(database: Database, shape: Shape, *, progress: bool = True) -> None:
    """Bulk-load the incidents with secondary indexes and search triggers off, then rebuild."""
    sqlite = database.is_sqlite
    saved = _drop_secondary(database)
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("PRAGMA synchronous=OFF")
        batch: list[list[Any]] = []
        entries: list[list[Any]] = []
        for number, (row, timeline) in enumerate(incident_rows(shape, sqlite=sqlite), start=1):
            batch.append(row)
            entries.extend(timeline)
            if len(batch) == 50_000 or number == shape.incidents:
                _write(cursor, sqlite, "incidents", INCIDENT_COLUMNS, batch)
                _write(cursor, sqlite, "incident_timeline", TIMELINE_COLUMNS, entries)
                raw.commit()
                batch, entries = [], []
                if progress:
                    print(f"  loaded {number:>9,} incidents", end="\r", flush=True)
        cursor.execute(
            f"INSERT INTO incident_counters (name, value) VALUES ('incident', {shape.incidents:d})"
        )
        raw.commit()
    finally:
        raw.close()
    if progress:
        print()
    _restore(database, saved)


def _write(
    cursor: Any, sqlite: bool, table: str, columns: Sequence[str], rows: list[list[Any]]
) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    if sqlite:
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        return
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _drop_secondary(database: Database) -> list[str]:
    """Drop the indexes and triggers of the two big tables; return the DDL to recreate them."""
    with database.engine.begin() as connection:
        if database.is_sqlite:
            rows = connection.execute(
                text(
                    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN "
                    "('incidents', 'incident_timeline') AND type IN ('index', 'trigger') "
                    "AND sql IS NOT NULL"
                )
            ).all()
            for kind, name, _ in rows:
                connection.execute(text(f'DROP {kind.upper()} "{name}"'))
            return [sql for _, _, sql in rows]
        rows = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename IN ('incidents', 'incident_timeline') AND indexname NOT LIKE 'pk_%'"
            )
        ).all()
        for name, _ in rows:
            connection.execute(text(f'DROP INDEX "{name}"'))
        return [definition for _, definition in rows]


def _restore(database: Database, ddl: list[str]) -> None:
    with database.engine.begin() as connection:
        for statement in ddl:
            connection.execute(text(statement))
        if database.is_sqlite:
            connection.execute(text("INSERT INTO incidents_fts(incidents_fts) VALUES ('rebuild')"))
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE incidents"))
            connection.execute(text("ANALYZE incident_timeline"))
