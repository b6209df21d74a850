"""Single sign-on: who an identity provider says someone is, as a Watchkeeper user.

The protocol (OpenID Connect) lives at the web edge; this module only decides. A person
is found by their verified email address; their identity provider groups may set their
role and add them to teams; an unknown person is created only when an admin allowed it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import UserCreate
from watchkeeper.core.errors import Unauthorized
from watchkeeper.core.secrets import random_urlsafe


@dataclass(frozen=True)
class SsoRules:
    """What the identity provider's groups mean here (from settings)."""

    group_roles: Mapping[str, Role]
    group_teams: Mapping[str, str]
    create_users: bool = False


@dataclass(frozen=True)
class Identity:
    """The verified claims of an ID token that matter here."""

    subject: str
    email: str | None
    email_verified: bool | None
    name: str | None
    username: str | None
    groups: Sequence[str]


def role_for(groups: Sequence[str], rules: SsoRules) -> Role | None:
    """The highest role any of the groups gives; None when none is mapped."""
    found = [rules.group_roles[g] for g in groups if g in rules.group_roles]
    return max(found, key=lambda role: role.rank) if found else None


def sign_in(session: Session, *, identity: Identity, rules: SsoRules, now: datetime) -> User:
    """The active user this identity is, after applying the group rules."""
    if not identity.email or identity.email_verified is False:
        raise Unauthorized("your identity provider did not give a verified email address")
    email = identity.email.strip().lower()
    role = role_for(identity.groups, rules)
    if rules.group_roles and role is None:
        raise Unauthorized(
            "none of your identity provider groups gives a role in Watchkeeper; "
            "ask an admin to map one"
        )
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        if not rules.create_users:
            raise Unauthorized(f"there is no Watchkeeper account for {email}; ask an admin")
        user = _create(session, identity=identity, email=email, role=role, now=now)
    elif not user.is_active:
        raise Unauthorized("this account is deactivated")
    elif role is not None and user.role != role.value:
        user.role = role.value
        user.updated_at = now
    _join_teams(session, user=user, groups=identity.groups, rules=rules, now=now)
    return user


def _create(
    session: Session, *, identity: Identity, email: str, role: Role | None, now: datetime
) -> User:
    base = _login_from(identity.username or email.split("@")[0])
    login = base
    number = 1
    while session.scalar(select(User.id).where(User.login == login)) is not None:
        number += 1
        login = f"{base[:60]}-{number}"
    data = UserCreate(
        login=login,
        name=(identity.name or login).strip()[:200] or login,
        email=email,
        role=role or Role.VIEWER,
        # Never told to anyone: the person signs in through the identity provider.
        password=random_urlsafe(32),
    )
    user, _ = users.create(session, data=data, now=now)
    return user


def _login_from(text: str) -> str:
    login = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip(".-_")[:64]
    return login if len(login) >= 2 else f"user-{login}".strip("-")


def _join_teams(
    session: Session, *, user: User, groups: Sequence[str], rules: SsoRules, now: datetime
) -> None:
    """Add the memberships the groups give (never removes: teams are also managed here)."""
    names = {rules.group_teams[g] for g in groups if g in rules.group_teams}
    if not names:
        return
    wanted = session.scalars(select(Team.id).where(Team.name.in_(names))).all()
    have = set(
        session.scalars(
            select(TeamMembership.team_id).where(TeamMembership.user_id == user.id)
        ).all()
    )
    for team_id in sorted(set(wanted) - have):
        teams.add_member(session, team_id=team_id, user_id=user.id, now=now)
