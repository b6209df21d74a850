"""Workflows, their runs, the outgoing calls they queue, and the engine's reading position."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class Workflow(Base):
    """A rule: when `trigger` (with `trigger_value`) happens on an incident that meets
    `conditions`, run `actions` in order. `secret` signs its webhooks (sealed at rest)."""

    __tablename__ = "workflows"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    trigger: Mapped[str] = mapped_column(String(30))
    trigger_value: Mapped[str] = mapped_column(String(100), default="")
    # A `schedule` workflow: its cron is `trigger_value`, read in `zone`; due at `next_at`.
    zone: Mapped[str] = mapped_column(String(64), default="UTC")
    next_at: Mapped[datetime | None] = mapped_column(index=True)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WorkflowRun(Base):
    """One workflow acting on one timeline entry: what matched and what each action did.
    Unique per entry, so reading an entry twice never runs a workflow twice."""

    __tablename__ = "workflow_runs"
    __table_args__ = (
        UniqueConstraint("workflow_id", "entry_id", name="uq_workflow_runs_entry"),
        Index("ix_workflow_runs_workflow", "workflow_id", "id"),
        Index("ix_workflow_runs_incident", "incident_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None]  # None: a scheduled run
    depth: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime]
    matched: Mapped[list[str]] = mapped_column(JSON, default=list)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class WorkflowCall(Base):
    """An outgoing webhook or remediation call: an outbox row, sent after commit and
    retried with backoff; its answer is kept and put on the incident's timeline."""

    __tablename__ = "workflow_calls"
    __table_args__ = (Index("ix_workflow_calls_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("workflow_runs.id", ondelete="CASCADE"))
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    position: Mapped[int]  # which action of the run
    kind: Mapped[str] = mapped_column(String(20))  # webhook, remediation
    url: Mapped[str] = mapped_column(String(2000))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(10))  # pending, sending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    answer_status: Mapped[int | None]
    answer: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class WorkflowCursor(Base):
    """The last timeline entry the workflow engine module has read."""

    __tablename__ = "workflow_cursors"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    entry_id: Mapped[int]
