"""Article use cases: write one, edit it (each edit a new version), restore an old
version, delete it. Links to services, categories and the owner team are checked here,
so a bad id is a clear error and nothing is written. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.kb import errors
from watchkeeper.response.kb.models import Article, ArticleCategory, ArticleService, ArticleVersion
from watchkeeper.response.kb.schemas import ArticleIn, ArticleUpdate

# The fields a version keeps, and that an edit may change.
FIELDS = ("title", "body", "tags", "matchers", "service_ids", "category_ids", "owner_team_id")


@dataclass(frozen=True)
class Content:
    """An article's editable content, as one value (compare, store, restore)."""

    title: str
    body: str
    tags: tuple[str, ...] = ()
    matchers: tuple[str, ...] = ()
    service_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    owner_team_id: int | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Content:
        return cls(
            title=data["title"],
            body=data.get("body", ""),
            tags=tuple(dict.fromkeys(data.get("tags") or ())),
            matchers=tuple(dict.fromkeys(data.get("matchers") or ())),
            service_ids=tuple(sorted(set(data.get("service_ids") or ()))),
            category_ids=tuple(sorted(set(data.get("category_ids") or ()))),
            owner_team_id=data.get("owner_team_id"),
        )


def get(session: Session, *, article_id: int, lock: bool = False) -> Article:
    stmt = select(Article).where(Article.id == article_id)
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise errors.not_found(article_id)
    return found


def content_of(session: Session, article: Article) -> Content:
    services = session.scalars(
        select(ArticleService.service_id).where(ArticleService.article_id == article.id)
    ).all()
    categories = session.scalars(
        select(ArticleCategory.category_id).where(ArticleCategory.article_id == article.id)
    ).all()
    return Content(
        title=article.title,
        body=article.body,
        tags=tuple(article.tags),
        matchers=tuple(article.matchers),
        service_ids=tuple(sorted(services)),
        category_ids=tuple(sorted(categories)),
        owner_team_id=article.owner_team_id,
    )


def create(
    session: Session,
    *,
    data: ArticleIn,
    actor: Actor,
    now: datetime,
    path: str | None = None,
) -> Article:
    content = Content.of(data.model_dump())
    check_links(session, content)
    article = Article(
        path=path,
        title=content.title,
        body=content.body,
        tags=[],
        matchers=[],
        version=0,
        created_at=now,
        updated_at=now,
    )
    session.add(article)
    session.flush()
    _write(session, article, content, actor, now, note="created")
    return article


def update(
    session: Session, *, article_id: int, data: ArticleUpdate, actor: Actor, now: datetime
) -> Article:
    """Apply the fields given; a new version only when something actually changed."""
    article = get(session, article_id=article_id, lock=True)
    current = content_of(session, article)
    changes = data.model_dump(exclude_unset=True, include=set(FIELDS))
    wanted = Content.of({**current.__dict__, **changes})
    if wanted != current:
        check_links(session, wanted)
        _write(session, article, wanted, actor, now, note=data.note)
    return article


def replace(
    session: Session, *, article: Article, content: Content, actor: Actor, now: datetime, note: str
) -> bool:
    """Make `article` say `content` (an import); False when it already did."""
    if content_of(session, article) == content:
        return False
    check_links(session, content)
    _write(session, article, content, actor, now, note=note)
    return True


def restore(
    session: Session, *, article_id: int, number: int, actor: Actor, now: datetime
) -> Article:
    """Bring back what version `number` said, as a new version (history only grows)."""
    article = get(session, article_id=article_id, lock=True)
    old = version(session, article_id=article_id, number=number)
    content = Content.of({name: getattr(old, name) for name in FIELDS})
    # Links deleted since (a service, a team) are left out rather than refused.
    content = _existing_links(session, content)
    if content != content_of(session, article):
        _write(session, article, content, actor, now, note=f"restored version {number}")
    return article


def remove(session: Session, *, article_id: int) -> None:
    article = get(session, article_id=article_id, lock=True)
    session.delete(article)


def version(session: Session, *, article_id: int, number: int) -> ArticleVersion:
    found = session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article_id, ArticleVersion.number == number
        )
    )
    if found is None:
        get(session, article_id=article_id)
        raise errors.no_version(article_id, number)
    return found


def check_links(session: Session, content: Content) -> None:
    _check_ids(session, Service, "service_ids", "service", content.service_ids)
    _check_ids(session, Category, "category_ids", "category", content.category_ids)
    if content.owner_team_id is not None:
        _check_ids(session, Team, "owner_team_id", "team", (content.owner_team_id,))


def _check_ids(session: Session, model: Any, field: str, what: str, ids: Sequence[int]) -> None:
    if not ids:
        return
    found = set(session.scalars(select(model.id).where(model.id.in_(list(ids)))))
    for value in ids:
        if value not in found:
            raise errors.unknown(field, what, value)


def _existing_links(session: Session, content: Content) -> Content:
    def kept(model: Any, ids: Sequence[int]) -> tuple[int, ...]:
        if not ids:
            return ()
        return tuple(sorted(session.scalars(select(model.id).where(model.id.in_(list(ids))))))

    team = content.owner_team_id
    if team is not None and session.get(Team, team) is None:
        team = None
    return Content(
        **{
            **content.__dict__,
            "service_ids": kept(Service, content.service_ids),
            "category_ids": kept(Category, content.category_ids),
            "owner_team_id": team,
        }
    )


def _write(
    session: Session, article: Article, content: Content, actor: Actor, now: datetime, note: str
) -> None:
    """Set the current content, its links, and append the version that records it."""
    article.title = content.title
    article.body = content.body
    article.tags = list(content.tags)
    article.matchers = list(content.matchers)
    article.owner_team_id = content.owner_team_id
    article.version += 1
    article.updated_at = now
    article.updated_by_id = actor.user_id
    session.execute(delete(ArticleService).where(ArticleService.article_id == article.id))
    session.execute(delete(ArticleCategory).where(ArticleCategory.article_id == article.id))
    session.add_all(
        ArticleService(article_id=article.id, service_id=i) for i in content.service_ids
    )
    session.add_all(
        ArticleCategory(article_id=article.id, category_id=i) for i in content.category_ids
    )
    session.add(
        ArticleVersion(
            article_id=article.id,
            number=article.version,
            title=content.title,
            body=content.body,
            tags=list(content.tags),
            matchers=list(content.matchers),
            service_ids=list(content.service_ids),
            category_ids=list(content.category_ids),
            owner_team_id=content.owner_team_id,
            note=note[:255],
            author_id=actor.user_id,
            author=actor.name,
            created_at=now,
        )
    )
    session.flush()
