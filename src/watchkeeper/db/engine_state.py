"""Rows that coordinate engine processes: per-module leases and runner heartbeats.

SQLite allows one writer, so one engine at a time holds each module's lease:
`UPDATE ... WHERE module=? AND (expires_at < now OR holder = me)`. On PostgreSQL many
engines run every module and share rows with `FOR UPDATE SKIP LOCKED`, so the lease row
only records the newest module version. On both, a binary whose module version is older
than the recorded one stops running that module: after an upgrade, old code cannot act.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import String, delete, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, Session, mapped_column

from watchkeeper.db.base import Base
from watchkeeper.db.upsert import insert_for


class EngineLease(Base):
    __tablename__ = "engine_leases"

    module: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int]
    holder: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None]


class EngineHeartbeat(Base):
    __tablename__ = "engine_heartbeats"

    runner_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime] = mapped_column(index=True)


class LeaseOutcome(enum.Enum):
    HELD = "held"
    BUSY = "busy"  # another engine holds it (SQLite)
    SUPERSEDED = "superseded"  # a newer version of the module is running somewhere


def acquire_lease(
    session: Session,
    *,
    module: str,
    version: int,
    holder: str,
    now: datetime,
    ttl: timedelta,
    exclusive: bool,
) -> LeaseOutcome:
    """Take or renew the lease of `module` in the caller's transaction."""
    session.execute(
        insert_for(session, EngineLease)
        .values(module=module, version=version, holder=None, expires_at=None)
        .on_conflict_do_nothing(index_elements=["module"])
    )
    if not exclusive:
        return _check_version(session, module=module, version=version)
    if session.get_bind().dialect.name == "postgresql":
        # Skip, rather than wait for, a lease row another engine is using right now.
        mine = session.scalar(
            select(EngineLease.module)
            .where(EngineLease.module == module)
            .with_for_update(skip_locked=True)
        )
        if mine is None:
            return LeaseOutcome.BUSY
    result = session.execute(
        update(EngineLease)
        .where(
            EngineLease.module == module,
            EngineLease.version <= version,
            or_(
                EngineLease.holder.is_(None),
                EngineLease.holder == holder,
                EngineLease.expires_at < now,
            ),
        )
        .values(holder=holder, expires_at=now + ttl, version=version)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount == 1:
        return LeaseOutcome.HELD
    stored = session.scalar(select(EngineLease.version).where(EngineLease.module == module))
    return LeaseOutcome.SUPERSEDED if (stored or 0) > version else LeaseOutcome.BUSY


def _check_version(session: Session, *, module: str, version: int) -> LeaseOutcome:
    stored = session.scalar(select(EngineLease.version).where(EngineLease.module == module))
    if stored is not None and stored > version:
        return LeaseOutcome.SUPERSEDED
    if stored is not None and stored < version:
        session.execute(
            update(EngineLease)
            .where(EngineLease.module == module, EngineLease.version < version)
            .values(version=version)
        )
    return LeaseOutcome.HELD


def release_orphaned_leases(session: Session, *, host: str, alive: Callable[[int], bool]) -> int:
    """Give up leases of engines on this host whose process is gone (killed, crashed), so
    a restarted engine need not wait for them to expire. Holders are `host:pid:nonce`."""
    rows = session.execute(
        select(EngineLease.module, EngineLease.holder).where(EngineLease.holder.is_not(None))
    ).all()
    released = 0
    for module, holder in rows:
        parts = str(holder).rsplit(":", 2)
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        if alive(int(parts[1])):
            continue
        session.execute(
            update(EngineLease)
            .where(EngineLease.module == module, EngineLease.holder == holder)
            .values(holder=None, expires_at=None)
        )
        released += 1
    return released


def release_leases(session: Session, *, holder: str) -> None:
    """Give up every lease `holder` has, so a successor need not wait for expiry."""
    session.execute(
        update(EngineLease).where(EngineLease.holder == holder).values(holder=None, expires_at=None)
    )


def record_heartbeat(
    session: Session, *, runner_id: str, host: str, pid: int, started_at: datetime, now: datetime
) -> None:
    """Upsert this runner's heartbeat and forget runners silent for a day."""
    session.execute(
        insert_for(session, EngineHeartbeat)
        .values(runner_id=runner_id, host=host, pid=pid, started_at=started_at, beat_at=now)
        .on_conflict_do_update(index_elements=["runner_id"], set_={"beat_at": now})
    )
    session.execute(
        delete(EngineHeartbeat).where(EngineHeartbeat.beat_at < now - timedelta(days=1))
    )


def latest_heartbeat(session: Session) -> datetime | None:
    """When any engine last reported it was ticking."""
    return session.scalar(select(func.max(EngineHeartbeat.beat_at)))
