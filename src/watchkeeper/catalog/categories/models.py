"""Category table: two levels, e.g. `Network` and its child `Network > DNS`."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    # "Network > DNS": unique, and what lists and exports show.
    path: Mapped[str] = mapped_column(String(210), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
