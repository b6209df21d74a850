"""The two short transactions around the probes: take the due checks, and afterwards
write what the probes found. The probes run between them, outside any transaction
(`engine.modules.checks`). Both are a fixed number of statements per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from watchkeeper.db.claim import claim
from watchkeeper.monitoring.checks.decide import Answer, State, decide
from watchkeeper.monitoring.checks.models import Check, CheckResult, CheckRollup
from watchkeeper.monitoring.checks.probes.base import Job
from watchkeeper.pipeline.ingest.events import NormalizedEvent
from watchkeeper.pipeline.ingest.models import Event

# A taken check is held this long past its timeout; an engine that died with it in hand
# lets it go when the hold runs out, and another run takes it.
HOLD_MARGIN = timedelta(seconds=30)


def take_due(session: Session, until: datetime, *, now: datetime, limit: int) -> list[Job]:
    """Claim up to `limit` checks due by `until`, oldest due first, in one SELECT and one
    UPDATE; `now` decides which earlier claims have run out."""
    if limit <= 0:
        return []
    checks = Check.table()
    rows = session.execute(
        claim(
            session,
            select(
                checks.c.id,
                checks.c.kind,
                checks.c.target,
                checks.c.spec,
                checks.c.timeout_seconds,
                checks.c.internal,
                checks.c.next_due_at,
            )
            .where(
                checks.c.paused.is_(False),
                checks.c.next_due_at <= until,
                or_(checks.c.claimed_until.is_(None), checks.c.claimed_until < now),
            )
            .order_by(checks.c.next_due_at, checks.c.id)
            .limit(limit),
        )
    ).all()
    if not rows:
        return []
    longest = max(row.timeout_seconds for row in rows)
    session.execute(
        update(checks)
        .where(checks.c.id.in_([row.id for row in rows]))
        .values(claimed_until=until + timedelta(seconds=longest) + HOLD_MARGIN)
    )
    return [
        Job(
            check_id=row.id,
            kind=row.kind,
            target=row.target,
            spec=row.spec,
            timeout=float(row.timeout_seconds),
            internal=row.internal,
            due_at=row.next_due_at,
            now=now,
        )
        for row in rows
    ]


def settle(session: Session, answers: Sequence[Answer], now: datetime) -> int:
    """Write a batch of answers: results, rollups, the checks' state and any events."""
    if not answers:
        return 0
    states = _states(session, {answer.job.check_id for answer in answers})
    # An answer for a check deleted or paused since it was taken is dropped.
    mine = [answer for answer in answers if answer.job.check_id in states]
    changes: list[dict[str, Any]] = []
    events: list[tuple[int, NormalizedEvent]] = []
    for answer in sorted(mine, key=lambda a: a.started_at):
        state = states[answer.job.check_id]
        decision = decide(state, answer, now)
        changes.append(decision.values)
        events.extend((state.service_id, event) for event in decision.events)
        states[state.id] = _after(state, decision.values)
    if not mine:
        return len(answers)
    _write_results(session, mine)
    _write_rollups(session, mine)
    _write_checks(session, _last_per_check(changes))
    write_events(session, events, now)
    return len(answers)


def _states(session: Session, ids: Iterable[int]) -> dict[int, State]:
    checks = Check.table()
    rows = session.execute(
        select(
            checks.c.id,
            checks.c.service_id,
            checks.c.name,
            checks.c.kind,
            checks.c.target,
            checks.c.severity,
            checks.c.retries,
            checks.c.interval_seconds,
            checks.c.status,
            checks.c.failures,
            checks.c.down_since,
            checks.c.expiry_warned_days,
            checks.c.spec,
        ).where(checks.c.id.in_(list(ids)), checks.c.paused.is_(False))
    ).all()
    return {
        row.id: State(
            id=row.id,
            service_id=row.service_id,
            name=row.name,
            kind=row.kind,
            target=row.target,
            severity=row.severity,
            retries=row.retries,
            interval_seconds=row.interval_seconds,
            status=row.status,
            failures=row.failures,
            down_since=row.down_since,
            expiry_warned_days=row.expiry_warned_days,
            warn_days=tuple(row.spec.get("warn_days", ())) if row.kind == "tls" else (),
        )
        for row in rows
    }


def _after(state: State, values: dict[str, Any]) -> State:
    """The state a second answer for the same check in one batch starts from."""
    return replace(
        state,
        status=values["status"],
        failures=values["failures"],
        down_since=values["down_since"],
        expiry_warned_days=values["expiry_warned_days"],
    )


def _last_per_check(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    last: dict[int, dict[str, Any]] = {}
    for change in changes:
        last[change["id"]] = change
    return list(last.values())


def _write_results(session: Session, answers: Sequence[Answer]) -> None:
    session.execute(
        insert(CheckResult.table()),
        [
            {
                "check_id": a.job.check_id,
                "started_at": a.started_at,
                "lag_ms": round(max((a.started_at - a.job.due_at).total_seconds(), 0) * 1000, 2),
                "ok": a.outcome.ok,
                "latency_ms": a.outcome.latency_ms,
                "error": a.outcome.error,
            }
            for a in answers
        ],
    )


def _write_rollups(session: Session, answers: Sequence[Answer]) -> None:
    """Add the batch to each check's hourly rollup: one upsert for the batch."""
    sums: dict[tuple[int, datetime], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for a in answers:
        hour = a.started_at.replace(minute=0, second=0, microsecond=0)
        entry = sums[(a.job.check_id, hour)]
        latency = a.outcome.latency_ms or 0.0
        entry[0] += 1
        entry[1] += 0 if a.outcome.ok else 1
        entry[2] += latency
        entry[3] = max(entry[3], latency)
    table = CheckRollup.table()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.check_id, table.c.hour],
        set_={
            "runs": table.c.runs + stmt.excluded.runs,
            "failures": table.c.failures + stmt.excluded.failures,
            "latency_sum_ms": table.c.latency_sum_ms + stmt.excluded.latency_sum_ms,
            "latency_max_ms": case(
                (
                    stmt.excluded.latency_max_ms > table.c.latency_max_ms,
                    stmt.excluded.latency_max_ms,
                ),
                else_=table.c.latency_max_ms,
            ),
        },
    )
    session.execute(
        stmt,
        [
            {
                "check_id": check_id,
                "hour": hour,
                "runs": int(runs),
                "failures": int(failures),
                "latency_sum_ms": total,
                "latency_max_ms": most,
            }
            for (check_id, hour), (runs, failures, total, most) in sums.items()
        ],
    )


def _write_checks(session: Session, changes: list[dict[str, Any]]) -> None:
    checks = Check.table()
    columns = [name for name in changes[0] if name != "id"]
    session.execute(
        update(checks)
        .where(checks.c.id == bindparam("check_id"))
        .values({name: bindparam(f"new_{name}") for name in columns}),
        [
            {"check_id": change["id"], **{f"new_{name}": change[name] for name in columns}}
            for change in changes
        ],
    )


def write_events(
    session: Session, events: list[tuple[int, NormalizedEvent]], now: datetime
) -> None:
    """Queue the events for correlation, as heartbeats do: the same path as any alert."""
    if not events:
        return
    session.execute(
        insert(Event.table()),
        [
            {
                "integration_id": None,
                "service_id": service_id,
                "received_at": now,
                "action": event.action.value,
                "fingerprint": event.fingerprint(),
                "body": event.model_dump(mode="json"),
            }
            for service_id, event in events
        ],
    )
