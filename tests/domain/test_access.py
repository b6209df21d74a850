"""Logins, web sessions and API tokens on both databases, under a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import START
from tests.factories import PASSWORD, make_user
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.models import WebSession
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import Forbidden, Unauthorized
from watchkeeper.db.session import Database

POLICY = access.SessionPolicy(idle=timedelta(hours=2), max_age=timedelta(hours=8))


def _sessions(db: Database) -> int:
    with db.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(WebSession)) or 0


def _login(db: Database, login: str, password: str = PASSWORD) -> str:
    with db.transaction() as session:
        _, secret = access.login(session, login=login, password=password, now=START, policy=POLICY)
    return secret


def test_a_good_password_opens_a_session(db: Database) -> None:
    with db.transaction() as session:
        make_user(session, now=START, login="alice", role=Role.ADMIN)
    secret = _login(db, "ALICE")
    with db.transaction(write=False) as session:
        found = access.resolve_session(session, secret=secret, now=START)
    assert found is not None
    principal, stale = found
    assert principal.login == "alice"
    assert principal.role is Role.ADMIN
    assert not stale
    assert principal.csrf_token


@pytest.mark.parametrize(("login", "password"), [("alice", "wrong"), ("nobody", PASSWORD)])
def test_a_bad_login_is_refused_and_opens_nothing(db: Database, login: str, password: str) -> None:
    with db.transaction() as session:
        make_user(session, now=START, login="alice")
    with pytest.raises(Unauthorized, match="wrong login or password"):
        _login(db, login, password)
    assert _sessions(db) == 0


def test_a_deactivated_user_cannot_log_in_or_use_a_session(db: Database) -> None:
    with db.transaction() as session:
        user = make_user(session, now=START, login="alice")
    secret = _login(db, "alice")
    with db.transaction() as session:
        session.get(type(user), user.id).is_active = False  # type: ignore[union-attr]
    with pytest.raises(Unauthorized):
        _login(db, "alice")
    with db.transaction(write=False) as session:
        assert access.resolve_session(session, secret=secret, now=START) is None


def test_a_session_ends_after_idling_and_at_its_maximum_age(db: Database) -> None:
    with db.transaction() as session:
        make_user(session, now=START, login="alice")
    secret = _login(db, "alice")
    with db.transaction(write=False) as session:
        found = access.resolve_session(session, secret=secret, now=START + timedelta(hours=2))
        assert found is None  # idle for the whole idle window
    secret = _login(db, "alice")
    now = START
    for _ in range(7):  # used every hour: idling never ends it...
        now += timedelta(hours=1)
        with db.transaction() as session:
            found = access.resolve_session(session, secret=secret, now=now)
            assert found is not None
            assert found[1]
            access.touch_session(
                session, session_id=found[0].session_id or 0, now=now, policy=POLICY
            )
    with db.transaction(write=False) as session:  # ...but the absolute limit does
        assert (
            access.resolve_session(session, secret=secret, now=START + timedelta(hours=8)) is None
        )


def test_logout_deletes_the_session(db: Database) -> None:
    with db.transaction() as session:
        make_user(session, now=START, login="alice")
    secret = _login(db, "alice")
    with db.transaction() as session:
        access.logout(session, secret=secret)
    with db.transaction(write=False) as session:
        assert access.resolve_session(session, secret=secret, now=START) is None
    assert _sessions(db) == 0


def test_expired_sessions_are_cleaned_up_in_batches(db: Database) -> None:
    with db.transaction() as session:
        make_user(session, now=START, login="alice")
    for _ in range(3):
        _login(db, "alice")
    later = START + timedelta(hours=3)
    with db.transaction() as session:
        access.login(session, login="alice", password=PASSWORD, now=later, policy=POLICY)
    with db.transaction() as session:
        assert access.delete_expired_sessions(session, now=later, limit=2) == 2
    with db.transaction() as session:
        assert access.delete_expired_sessions(session, now=later, limit=2) == 1
    with db.transaction() as session:
        assert access.delete_expired_sessions(session, now=later, limit=2) == 0
    assert _sessions(db) == 1


def test_a_token_authenticates_until_it_expires(db: Database) -> None:
    with db.transaction() as session:
        owner = make_user(session, now=START, role=Role.RESPONDER)
        token, secret = access.create_token(
            session, owner=owner, name="ci", role=None, expires_in_days=1, now=START
        )
        assert token.role == "responder"
        assert token.prefix in secret
        assert token.token_hash != secret
        assert secret not in token.token_hash
    with db.transaction(write=False) as session:
        found = access.resolve_token(session, secret=secret, now=START + timedelta(hours=23))
        assert found is not None
        assert found[0].role is Role.RESPONDER
        assert found[1]
        assert access.resolve_token(session, secret=secret, now=START + timedelta(days=1)) is None


def test_a_revoked_token_stops_working_at_once(db: Database) -> None:
    with db.transaction() as session:
        owner = make_user(session, now=START)
        token, secret = access.create_token(
            session, owner=owner, name="ci", role=None, expires_in_days=None, now=START
        )
        token_id = token.id
    with db.transaction() as session:
        access.revoke_token(session, token_id=token_id, now=START)
        again = access.revoke_token(session, token_id=token_id, now=START + timedelta(hours=1))
        assert again.revoked_at == START
    with db.transaction(write=False) as session:
        assert access.resolve_token(session, secret=secret, now=START) is None


def test_a_token_never_outranks_its_owner_or_its_creator(db: Database) -> None:
    with db.transaction() as session:
        responder = make_user(session, now=START, role=Role.RESPONDER)
        admin = make_user(session, now=START, role=Role.ADMIN)
        with pytest.raises(Forbidden):
            access.create_token(
                session, owner=responder, name="x", role=Role.ADMIN, expires_in_days=1, now=START
            )
        with pytest.raises(Forbidden):
            access.create_token(
                session,
                owner=admin,
                name="x",
                role=Role.ADMIN,
                expires_in_days=1,
                now=START,
                ceiling=Role.VIEWER,
            )
        token, _ = access.create_token(
            session,
            owner=admin,
            name="ro",
            role=None,
            expires_in_days=1,
            now=START,
            ceiling=Role.VIEWER,
        )
        assert token.role == "viewer"


def test_a_token_acts_with_the_lower_of_its_scope_and_its_owners_role(db: Database) -> None:
    with db.transaction() as session:
        admin = make_user(session, now=START, role=Role.ADMIN)
        make_user(session, now=START, role=Role.ADMIN)
        _, secret = access.create_token(
            session, owner=admin, name="a", role=None, expires_in_days=None, now=START
        )
        admin.role = Role.VIEWER.value  # demoted after the token was made
    with db.transaction(write=False) as session:
        found = access.resolve_token(session, secret=secret, now=START)
        assert found is not None
        assert found[0].role is Role.VIEWER


@pytest.mark.parametrize("secret", ["", "wk_api_short", "Bearer x", "wk_api_" + "A" * 36])
def test_malformed_or_unknown_tokens_resolve_to_nobody(db: Database, secret: str) -> None:
    with db.transaction(write=False) as session:
        assert access.resolve_token(session, secret=secret, now=START) is None


def test_cleanup_on_postgresql_skips_sessions_another_engine_is_deleting(
    postgres_db: Database,
) -> None:
    """Two engines cleaning at once take different rows instead of waiting for each other."""
    db = postgres_db
    with db.transaction() as session:
        make_user(session, now=START, login="alice")
    for _ in range(4):
        _login(db, "alice")
    later = START + timedelta(hours=3)
    with db.transaction() as first:
        assert access.delete_expired_sessions(first, now=later, limit=3) == 3
        with db.transaction() as second:  # runs while the first still holds its rows
            assert access.delete_expired_sessions(second, now=later, limit=3) == 1
    assert _sessions(db) == 0
