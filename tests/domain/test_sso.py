"""Who a single sign-on identity is here: matched by verified email, role and teams from
the provider's groups, created only when allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_team, make_user
from watchkeeper.catalog.sso.service import Identity, SsoRules, role_for, sign_in
from watchkeeper.catalog.teams.models import TeamMembership
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.clock import FrozenClock
from watchkeeper.core.errors import Unauthorized
from watchkeeper.db.session import Database

RULES = SsoRules(
    group_roles={"sre": Role.RESPONDER, "leads": Role.ADMIN}, group_teams={"sre": "SRE"}
)


def _identity(email: str | None = "erin@example.com", **fields: object) -> Identity:
    values: dict[str, object] = {
        "subject": "s-1",
        "email": email,
        "email_verified": True,
        "name": "Erin",
        "username": "erin",
        "groups": ["sre"],
        **fields,
    }
    return Identity(**values)  # type: ignore[arg-type]


def test_the_highest_mapped_group_gives_the_role() -> None:
    assert role_for(["staff", "sre", "leads"], RULES) is Role.ADMIN
    assert role_for(["staff"], RULES) is None


def test_an_existing_person_is_found_by_email_and_gets_the_groups_role_and_team(
    db: Database, clock: FrozenClock
) -> None:
    with db.transaction() as session:
        make_user(session, now=clock.now(), login="erin", role=Role.VIEWER)
        team = make_team(session, now=clock.now(), name="SRE")
        user = sign_in(
            session, identity=_identity("ERIN@example.com"), rules=RULES, now=clock.now()
        )
        assert (user.login, user.role) == ("erin", "responder")
        members = session.scalars(
            select(TeamMembership.user_id).where(TeamMembership.team_id == team.id)
        )
        assert list(members) == [user.id]
        # Signing in again adds nothing twice.
        sign_in(session, identity=_identity(), rules=RULES, now=clock.now())


def test_an_unknown_person_is_refused_unless_creating_is_allowed(
    db: Database, clock: FrozenClock
) -> None:
    with db.transaction() as session:
        with pytest.raises(Unauthorized, match=r"no Watchkeeper account for erin@example\.com"):
            sign_in(session, identity=_identity(), rules=RULES, now=clock.now())
        allowed = SsoRules(group_roles=RULES.group_roles, group_teams={}, create_users=True)
        user = sign_in(
            session, identity=_identity(groups=["leads"]), rules=allowed, now=clock.now()
        )
        assert (user.login, user.name, user.role, user.must_change_password) == (
            "erin",
            "Erin",
            "admin",
            False,
        )


def test_a_taken_login_gets_a_number_for_a_new_person(db: Database, clock: FrozenClock) -> None:
    with db.transaction() as session:
        make_user(session, now=clock.now(), login="erin").email = "other@example.com"
        allowed = SsoRules(group_roles={}, group_teams={}, create_users=True)
        user = sign_in(session, identity=_identity(), rules=allowed, now=clock.now())
        assert (user.login, user.role) == ("erin-2", "viewer")


@pytest.mark.parametrize(
    ("identity", "reason"),
    [
        (_identity(None), "verified email"),
        (_identity(email_verified=False), "verified email"),
        (_identity(groups=["staff"]), "none of your identity provider groups"),
    ],
)
def test_what_the_provider_does_not_vouch_for_is_refused(
    db: Database, clock: FrozenClock, identity: Identity, reason: str
) -> None:
    with db.transaction() as session:
        make_user(session, now=clock.now(), login="erin")
        with pytest.raises(Unauthorized, match=reason):
            sign_in(session, identity=identity, rules=RULES, now=clock.now())


def test_a_deactivated_account_stays_locked(db: Database, clock: FrozenClock) -> None:
    with db.transaction() as session:
        user = make_user(session, now=clock.now(), login="erin")
        user.is_active = False
        with pytest.raises(Unauthorized, match="deactivated"):
            sign_in(session, identity=_identity(), rules=RULES, now=clock.now())
