"""Demo data for a first look: a few teams and people, only on an empty installation."""

from __future__ import annotations

import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.schemas import ServiceCreate
from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.teams.schemas import TeamCreate
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import UserCreate
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents import transitions
from watchkeeper.incidents.schemas import IncidentCreate, Source
from watchkeeper.incidents.timeline import Actor
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


_SERVICES = (
    ("Postgres primary", 1, (), ("database", "tier-1")),
    ("DNS", 2, (), ("network",)),
    ("Payments API", 0, ("Postgres primary", "DNS"), ("tier-1",)),
    ("Checkout", 0, ("Payments API",), ("customer-facing",)),
)
_INCIDENTS = (
    ("Checkout returns 502 for 30% of requests", "Checkout", 1, 1, "triggered"),
    (
        "Replication lag on the Postgres primary above 60 s",
        "Postgres primary",
        2,
        2,
        "acknowledged",
    ),
    ("Slow DNS answers from the internal resolver", "DNS", 3, 3, "resolved"),
)


def _load(session: Session, installation: Installation) -> bool:
    if session.scalar(select(func.count()).select_from(Team)):
        return False
    now = installation.clock.now()
    team_ids = [
        teams.create(session, data=TeamCreate(name=name, description=text), now=now).id
        for name, text in _TEAMS
    ]
    user_ids: dict[str, int] = {}
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
        user_ids[login] = users.create(session, data=data, now=now)[0].id
    service_ids: dict[str, int] = {}
    for name, team, depends, tags in _SERVICES:
        service = ServiceCreate(
            name=name,
            owner_team_id=team_ids[team],
            depends_on=[service_ids[d] for d in depends],
            tags=list(tags),
        )
        service_ids[name] = services.create(session, data=service, now=now).id
    _incidents(session, installation, service_ids, user_ids)
    return True


def _incidents(
    session: Session,
    installation: Installation,
    service_ids: dict[str, int],
    user_ids: dict[str, int],
) -> None:
    """A few incidents in different states, so every page has something to show."""
    now = installation.clock.now()
    alice = Actor(user_ids["alice"], "alice")
    for title, service, impact, urgency, fate in _INCIDENTS:
        data = IncidentCreate(
            title=title, service_id=service_ids[service], impact=impact, urgency=urgency
        )
        incident = incidents.create(session, data=data, actor=alice, now=now, source=Source.MANUAL)
        if fate in ("acknowledged", "resolved"):
            transitions.acknowledge(session, incident_id=incident.id, actor=alice, now=now)
        if fate == "resolved":
            transitions.resolve(session, incident_id=incident.id, actor=alice, now=now)


def load_demo(installation: Installation) -> None:
    if installation.database.run(lambda s: _load(s, installation)):
        logins = ", ".join(person[0] for person in _PEOPLE)
        typer.echo(f"demo data loaded: teams {', '.join(t[0] for t in _TEAMS)}; users {logins}")
        typer.echo(f"  (demo users' password: {DEMO_PASSWORD})")
    else:
        typer.echo("demo data skipped: this installation already has teams")
