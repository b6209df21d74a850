"""Status page tables: pages, component groups, components and their services, the
status history uptime is computed from, public incidents (and maintenance) with updates,
and the update templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

_PAGE_FK = "status_pages.id"


class StatusPage(Base):
    """One page (public, or for logged-in users only) with its own address and zone."""

    __tablename__ = "status_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    logo_url: Mapped[str] = mapped_column(String(500), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Served at its root when a request's Host header names it.
    custom_domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    # Priority ("1".."5") -> the component status an open incident of that priority gives.
    priority_status: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ComponentGroup(Base):
    __tablename__ = "status_component_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey(_PAGE_FK, ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Component(Base):
    """What visitors see the status of. `status` is the effective one (kept by the
    status cycle); `manual_status`, when set, wins until cleared."""

    __tablename__ = "status_components"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey(_PAGE_FK, ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_component_groups.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(30), default="operational")
    manual_status: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ComponentService(Base):
    __tablename__ = "status_component_services"

    component_id: Mapped[int] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StatusPeriod(Base):
    """A component held `status` from `started_at` until `ended_at` (None: still does)."""

    __tablename__ = "status_periods"
    __table_args__ = (
        Index("ix_status_periods_component_end", "component_id", "ended_at"),
        Index("ix_status_periods_component_start", "component_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(30))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class PublicIncident(Base):
    """A public incident (`kind` incident) or a scheduled maintenance (`kind`
    maintenance), written for visitors: nothing of the internal incident is shown."""

    __tablename__ = "status_incidents"
    __table_args__ = (Index("ix_status_incidents_page_created", "page_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey(_PAGE_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="incident")
    # The internal incident it tells about; only its id is kept, never shown.
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    # The state of its latest published update (investigating .. resolved; for
    # maintenance scheduled, in_progress, completed); "draft" before the first.
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # Component id (as text) -> the status this incident gives it while unresolved.
    affected: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    scheduled_for: Mapped[datetime | None]
    scheduled_until: Mapped[datetime | None]
    # Maintenance windows (noise rules) created with it, one per affected service.
    window_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    postmortem_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    monitoring_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class PublicUpdate(Base):
    """One update of a public incident; a draft until `published_at` is set."""

    __tablename__ = "status_incident_updates"
    __table_args__ = (Index("ix_status_incident_updates_incident", "status_incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status_incident_id: Mapped[int] = mapped_column(
        ForeignKey("status_incidents.id", ondelete="CASCADE")
    )
    state: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    affected: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class UpdateTemplate(Base):
    """Admin-written text for an update, with placeholders such as {components}."""

    __tablename__ = "status_update_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    state: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
