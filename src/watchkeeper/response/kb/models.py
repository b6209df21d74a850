"""Knowledge-base tables: the article, its links to services and categories, its versions.

Full-text search structures (an FTS5 table on SQLite, a stored tsvector on PostgreSQL)
are made by the migration, outside the models; see `queries.search_articles`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

_USER_FK = "users.id"
_ARTICLE_FK = "kb_articles.id"


class Article(Base):
    """The current text of an article. `path` is where an import found it (unique, so a
    re-import updates the same article); `matchers` are alert label matchers as text."""

    __tablename__ = "kb_articles"
    __table_args__ = (Index("ix_kb_articles_updated", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str | None] = mapped_column(String(500), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    matchers: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    version: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))


class ArticleService(Base):
    __tablename__ = "kb_article_services"

    article_id: Mapped[int] = mapped_column(
        ForeignKey(_ARTICLE_FK, ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ArticleCategory(Base):
    __tablename__ = "kb_article_categories"

    article_id: Mapped[int] = mapped_column(
        ForeignKey(_ARTICLE_FK, ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ArticleVersion(Base):
    """What an article said after one edit, who made it and when; never changed later.
    Links are kept as they were (ids), so a restore brings them back too."""

    __tablename__ = "kb_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey(_ARTICLE_FK, ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    matchers: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    owner_team_id: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(255), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
