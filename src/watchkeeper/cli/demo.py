"""Demo data for a first look: a few teams and people, only on an empty installation."""

from __future__ import annotations

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.teams.schemas import TeamCreate
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import UserCreate
from watchkeeper.wiring import Installation

DEMO_PASSWORD = "watchkeeper-demo"
_TEAMS = (
    ("Platform", "Kubernetes, CI and the internal developer platform"),
    ("Database", "PostgreSQL clusters, backups and replication"),
    ("Network", "DNS, load balancers, VPN and the edge"),
)
_PEOPLE = (
    ("alice", "Alice Martin", Role.RESPONDER, "Europe/Paris", (0, 1)),
    ("bob", "Bob Okafor", Role.RESPONDER, "Africa/Lagos", (0, 2)),
    ("chen", "Chen Wei", Role.RESPONDER, "Asia/Singapore", (1,)),
    ("dana", "Dana Levi", Role.VIEWER, "America/New_York", (2,)),
)


def _load(session: Session, installation: Installation) -> bool:
    if session.scalar(select(func.count()).select_from(Team)):
        return False
    now = installation.clock.now()
    team_ids = [
        teams.create(session, data=TeamCreate(name=name, description=text), now=now).id
        for name, text in _TEAMS
    ]
    for login, name, role, zone, member_of in _PEOPLE:
        data = UserCreate(
            login=login,
            name=name,
            email=f"{login}@example.com",
            role=role,
            password=DEMO_PASSWORD,
            time_zone=zone,
            team_ids=[team_ids[i] for i in member_of],
        )
        users.create(session, data=data, now=now)
    return True


def load_demo(installation: Installation) -> None:
    if installation.database.run(lambda s: _load(s, installation)):
        logins = ", ".join(person[0] for person in _PEOPLE)
        typer.echo(f"demo data loaded: teams {', '.join(t[0] for t in _TEAMS)}; users {logins}")
        typer.echo(f"  (demo users' password: {DEMO_PASSWORD})")
    else:
        typer.echo("demo data skipped: this installation already has teams")
