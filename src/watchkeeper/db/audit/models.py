"""`audit_log`: append-only; rows are only added, and removed by the retention module."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

BigId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor", "actor_user_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime]
    # The login is kept as it was, so the row still says who after the user is deleted.
    actor_user_id: Mapped[int | None]
    actor_login: Mapped[str] = mapped_column(String(100))
    via: Mapped[str] = mapped_column(String(20))  # token, session, cli
    token_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(500))
    # Null while the change was recorded inside its own transaction (it committed with it);
    # the HTTP status for a request that changed nothing (refused, or a dry run).
    status: Mapped[int | None]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
