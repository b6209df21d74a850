"""Use cases for users. Callers own the transaction; nothing here commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.passwords import hash_password, one_time_password, verify_password
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.users import errors
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import UserCreate, UserUpdate, normalize_login
from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.like import contains
from watchkeeper.db.lookup import missing_ids
from watchkeeper.db.pagination import paginate

SORTABLE = {"id": User.id, "login": User.login, "created_at": User.created_at}
FIRST_ADMIN_LOGIN = "admin"


def create(session: Session, *, data: UserCreate, now: datetime) -> tuple[User, str | None]:
    """Create a user; returns it and the one-time password when none was given."""
    chosen = data.password
    password = chosen or one_time_password()
    _check_teams(session, data.team_ids)
    user = User(
        login=data.login,
        name=data.name,
        email=data.email,
        role=data.role.value,
        password_hash=hash_password(password),
        is_active=True,
        must_change_password=chosen is None,
        time_zone=data.time_zone,
        created_at=now,
        updated_at=now,
    )
    _insert_unique(session, user)
    for team_id in sorted(set(data.team_ids)):
        session.add(TeamMembership(team_id=team_id, user_id=user.id, created_at=now))
    session.flush()
    return user, None if chosen else password


def get(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise errors.user_not_found(user_id)
    return user


def get_by_login(session: Session, *, login: str) -> User:
    user = session.scalar(select(User).where(User.login == normalize_login(login)))
    if user is None:
        raise errors.user_not_found(repr(login))
    return user


def list_(
    session: Session,
    *,
    page: PageRequest,
    role: Role | None = None,
    is_active: bool | None = None,
    team_id: int | None = None,
    q: str | None = None,
) -> tuple[Sequence[User], str | None]:
    stmt = select(User)
    if role is not None:
        stmt = stmt.where(User.role == role.value)
    if is_active is not None:
        stmt = stmt.where(User.is_active == is_active)
    if team_id is not None:
        members = select(TeamMembership.user_id).where(TeamMembership.team_id == team_id)
        stmt = stmt.where(User.id.in_(members))
    if q:
        stmt = stmt.where(
            or_(contains(User.login, q), contains(User.name, q), contains(User.email, q))
        )
    return paginate(session, stmt, request=page, sortable=SORTABLE, id_column=User.id)


def update(session: Session, *, user_id: int, data: UserUpdate, now: datetime) -> User:
    user = get(session, user_id=user_id)
    changes = data.model_dump(exclude_unset=True)
    loses_admin = (changes.get("role") not in (None, Role.ADMIN) and user.role == Role.ADMIN) or (
        changes.get("is_active") is False and user.role == Role.ADMIN
    )
    if loses_admin and user.is_active and _active_admins(session) <= 1:
        raise errors.last_admin()
    try:
        # The savepoint opens before the change, so a unique violation undoes only it.
        with session.begin_nested():
            for field, value in changes.items():
                if value is None and field != "email":
                    continue
                setattr(user, field, value.value if isinstance(value, Role) else value)
            user.updated_at = now
    except IntegrityError:
        _raise_taken(session, user_id=user_id, login=user.login, email=changes.get("email"))
        raise
    if changes.get("is_active") is False:
        # Reactivation must not bring back what someone had before (a stolen cookie).
        access.end_sessions(session, user_id=user_id)
        access.revoke_tokens_of(session, user_id=user_id, now=now)
    return user


def set_password(
    session: Session,
    *,
    user_id: int,
    password: str,
    now: datetime,
    must_change: bool = False,
    revoke_tokens: bool = False,
) -> User:
    """Set a password for someone (admin reset, CLI): every session they had ends, and
    with `revoke_tokens` every API token too (after a compromise, not a forgotten one)."""
    user = _store_password(session, user_id=user_id, password=password, now=now)
    user.must_change_password = must_change
    access.end_sessions(session, user_id=user_id)
    if revoke_tokens:
        access.revoke_tokens_of(session, user_id=user_id, now=now)
    return user


def change_password(
    session: Session,
    *,
    user_id: int,
    current: str,
    new: str,
    now: datetime,
    keep_session_id: int | None = None,
    revoke_tokens: bool = False,
) -> User:
    """Change one's own password; every other session of the user ends, and with
    `revoke_tokens` every API token."""
    user = get(session, user_id=user_id)
    if not verify_password(current, user.password_hash):
        raise errors.wrong_current_password()
    user = _store_password(session, user_id=user_id, password=new, now=now)
    user.must_change_password = False
    access.end_sessions(session, user_id=user_id, keep_session_id=keep_session_id)
    if revoke_tokens:
        access.revoke_tokens_of(session, user_id=user_id, now=now)
    return user


def _store_password(session: Session, *, user_id: int, password: str, now: datetime) -> User:
    user = get(session, user_id=user_id)
    user.password_hash = hash_password(password)
    user.updated_at = now
    session.flush()
    return user


def team_ids_of(session: Session, *, user_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each user's team ids, for list responses (one query for the whole page)."""
    ids = list(user_ids)
    result: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return result
    rows = session.execute(
        select(TeamMembership.user_id, TeamMembership.team_id)
        .where(TeamMembership.user_id.in_(ids))
        .order_by(TeamMembership.team_id)
    )
    for user_id, team_id in rows:
        result[user_id].append(team_id)
    return result


def ensure_first_admin(session: Session, *, now: datetime) -> str | None:
    """On an empty installation create `admin`; returns its one-time password, else None."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    data = UserCreate(login=FIRST_ADMIN_LOGIN, name="Administrator", role=Role.ADMIN)
    _, password = create(session, data=data, now=now)
    return password


def _active_admins(session: Session) -> int:
    stmt = select(func.count()).where(User.role == Role.ADMIN.value, User.is_active.is_(True))
    return session.scalar(stmt) or 0


def _check_teams(session: Session, team_ids: list[int]) -> None:
    if missing := missing_ids(session, Team.id, team_ids):
        raise errors.unknown_teams(missing)


def _insert_unique(session: Session, user: User) -> None:
    login, email = user.login, user.email
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        _raise_taken(session, user_id=None, login=login, email=email)
        raise


def _raise_taken(session: Session, *, user_id: int | None, login: str, email: str | None) -> None:
    """Re-read after a unique violation to say which field collided."""
    others = select(User.id).where(User.id != user_id) if user_id else select(User.id)
    if session.scalar(others.where(User.login == login)) is not None:
        raise errors.login_taken(login) from None
    if email and session.scalar(others.where(User.email == email)) is not None:
        raise errors.email_taken(email) from None
