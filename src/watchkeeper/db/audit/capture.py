"""Capture ORM changes made while acting for someone, into the same transaction.

The boundary says who is acting (`acting`); a Session listener turns each flushed insert,
update and delete into a `{table, id, op, before, after}` record, and just before the
transaction commits adds one `AuditEntry` holding them. A transaction that rolls back
takes its audit row with it, so the log holds exactly what happened.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from watchkeeper.db.audit.models import AuditEntry

REDACTED = "[redacted]"
# Secrets, and addresses (an Apprise URL or a webhook URL can carry a credential).
_SECRET = re.compile(
    r"hash|secret|password|token(?!_id)|address|sealed|verification", re.IGNORECASE
)
# Columns that move on their own (a token's last use): an update of only these is no change.
IGNORED_COLUMNS = frozenset({"last_used_at", "last_seen_at"})
LONGEST = 2000
# Bookkeeping that moves on every request or engine turn, not configuration a person changed.
IGNORED_TABLES = frozenset(
    {"audit_log", "user_sessions", "engine_leases", "engine_heartbeats", "rate_limits"}
)
_PENDING = "audit_pending"


@dataclass
class Acting:
    """Who acts in this request or command, and from where; filled in as it becomes known."""

    method: str
    path: str
    via: str = "session"
    ip: str | None = None
    user_agent: str | None = None
    route: str | None = None
    user_id: int | None = None
    login: str | None = None
    token_id: int | None = None
    now: datetime | None = None
    recorded: int = 0  # audit rows written inside transactions
    extra: dict[str, Any] = field(default_factory=dict)

    def identify(self, *, user_id: int, login: str, via: str, token_id: int | None) -> None:
        self.user_id, self.login, self.via, self.token_id = user_id, login, via, token_id

    def entry(
        self, *, at: datetime, changes: list[dict[str, Any]], status: int | None
    ) -> AuditEntry:
        return AuditEntry(
            at=at,
            actor_user_id=self.user_id,
            actor_login=self.login or "anonymous",
            via=self.via,
            token_id=self.token_id,
            ip=self.ip,
            user_agent=(self.user_agent or "")[:300] or None,
            method=self.method,
            route=(self.route or self.path)[:300],
            path=self.path[:500],
            status=status,
            changes=changes,
        )


_current: ContextVar[Acting | None] = ContextVar("watchkeeper_acting", default=None)


def current() -> Acting | None:
    return _current.get()


@contextmanager
def acting(who: Acting) -> Iterator[Acting]:
    """Record the changes made inside the block as `who`'s."""
    token = _current.set(who)
    try:
        yield who
    finally:
        _current.reset(token)


def _value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if _SECRET.search(column):
        return REDACTED
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= LONGEST else value[:LONGEST] + "…"
    if isinstance(value, int | float | bool | list | dict):
        return value
    return str(value)


def _record(obj: Any, op: str) -> dict[str, Any] | None:
    state = inspect(obj)
    table = state.mapper.persist_selectable
    name = getattr(table, "name", "")
    if name in IGNORED_TABLES:
        return None
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        history = state.attrs[key].history
        if op == "insert":
            after[key] = _value(key, state.dict.get(key))
        elif op == "delete":
            before[key] = _value(key, state.dict.get(key))
        elif history.has_changes() and key not in IGNORED_COLUMNS:
            before[key] = _value(key, history.deleted[0] if history.deleted else None)
            after[key] = _value(key, history.added[0] if history.added else None)
    if op == "update" and not after:
        return None
    return {
        "table": name,
        "id": _identity(tuple(state.mapper.primary_key_from_instance(obj))),
        "op": op,
        "before": before,
        "after": after,
    }


def _identity(identity: tuple[Any, ...]) -> Any:
    return _value("id", identity[0] if len(identity) == 1 else list(identity))


def _identified() -> Acting | None:
    who = _current.get()
    return who if who is not None and who.login is not None else None


def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if _identified() is None:
        return
    pending: list[tuple[Any, str]] = session.info.setdefault(_PENDING, [])
    pending += [(obj, "insert") for obj in session.new]
    pending += [(obj, "update") for obj in session.dirty if session.is_modified(obj)]
    pending += [(obj, "delete") for obj in session.deleted]


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    """Turn the flushed objects into records now that inserts have their ids."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    records: list[dict[str, Any]] = session.info.setdefault("audit_records", [])
    for obj, op in pending:
        record = _record(obj, op)
        if record is not None:
            records.append(record)


def _before_commit(session: Session) -> None:
    who = _identified()
    if who is None:
        return
    session.flush()
    records = session.info.pop("audit_records", None)
    if not records:
        return
    at = who.now or datetime.now(UTC)
    session.add(who.entry(at=at, changes=records, status=None))
    who.recorded += 1


def _after_rollback(session: Session) -> None:
    session.info.pop("audit_records", None)
    session.info.pop(_PENDING, None)


def install() -> None:
    """Listen on every Session (idempotent); sessions outside `acting` pay one lookup."""
    if event.contains(Session, "before_flush", _before_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
