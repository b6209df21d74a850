"""The declarative base every model derives from, with stable constraint names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from watchkeeper.db.types import UTCDateTime

# Named constraints make Alembic migrations reproducible on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy reads it once

    @classmethod
    def table(cls) -> Table:
        """The model's table, for Core statements on hot paths: multi-row writes through it
        skip the ORM's per-row bookkeeping."""
        return cls.metadata.tables[cls.__tablename__]
