"""User use cases on both databases."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import START
from tests.factories import make_team, make_user
from watchkeeper.catalog.access.passwords import verify_password
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import UserCreate, UserUpdate
from watchkeeper.core.errors import Conflict, Invalid, NotFound
from watchkeeper.core.pagination import PageRequest, Sort
from watchkeeper.db.session import Database


def _count(db: Database) -> int:
    with db.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def test_creating_a_user_without_password_gives_a_one_time_password(db: Database) -> None:
    with db.transaction() as session:
        user, password = users.create(
            session, data=UserCreate(login="Alice", name="Alice"), now=START
        )
        assert user.login == "alice"
        assert password is not None
        assert user.must_change_password
        assert verify_password(password, user.password_hash)


def test_a_chosen_password_is_not_returned_and_need_not_change(db: Database) -> None:
    with db.transaction() as session:
        data = UserCreate(login="bob", name="Bob", password="a-long-password")
        user, password = users.create(session, data=data, now=START)
        assert password is None
        assert not user.must_change_password


def test_a_taken_login_is_a_conflict_and_changes_nothing(db: Database) -> None:
    with db.transaction() as session:
        make_user(session, now=START, login="carol")
    before = _count(db)
    with pytest.raises(Conflict, match="carol"), db.transaction() as session:
        users.create(session, data=UserCreate(login="carol", name="Other"), now=START)
    assert _count(db) == before


def test_a_taken_email_is_a_conflict_on_update(db: Database) -> None:
    with db.transaction() as session:
        make_user(session, now=START, login="dan")
        erin = make_user(session, now=START, login="erin")
        erin_id = erin.id
    with pytest.raises(Conflict, match="email"), db.transaction() as session:
        users.update(session, user_id=erin_id, data=UserUpdate(email="dan@example.com"), now=START)
    with db.transaction(write=False) as session:
        assert users.get(session, user_id=erin_id).email == "erin@example.com"


def test_unknown_teams_are_refused(db: Database) -> None:
    with pytest.raises(Invalid, match="999"), db.transaction() as session:
        users.create(session, data=UserCreate(login="fay", name="Fay", team_ids=[999]), now=START)
    assert _count(db) == 0


def test_a_user_may_belong_to_several_teams(db: Database) -> None:
    with db.transaction() as session:
        first, second = make_team(session, now=START), make_team(session, now=START)
        data = UserCreate(login="gus", name="Gus", team_ids=[second.id, first.id])
        user, _ = users.create(session, data=data, now=START)
        teams_of = users.team_ids_of(session, user_ids=[user.id])
        assert teams_of[user.id] == sorted([first.id, second.id])


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(db: Database) -> None:
    with db.transaction() as session:
        admin_id = make_user(session, now=START, role=Role.ADMIN).id
    for change in (UserUpdate(role=Role.VIEWER), UserUpdate(is_active=False)):
        with pytest.raises(Conflict, match="last active admin"), db.transaction() as session:
            users.update(session, user_id=admin_id, data=change, now=START)
    with db.transaction() as session:
        make_user(session, now=START, role=Role.ADMIN)
        users.update(session, user_id=admin_id, data=UserUpdate(role=Role.VIEWER), now=START)
        assert users.get(session, user_id=admin_id).role == "viewer"


def test_changing_a_password_needs_the_current_one(db: Database) -> None:
    with db.transaction() as session:
        user_id = make_user(session, now=START).id
    with pytest.raises(Invalid, match="current password"), db.transaction() as session:
        users.change_password(
            session, user_id=user_id, current="wrong", new="new-password-1", now=START
        )
    with db.transaction() as session:
        users.change_password(
            session,
            user_id=user_id,
            current="correct-horse-battery",
            new="new-password-1",
            now=START + timedelta(minutes=1),
        )
        user = users.get(session, user_id=user_id)
        assert verify_password("new-password-1", user.password_hash)
        assert user.updated_at == START + timedelta(minutes=1)


def test_the_first_admin_is_created_once(db: Database) -> None:
    with db.transaction() as session:
        password = users.ensure_first_admin(session, now=START)
    with db.transaction() as session:
        again = users.ensure_first_admin(session, now=START)
        admin = users.get_by_login(session, login="admin")
    assert password
    assert again is None
    assert admin.role == "admin"
    assert admin.must_change_password


def test_unknown_users_are_not_found(db: Database) -> None:
    with db.transaction(write=False) as session:
        with pytest.raises(NotFound):
            users.get(session, user_id=12345)
        with pytest.raises(NotFound):
            users.get_by_login(session, login="nobody")


def test_listing_pages_through_every_user_once_in_order(db: Database) -> None:
    with db.transaction() as session:
        for index in range(23):
            make_user(session, now=START + timedelta(seconds=index % 5), login=f"u{index:02d}")
    seen: list[str] = []
    cursor = None
    with db.transaction(write=False) as session:
        while True:
            page = PageRequest(limit=5, cursor=cursor, sort=Sort("created_at", descending=True))
            rows, cursor = users.list_(session, page=page)
            seen.extend(row.login for row in rows)
            if cursor is None:
                break
    assert sorted(seen) == [f"u{index:02d}" for index in range(23)]
    assert len(seen) == len(set(seen))
    expected = sorted(
        (f"u{i:02d}" for i in range(23)), key=lambda login: (int(login[1:]) % 5, int(login[1:]))
    )
    assert seen == list(reversed(expected))


def test_listing_filters_by_role_status_team_and_text(db: Database) -> None:
    with db.transaction() as session:
        team = make_team(session, now=START)
        make_user(session, now=START, login="viewer1", role=Role.VIEWER)
        make_user(session, now=START, login="gone", is_active=False)
        member = make_user(session, now=START, login="member")
        users.update(session, user_id=member.id, data=UserUpdate(name="Zed Member"), now=START)
        from watchkeeper.catalog.teams import service as teams

        teams.add_member(session, team_id=team.id, user_id=member.id, now=START)
        page = PageRequest(limit=50)

        def logins(**filters: object) -> list[str]:
            rows, _ = users.list_(session, page=page, **filters)  # type: ignore[arg-type]
            return [row.login for row in rows]

        assert logins(role=Role.VIEWER) == ["viewer1"]
        assert logins(is_active=False) == ["gone"]
        assert logins(team_id=team.id) == ["member"]
        assert logins(q="ZED") == ["member"]


def test_concurrent_creation_of_one_login_makes_one_user(db: Database) -> None:
    """Uniqueness is the database's job: eight racing creators, one winner, seven conflicts."""
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        barrier.wait()
        try:
            db.run(
                lambda s: users.create(
                    s, data=UserCreate(login="race", name="Race", password="x" * 12), now=START
                )
            )
            outcomes.append("created")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["created"]
    assert _count(db) == 1
