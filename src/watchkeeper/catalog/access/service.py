"""Logins, web sessions and API tokens. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from watchkeeper.catalog.access import errors
from watchkeeper.catalog.access.models import ApiToken, WebSession
from watchkeeper.catalog.access.passwords import verify_password
from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import LoginName, normalize_login
from watchkeeper.core.pagination import MAX_LIMIT, PageRequest, Sort
from watchkeeper.core.secrets import (
    display_prefix,
    hash_token,
    looks_valid,
    new_token,
    random_urlsafe,
)
from watchkeeper.db.claim import claim
from watchkeeper.db.pagination import paginate

API_TOKEN_KIND = "api"
# Writing last-seen times on every request would turn reads into writes; once a minute will do.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    max_age: timedelta

    def deadline(self, *, created_at: datetime, last_seen_at: datetime) -> datetime:
        return min(created_at + self.max_age, last_seen_at + self.idle)


@dataclass(frozen=True)
class Credentials:
    """What a login attempt is checked against, read in a short transaction of its own."""

    user_id: int | None
    password_hash: str | None
    is_active: bool


def find_credentials(session: Session, *, login: LoginName) -> Credentials:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        return Credentials(user_id=None, password_hash=None, is_active=False)
    return Credentials(user_id=user.id, password_hash=user.password_hash, is_active=user.is_active)


def check_password(credentials: Credentials, password: str) -> int:
    """The user's id if `password` is theirs and they may log in, else Unauthorized.

    Slow on purpose (argon2) and the same speed for unknown logins: call it outside any
    transaction, so that a stream of guesses holds no connection or lock meanwhile.
    """
    valid = verify_password(password, credentials.password_hash)
    if credentials.user_id is None or not valid or not credentials.is_active:
        raise errors.bad_credentials()
    return credentials.user_id


def open_session(
    session: Session,
    *,
    user_id: int,
    now: datetime,
    policy: SessionPolicy,
    ip: str = "",
    user_agent: str = "",
) -> tuple[WebSession, str]:
    """Open a web session for a checked user; returns it and its cookie secret."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:  # deactivated since the password was checked
        raise errors.bad_credentials()
    secret = random_urlsafe(32)
    web_session = WebSession(
        token_hash=hash_token(secret),
        user_id=user.id,
        csrf_token=random_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=policy.deadline(created_at=now, last_seen_at=now),
        ip=ip[:45],
        user_agent=user_agent[:300],
    )
    session.add(web_session)
    session.flush()
    return web_session, secret


def login(
    session: Session,
    *,
    login: str,
    password: str,
    now: datetime,
    policy: SessionPolicy,
    ip: str = "",
    user_agent: str = "",
) -> tuple[WebSession, str]:
    """All three steps in the caller's transaction, for callers without a throttle
    (scripts, the demo). The login form runs them apart, around its throttle."""
    credentials = find_credentials(session, login=normalize_login(login))
    user_id = check_password(credentials, password)
    return open_session(
        session, user_id=user_id, now=now, policy=policy, ip=ip, user_agent=user_agent
    )


def resolve_session(
    session: Session, *, secret: str, now: datetime
) -> tuple[Principal, bool] | None:
    """The principal behind a session cookie and whether its last-seen time is stale,
    or None if the session is unknown or over."""
    row = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == hash_token(secret), WebSession.expires_at > now)
    ).first()
    if row is None:
        return None
    web_session, user = row
    if not user.is_active:
        return None
    principal = Principal(
        user_id=user.id,
        login=user.login,
        name=user.name,
        role=Role(user.role),
        via="session",
        session_id=web_session.id,
        csrf_token=web_session.csrf_token,
        must_change_password=user.must_change_password,
        time_zone=user.time_zone,
    )
    return principal, now - web_session.last_seen_at >= TOUCH_EVERY


def touch_session(
    session: Session, *, session_id: int, now: datetime, policy: SessionPolicy
) -> None:
    web_session = session.get(WebSession, session_id)
    if web_session is None:
        return
    web_session.last_seen_at = now
    web_session.expires_at = policy.deadline(created_at=web_session.created_at, last_seen_at=now)


def logout(session: Session, *, secret: str) -> None:
    """End the session for good: the row is deleted, the cookie becomes worthless."""
    session.execute(delete(WebSession).where(WebSession.token_hash == hash_token(secret)))


def delete_expired_sessions(session: Session, *, now: datetime, limit: int) -> int:
    """Delete up to `limit` sessions that are over; returns how many."""
    expired = select(WebSession.id).where(WebSession.expires_at <= now).limit(limit)
    ids = session.scalars(claim(session, expired)).all()
    if not ids:
        return 0
    result = session.execute(delete(WebSession).where(WebSession.id.in_(ids)))
    assert isinstance(result, CursorResult)
    return result.rowcount


