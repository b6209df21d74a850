"""Use cases for teams and memberships. Callers own the transaction."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams import errors
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.teams.schemas import TeamCreate, TeamUpdate
from watchkeeper.catalog.users.models import User
from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.like import contains
from watchkeeper.db.lookup import missing_ids
from watchkeeper.db.pagination import paginate
from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.db.upsert import insert_for

SORTABLE = {"id": Team.id, "slug": Team.slug, "created_at": Team.created_at}


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:100]


def create(session: Session, *, data: TeamCreate, now: datetime) -> Team:
    slug = data.slug or slugify(data.name)
    if not slug:
        raise errors.unnamed_slug(data.name)
    _check_users(session, data.member_ids)
    team = Team(
        name=data.name, slug=slug, description=data.description, created_at=now, updated_at=now
    )
    add_unique(session, team, lambda: errors.slug_taken(slug))
    for user_id in sorted(set(data.member_ids)):
        session.add(TeamMembership(team_id=team.id, user_id=user_id, created_at=now))
    session.flush()
    return team


def get(session: Session, *, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise errors.team_not_found(team_id)
    return team


def list_(
    session: Session, *, page: PageRequest, member_id: int | None = None, q: str | None = None
) -> tuple[Sequence[Team], str | None]:
    stmt = select(Team)
    if member_id is not None:
        teams_of_user = select(TeamMembership.team_id).where(TeamMembership.user_id == member_id)
        stmt = stmt.where(Team.id.in_(teams_of_user))
    if q:
        stmt = stmt.where(or_(contains(Team.name, q), contains(Team.slug, q)))
    return paginate(session, stmt, request=page, sortable=SORTABLE, id_column=Team.id)


def update(session: Session, *, team_id: int, data: TeamUpdate, now: datetime) -> Team:
    team = get(session, team_id=team_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    taken = changes.get("slug", team.slug)
    update_unique(session, team, changes, now=now, taken=lambda: errors.slug_taken(taken))
    return team


def delete_(session: Session, *, team_id: int) -> None:
    team = get(session, team_id=team_id)
    session.delete(team)
    session.flush()


def add_member(session: Session, *, team_id: int, user_id: int, now: datetime) -> None:
    """Idempotent: adding a member twice leaves one membership."""
    get(session, team_id=team_id)
    _check_users(session, [user_id], field="user_id")
    session.execute(
        insert_for(session, TeamMembership)
        .values(team_id=team_id, user_id=user_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "user_id"])
    )


def remove_member(session: Session, *, team_id: int, user_id: int) -> None:
    get(session, team_id=team_id)
    session.execute(
        delete(TeamMembership).where(
            TeamMembership.team_id == team_id, TeamMembership.user_id == user_id
        )
    )


def member_ids_of(session: Session, *, team_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(team_ids)
    result: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return result
    rows = session.execute(
        select(TeamMembership.team_id, TeamMembership.user_id)
        .where(TeamMembership.team_id.in_(ids))
        .order_by(TeamMembership.user_id)
    )
    for team_id, user_id in rows:
        result[team_id].append(user_id)
    return result


def _check_users(session: Session, user_ids: list[int], field: str = "member_ids") -> None:
    if missing := missing_ids(session, User.id, user_ids):
        raise errors.unknown_users(missing, field)
