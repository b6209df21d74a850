"""Import a folder of Markdown files, idempotent by path, all or nothing; export them back.

Names in front matter (team, services, categories) are looked up case-insensitively by
name or slug; a name that matches nothing, a matcher that does not parse, or a file
without a title stops the import with an error naming the file and field, before
anything is written. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.core import matchers
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.kb import errors, service
from watchkeeper.response.kb.models import Article
from watchkeeper.response.kb.queries import out_many
from watchkeeper.response.kb.schemas import ImportFile, ImportIn, ImportOut
from watchkeeper.response.kb.service import Content


def import_files(session: Session, *, data: ImportIn, actor: Actor, now: datetime) -> ImportOut:
    paths = [file.path for file in data.files]
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise errors.duplicate_path(path)
        seen.add(path)
    names = _Names(session)
    contents = [(file.path, _content(file, names)) for file in data.files]
    existing = {a.path: a for a in session.scalars(select(Article).where(Article.path.in_(paths)))}
    result = ImportOut(created=[], updated=[], unchanged=[])
    for path, content in contents:
        article = existing.get(path)
        if article is None:
            _create(session, path, content, actor, now)
            result.created.append(path)
        elif service.replace(
            session, article=article, content=content, actor=actor, now=now, note=f"import {path}"
        ):
            result.updated.append(path)
        else:
            result.unchanged.append(path)
    return result


def export_files(session: Session) -> list[ImportFile]:
    """Every article as a file; one without a path gets one from its title."""
    articles = session.scalars(select(Article).order_by(Article.id)).all()
    services = _names(session, Service)
    categories = _names(session, Category)
    teams = _names(session, Team)
    taken: set[str] = {a.path for a in articles if a.path}
    files = []
    for view in out_many(session, articles):
        path = view.path or _free_path(view.title, view.id, taken)
        files.append(
            ImportFile(
                path=path,
                title=view.title,
                body=view.body,
                tags=view.tags,
                team=teams.get(view.owner_team_id, "") if view.owner_team_id else "",
                services=[services[i] for i in view.service_ids],
                categories=[categories[i] for i in view.category_ids],
                alerts=view.matchers,
            )
        )
    return files


def _names(session: Session, model: Any) -> dict[int, str]:
    return {row[0]: row[1] for row in session.execute(select(model.id, model.name))}


class _Names:
    """Name (or slug) -> id for teams, services and categories, read once per import."""

    def __init__(self, session: Session) -> None:
        self.teams = _index(session, Team, slug=True)
        self.services = _index(session, Service, slug=True)
        self.categories = _index(session, Category, slug=False)


def _index(session: Session, model: Any, *, slug: bool) -> dict[str, int]:
    found: dict[str, int] = {}
    columns = [model.id, func.lower(model.name)] + ([func.lower(model.slug)] if slug else [])
    for row in session.execute(select(*columns)):
        for name in row[1:]:
            found.setdefault(name, row[0])
    return found


def _content(file: ImportFile, names: _Names) -> Content:
    if not file.title.strip():
        raise errors.bad_file(file.path, "title", "missing")

    def ids(field: str, given: Sequence[str], index: dict[str, int]) -> list[int]:
        found = []
        for name in given:
            if name.lower() not in index:
                raise errors.bad_file(file.path, field, f"no {field.split('.')[-1][:-1]} {name!r}")
            found.append(index[name.lower()])
        return found

    team = None
    if file.team:
        if file.team.lower() not in names.teams:
            raise errors.bad_file(file.path, "team", f"no team {file.team!r}")
        team = names.teams[file.team.lower()]
    parsed = []
    for text in file.alerts:
        try:
            parsed.append(str(matchers.parse(text)))
        except ValueError as exc:
            raise errors.bad_file(file.path, "links.alerts", str(exc)) from exc
    return Content.of(
        {
            "title": file.title.strip(),
            "body": file.body,
            "tags": file.tags,
            "matchers": parsed,
            "service_ids": ids("links.services", file.services, names.services),
            "category_ids": ids("links.categories", file.categories, names.categories),
            "owner_team_id": team,
        }
    )


def _create(session: Session, path: str, content: Content, actor: Actor, now: datetime) -> None:
    article = Article(
        path=path,
        title=content.title,
        body="",
        tags=[],
        matchers=[],
        version=0,
        created_at=now,
        updated_at=now,
    )
    session.add(article)
    session.flush()
    service.replace(session, article=article, content=content, actor=actor, now=now, note="import")


def _free_path(title: str, article_id: int, taken: set[str]) -> str:
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:80]
    path = f"{slug or 'article'}.md"
    if path in taken:
        path = f"{slug or 'article'}-{article_id}.md"
    taken.add(path)
    return path
