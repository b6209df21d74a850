"""What the daily digest remembers of the coverage report: which findings it has seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class ReadinessFinding(Base):
    """One finding as the digest last saw it. `digested_at` says when admins were told;
    a finding that went away keeps its row a while (`resolved_at`), so the time of the
    last digest survives, and comes back as new if it returns."""

    __tablename__ = "readiness_findings"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text)
    fix_url: Mapped[str] = mapped_column(String(300))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    digested_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class ReadinessLook(Base):
    """When the digest last looked (one row). Its first look is the baseline: what it
    finds then is the report's to show, and only what appears later is news."""

    __tablename__ = "readiness_looks"

    id: Mapped[int] = mapped_column(primary_key=True)
    looked_at: Mapped[datetime]
