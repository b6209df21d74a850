"""Service and service-dependency tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, SmallInteger, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.core.alert_priority import DEFAULT_SERVICE_IMPACT
from watchkeeper.db.base import Base


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Alert handling: resolve the incident when its last alert resolves; group alerts
    # with the same values of `group_by` labels within the window into one incident
    # (an empty list: one incident per alert fingerprint).
    auto_resolve: Mapped[bool] = mapped_column(default=True, server_default=true())
    group_by: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    group_window_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    # The impact (1 extensive .. 4 minor) of an incident its alerts open, unless the
    # severity table or a routing rule says otherwise.
    default_impact: Mapped[int] = mapped_column(
        SmallInteger, default=DEFAULT_SERVICE_IMPACT, server_default=str(DEFAULT_SERVICE_IMPACT)
    )
    # Who gets paged (an escalation policy; checked by the service layer, no foreign key
    # so the policy tables can live with the escalation stage).
    escalation_policy_id: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ServiceDependency(Base):
    """`service_id` depends on `depends_on_id`: when the latter breaks, the former may."""

    __tablename__ = "service_dependencies"
    __table_args__ = (CheckConstraint("service_id <> depends_on_id", name="not_self"),)

    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )
