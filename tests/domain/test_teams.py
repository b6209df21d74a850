"""Team use cases on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import START
from tests.factories import make_user
from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.teams.schemas import TeamCreate, TeamUpdate
from watchkeeper.core.errors import Conflict, Invalid, NotFound
from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.session import Database


def test_the_slug_is_derived_from_the_name() -> None:
    assert teams.slugify("Réseau & DNS (EU)") == "reseau-dns-eu"


def test_a_team_is_created_with_its_members(db: Database) -> None:
    with db.transaction() as session:
        alice = make_user(session, now=START)
        team = teams.create(
            session, data=TeamCreate(name="Database Ops", member_ids=[alice.id]), now=START
        )
        assert team.slug == "database-ops"
        assert teams.member_ids_of(session, team_ids=[team.id])[team.id] == [alice.id]


def test_a_duplicate_slug_is_a_conflict_and_creates_nothing(db: Database) -> None:
    with db.transaction() as session:
        teams.create(session, data=TeamCreate(name="Network"), now=START)
    with pytest.raises(Conflict, match="network"), db.transaction() as session:
        teams.create(session, data=TeamCreate(name="network"), now=START)
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Team)) == 1


def test_a_name_without_letters_needs_an_explicit_slug(db: Database) -> None:
    with pytest.raises(Invalid, match="slug"), db.transaction() as session:
        teams.create(session, data=TeamCreate(name="???"), now=START)


def test_unknown_members_are_refused(db: Database) -> None:
    with pytest.raises(Invalid, match="42"), db.transaction() as session:
        teams.create(session, data=TeamCreate(name="Ops", member_ids=[42]), now=START)


def test_adding_a_member_twice_keeps_one_membership(db: Database) -> None:
    with db.transaction() as session:
        user = make_user(session, now=START)
        team = teams.create(session, data=TeamCreate(name="SRE"), now=START)
        teams.add_member(session, team_id=team.id, user_id=user.id, now=START)
        teams.add_member(session, team_id=team.id, user_id=user.id, now=START)
        assert teams.member_ids_of(session, team_ids=[team.id])[team.id] == [user.id]
        teams.remove_member(session, team_id=team.id, user_id=user.id)
        teams.remove_member(session, team_id=team.id, user_id=user.id)
        assert teams.member_ids_of(session, team_ids=[team.id]).get(team.id, []) == []


def test_deleting_a_team_removes_its_memberships(db: Database) -> None:
    with db.transaction() as session:
        user = make_user(session, now=START)
        team = teams.create(session, data=TeamCreate(name="Gone", member_ids=[user.id]), now=START)
        team_id = team.id
    with db.transaction() as session:
        teams.delete_(session, team_id=team_id)
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(TeamMembership)) == 0
        with pytest.raises(NotFound):
            teams.get(session, team_id=team_id)


def test_renaming_to_a_taken_slug_is_a_conflict(db: Database) -> None:
    with db.transaction() as session:
        teams.create(session, data=TeamCreate(name="Alpha"), now=START)
        beta = teams.create(session, data=TeamCreate(name="Beta"), now=START)
        beta_id = beta.id
    with pytest.raises(Conflict), db.transaction() as session:
        teams.update(session, team_id=beta_id, data=TeamUpdate(slug="alpha"), now=START)
    with db.transaction(write=False) as session:
        assert teams.get(session, team_id=beta_id).slug == "beta"


def test_teams_of_a_member_can_be_listed(db: Database) -> None:
    with db.transaction() as session:
        user = make_user(session, now=START)
        teams.create(session, data=TeamCreate(name="One", member_ids=[user.id]), now=START)
        teams.create(session, data=TeamCreate(name="Two"), now=START)
        rows, cursor = teams.list_(session, page=PageRequest(), member_id=user.id)
        assert [row.slug for row in rows] == ["one"]
        assert cursor is None
        rows, _ = teams.list_(session, page=PageRequest(), q="TW")
        assert [row.slug for row in rows] == ["two"]
