"""Use cases of the service catalog. Callers own the transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services import errors
from watchkeeper.catalog.services.models import Service, ServiceDependency
from watchkeeper.catalog.services.schemas import ServiceCreate, ServiceUpdate
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.teams.service import slugify
from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.like import contains
from watchkeeper.db.lookup import missing_ids
from watchkeeper.db.pagination import paginate
from watchkeeper.db.unique import add_unique, update_unique

SORTABLE = {"id": Service.id, "slug": Service.slug, "created_at": Service.created_at}


def create(session: Session, *, data: ServiceCreate, now: datetime) -> Service:
    slug = data.slug or slugify(data.name)
    if not slug:
        raise errors.unnamed_slug(data.name)
    _check_team(session, data.owner_team_id)
    service = Service(
        name=data.name,
        slug=slug,
        description=data.description,
        owner_team_id=data.owner_team_id,
        tags=sorted(set(data.tags)),
        auto_resolve=data.auto_resolve,
        group_by=list(dict.fromkeys(data.group_by)),
        group_window_minutes=data.group_window_minutes,
        default_impact=data.default_impact,
        escalation_policy_id=data.escalation_policy_id,
        created_at=now,
        updated_at=now,
    )
    add_unique(session, service, lambda: errors.slug_taken(slug))
    _set_dependencies(session, service, data.depends_on)
    return service


def get(session: Session, *, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise errors.service_not_found(service_id)
    return service


def list_(
    session: Session,
    *,
    page: PageRequest,
    owner_team_id: int | None = None,
    q: str | None = None,
) -> tuple[Sequence[Service], str | None]:
    stmt = select(Service)
    if owner_team_id is not None:
        stmt = stmt.where(Service.owner_team_id == owner_team_id)
    if q:
        stmt = stmt.where(or_(contains(Service.name, q), contains(Service.slug, q)))
    return paginate(session, stmt, request=page, sortable=SORTABLE, id_column=Service.id)


def all_(session: Session) -> Sequence[Service]:
    """Every service by name, for pickers and small lists."""
    return session.scalars(select(Service).order_by(Service.name)).all()


def update(session: Session, *, service_id: int, data: ServiceUpdate, now: datetime) -> Service:
    service = get(session, service_id=service_id)
    changes = data.model_dump(exclude_unset=True)
    depends_on = changes.pop("depends_on", None)
    if "owner_team_id" in changes:
        _check_team(session, changes["owner_team_id"])
    if "tags" in changes:
        changes["tags"] = sorted(set(changes["tags"]))
    taken = changes.get("slug", service.slug)
    update_unique(session, service, changes, now=now, taken=lambda: errors.slug_taken(taken))
    if depends_on is not None:
        _set_dependencies(session, service, depends_on)
    return service


def delete_(session: Session, *, service_id: int) -> None:
    session.delete(get(session, service_id=service_id))
    session.flush()


def dependencies_of(session: Session, *, service_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(service_ids)
    result: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return result
    rows = session.execute(
        select(ServiceDependency.service_id, ServiceDependency.depends_on_id)
        .where(ServiceDependency.service_id.in_(ids))
        .order_by(ServiceDependency.depends_on_id)
    )
    for service_id, depends_on_id in rows:
        result[service_id].append(depends_on_id)
    return result


def _set_dependencies(session: Session, service: Service, depends_on: list[int]) -> None:
    wanted = sorted(set(depends_on))
    if missing := missing_ids(session, Service.id, wanted):
        raise errors.unknown_services(missing)
    if service.id in wanted:
        raise errors.dependency_cycle([service.slug, service.slug])
    _refuse_cycles(session, service, wanted)
    session.execute(delete(ServiceDependency).where(ServiceDependency.service_id == service.id))
    session.add_all(ServiceDependency(service_id=service.id, depends_on_id=d) for d in wanted)
    session.flush()


def _refuse_cycles(session: Session, service: Service, wanted: list[int]) -> None:
    """Refuse edges service -> d when d already reaches service (a path back)."""
    edges: dict[int, list[int]] = defaultdict(list)
    for source, target in session.execute(
        select(ServiceDependency.service_id, ServiceDependency.depends_on_id)
    ):
        if source != service.id:
            edges[source].append(target)
    for start in wanted:
        path = _path(edges, start, service.id)
        if path is not None:
            slugs = {row[0]: row[1] for row in session.execute(select(Service.id, Service.slug))}
            raise errors.dependency_cycle([service.slug, *(slugs[node] for node in path)])


def _path(edges: dict[int, list[int]], start: int, goal: int) -> list[int] | None:
    """A path start -> ... -> goal in the dependency graph, or None (iterative DFS)."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((nxt, [*path, nxt]) for nxt in edges.get(node, ()))
    return None


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise errors.unknown_team(team_id)
