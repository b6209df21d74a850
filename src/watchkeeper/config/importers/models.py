"""What an import brought over, by the vendor's id, so a second run finds it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class ImportLink(Base):
    """Vendor object `source_id` of `source` (pagerduty, opsgenie) became our `kind` #`local_id`.

    No foreign key: `kind` names one of several tables. A link whose object was deleted
    since is ignored and replaced on the next run."""

    __tablename__ = "import_links"
    __table_args__ = (UniqueConstraint("source", "kind", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(100))
    local_id: Mapped[int]
    created_at: Mapped[datetime]
