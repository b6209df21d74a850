"""What ends sessions and tokens: deactivation, password resets and changes, a parent
token's revocation; and how far a token made by a token may reach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import START
from tests.factories import PASSWORD, make_user
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.models import ApiToken
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import UserUpdate
from watchkeeper.core.errors import Forbidden
from watchkeeper.db.session import Database

POLICY = access.SessionPolicy(idle=timedelta(hours=2), max_age=timedelta(hours=8))
LATER = START + timedelta(minutes=5)


def _user_with_session_and_token(db: Database, login: str = "alice") -> tuple[int, str, str]:
    with db.transaction() as session:
        user = make_user(session, now=START, login=login)
        _, cookie = access.login(session, login=login, password=PASSWORD, now=START, policy=POLICY)
        _, token = access.create_token(
            session, owner=user, name="ci", role=None, expires_in_days=None, now=START
        )
        return user.id, cookie, token


def _works(db: Database, *, cookie: str | None = None, token: str | None = None) -> bool:
    with db.transaction(write=False) as session:
        if cookie is not None:
            return access.resolve_session(session, secret=cookie, now=LATER) is not None
        assert token is not None
        return access.resolve_token(session, secret=token, now=LATER) is not None


def _set_active(db: Database, user_id: int, active: bool) -> None:
    with db.transaction() as session:
        users.update(session, user_id=user_id, data=UserUpdate(is_active=active), now=LATER)


def test_deactivating_a_user_ends_their_sessions_and_tokens_for_good(db: Database) -> None:
    user_id, cookie, token = _user_with_session_and_token(db)
    _set_active(db, user_id, False)
    _set_active(db, user_id, True)  # coming back does not bring the old credentials back
    assert not _works(db, cookie=cookie)
    assert not _works(db, token=token)
    with db.transaction(write=False) as session:
        revoked = session.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == user_id))
        assert list(revoked) == [LATER]


def test_deactivating_someone_leaves_other_peoples_credentials_alone(db: Database) -> None:
    alice, _, _ = _user_with_session_and_token(db, "alice")
    _, bob_cookie, bob_token = _user_with_session_and_token(db, "bob")
    _set_active(db, alice, False)
    assert _works(db, cookie=bob_cookie)
    assert _works(db, token=bob_token)


def test_a_password_reset_revokes_every_token_when_asked(db: Database) -> None:
    user_id, _, kept = _user_with_session_and_token(db, "alice")
    with db.transaction() as session:
        users.set_password(session, user_id=user_id, password="x" * 12, now=LATER)
    assert _works(db, token=kept)  # a reset alone keeps tokens (scripts go on working)
    with db.transaction() as session:
        users.set_password(
            session, user_id=user_id, password="y" * 12, now=LATER, revoke_tokens=True
        )
    assert not _works(db, token=kept)


def test_a_password_change_revokes_every_token_when_asked(db: Database) -> None:
    user_id, cookie, token = _user_with_session_and_token(db, "alice")
    with db.transaction() as session:
        session_id = access.resolve_session(session, secret=cookie, now=START)
        assert session_id is not None
        users.change_password(
            session,
            user_id=user_id,
            current=PASSWORD,
            new="z" * 12,
            now=LATER,
            keep_session_id=session_id[0].session_id,
            revoke_tokens=True,
        )
    assert _works(db, cookie=cookie)  # the session that changed it goes on
    assert not _works(db, token=token)


def _parent(db: Database, *, days: int | None, role: Role = Role.RESPONDER) -> ApiToken:
    with db.transaction() as session:
        owner = make_user(session, now=START, role=Role.ADMIN)
        make_user(session, now=START, role=Role.ADMIN)
        token, _ = access.create_token(
            session, owner=owner, name="parent", role=role, expires_in_days=days, now=START
        )
        return token


def _child(db: Database, parent: ApiToken, **options: object) -> ApiToken:
    with db.transaction() as session:
        owner = session.get(User, parent.user_id)
        assert owner is not None
        fields: dict[str, object] = {"name": "child", "role": None, "expires_in_days": 90}
        token, _ = access.create_token(
            session,
            owner=owner,
            now=START,
            ceiling=Role(parent.role),
            parent_id=parent.id,
            **{**fields, **options},  # type: ignore[arg-type]
        )
        return token


def test_a_token_made_by_a_token_cannot_be_asked_to_outlive_it(db: Database) -> None:
    parent = _parent(db, days=30)
    with pytest.raises(Forbidden, match="cannot outlive the token that creates it"):
        _child(db, parent, expires_in_days=31)
    with pytest.raises(Forbidden, match="cannot outlive the token that creates it"):
        _child(db, parent, expires_in_days=None)
    assert _child(db, parent, expires_in_days=30).expires_at == START + timedelta(days=30)


def test_a_default_lifetime_is_shortened_to_the_parents(db: Database) -> None:
    parent = _parent(db, days=30)
    child = _child(db, parent, expires_in_days=90, lifetime_chosen=False)
    assert child.expires_at == parent.expires_at


def test_a_token_made_by_a_token_has_no_wider_scope(db: Database) -> None:
    parent = _parent(db, days=None, role=Role.RESPONDER)
    with pytest.raises(Forbidden):
        _child(db, parent, role=Role.ADMIN)
    assert _child(db, parent).role == "responder"


def test_revoking_a_token_revokes_every_token_made_from_it(db: Database) -> None:
    parent = _parent(db, days=None)
    child = _child(db, parent, expires_in_days=None)
    grandchild = _child(db, child, expires_in_days=None)
    sibling = _parent(db, days=None)
    with db.transaction() as session:
        access.revoke_token(session, token_id=parent.id, now=LATER)
    with db.transaction(write=False) as session:
        for token in (parent, child, grandchild):
            assert session.get(ApiToken, token.id).revoked_at == LATER  # type: ignore[union-attr]
        assert session.get(ApiToken, sibling.id).revoked_at is None  # type: ignore[union-attr]
