"""Classify database exceptions: retry transient conflicts, report an unreachable database."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}


def is_transient(exc: BaseException) -> bool:
    """True for errors that a retry of the whole transaction can cure."""
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _TRANSIENT_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


def is_unavailable(exc: BaseException) -> bool:
    """True when the database cannot be reached at all (answer 503, not 500)."""
    if not isinstance(exc, OperationalError):
        return False
    if is_transient(exc):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return str(sqlstate).startswith("08") or str(sqlstate) == "57P03"
    message = str(exc.orig).lower()
    return any(
        hint in message
        for hint in ("unable to open", "connection refused", "could not connect", "disk i/o")
    )