def create_token(
    session: Session,
    *,
    owner: User,
    name: str,
    role: Role | None,
    expires_in_days: int | None,
    now: datetime,
    ceiling: Role | None = None,
    parent_id: int | None = None,
    lifetime_chosen: bool = True,
) -> tuple[ApiToken, str]:
    """Issue an API token for `owner`; returns it and the secret (shown once).

    The scope is at most the owner's role and at most `ceiling` (the creator's effective
    role), so a read-only token cannot mint an admin one. A token made with the token
    `parent_id` also expires no later than it: a longer lifetime the caller chose is
    refused, a default one (`lifetime_chosen=False`) is shortened to fit.
    """
    parent = get_token(session, token_id=parent_id) if parent_id is not None else None
    limit = Role(owner.role)
    for bound in (ceiling, Role(parent.role) if parent else None):
        limit = Role.lowest(limit, bound) if bound else limit
    scope = role or limit
    if not limit.allows(scope):
        raise errors.token_above_owner()
    expires_at = _expiry(now, expires_in_days, parent=parent, chosen=lifetime_chosen)
    secret = new_token(API_TOKEN_KIND)
    token = ApiToken(
        user_id=owner.id,
        name=name,
        prefix=display_prefix(secret),
        token_hash=hash_token(secret),
        role=scope.value,
        created_at=now,
        expires_at=expires_at,
        last_used_at=None,
        revoked_at=None,
        parent_id=parent.id if parent else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def _expiry(
    now: datetime, days: int | None, *, parent: ApiToken | None, chosen: bool
) -> datetime | None:
    wanted = now + timedelta(days=days) if days else None
    ceiling = parent.expires_at if parent is not None else None
    if ceiling is None or (wanted is not None and wanted <= ceiling):
        return wanted
    if chosen:
        raise errors.token_outlives_parent(ceiling)
    return ceiling


def resolve_token(session: Session, *, secret: str, now: datetime) -> tuple[Principal, bool] | None:
    """The principal behind a bearer token and whether its last-used time is stale,
    or None if the token is unknown, expired or revoked."""
    if not looks_valid(secret, API_TOKEN_KIND):
        return None
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, user = row
    if (token.expires_at is not None and token.expires_at <= now) or not user.is_active:
        return None
    principal = Principal(
        user_id=user.id,
        login=user.login,
        name=user.name,
        role=Role.lowest(Role(token.role), Role(user.role)),
        via="token",
        token_id=token.id,
        time_zone=user.time_zone,
    )
    stale = token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY
    return principal, stale


def touch_token(session: Session, *, token_id: int, now: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


TOKEN_SORTABLE = {"id": ApiToken.id, "created_at": ApiToken.created_at}


def list_tokens(
    session: Session, *, user_id: int | None, page: PageRequest | None = None
) -> tuple[Sequence[ApiToken], str | None]:
    """Tokens of one user (or of everyone, for admins), newest first by default."""
    stmt = select(ApiToken)
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    page = page or PageRequest(limit=MAX_LIMIT, sort=Sort("id", descending=True))
    return paginate(session, stmt, request=page, sortable=TOKEN_SORTABLE, id_column=ApiToken.id)


def get_token(session: Session, *, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise errors.token_not_found(token_id)
    return token


def revoke_token(session: Session, *, token_id: int, now: datetime) -> ApiToken:
    """Revoke a token and every token made from it; revoking twice keeps the first time."""
    token = get_token(session, token_id=token_id)
    _revoke_with_descendants(session, [token.id], now)
    session.refresh(token)
    return token


def revoke_tokens_of(session: Session, *, user_id: int, now: datetime) -> None:
    """Revoke every live token of a user, and the tokens made from them."""
    live = select(ApiToken.id).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    _revoke_with_descendants(session, session.scalars(live).all(), now)


def end_sessions(session: Session, *, user_id: int, keep_session_id: int | None = None) -> None:
    """Log a user out everywhere, except in `keep_session_id` (the one asking)."""
    stmt = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_session_id is not None:
        stmt = stmt.where(WebSession.id != keep_session_id)
    session.execute(stmt)


def _revoke_with_descendants(session: Session, ids: Sequence[int], now: datetime) -> None:
    """One generation per round: a chain of tokens is short, each one made by hand."""
    generation = set(ids)
    while generation:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id.in_(generation), ApiToken.revoked_at.is_(None))
            .values(revoked_at=now),
            execution_options={"synchronize_session": False},
        )
        children = select(ApiToken.id).where(
            ApiToken.parent_id.in_(generation), ApiToken.revoked_at.is_(None)
        )
        generation = set(session.scalars(children))
