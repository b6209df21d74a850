"""Factories for test data: rows made through the real services, with fast defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.passwords import hash_password
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.services.schemas import ServiceCreate
from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.teams.schemas import TeamCreate
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.db.session import Database
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.schemas import IncidentCreate, Source
from watchkeeper.incidents.timeline import SYSTEM, Actor

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


@cache
def _password_hash() -> str:
    # argon2 is slow on purpose; hash the shared test password once per process.
    return hash_password(PASSWORD)


@dataclass(frozen=True)
class Person:
    id: int
    login: str
    role: Role
    token: str


def make_user(
    session: Session,
    *,
    now: datetime,
    login: str | None = None,
    role: Role = Role.RESPONDER,
    is_active: bool = True,
    must_change_password: bool = False,
) -> User:
    login = login or f"user{next(_numbers)}"
    user = User(
        login=login,
        name=login.title(),
        email=f"{login}@example.com",
        role=role.value,
        password_hash=_password_hash(),
        is_active=is_active,
        must_change_password=must_change_password,
        time_zone="UTC",
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    return user


def make_person(db: Database, *, now: datetime, role: Role, login: str | None = None) -> Person:
    """A committed user with an API token of their full role."""

    def work(session: Session) -> Person:
        user = make_user(session, now=now, login=login, role=role)
        _, secret = access.create_token(
            session, owner=user, name="tests", role=None, expires_in_days=None, now=now
        )
        return Person(id=user.id, login=user.login, role=role, token=secret)

    return db.run(work)


def make_team(session: Session, *, now: datetime, name: str | None = None) -> Team:
    return teams.create(session, data=TeamCreate(name=name or f"Team {next(_numbers)}"), now=now)


def bearer(person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}"}


def browser_login(client: TestClient, login: str, password: str = PASSWORD) -> str:
    """Log `client` in through the real form; returns the session's CSRF token."""
    page = client.get("/login")
    csrf = client.cookies.get("wk_csrf")
    assert page.status_code == 200
    assert csrf
    response = client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": csrf, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get("/account")
    marker = 'name="csrf_token" value="'
    start = home.text.index(marker) + len(marker)
    return home.text[start : home.text.index('"', start)]


def make_service(session: Session, *, now: datetime, name: str | None = None) -> Service:
    data = ServiceCreate(name=name or f"Service {next(_numbers)}")
    return services.create(session, data=data, now=now)


def declare(
    session: Session,
    *,
    now: datetime,
    service_id: int,
    actor: Actor = SYSTEM,
    source: Source = Source.API,
    **fields: Any,
) -> Incident:
    """Declare an incident through the real service (title and levels have defaults)."""
    data = IncidentCreate.model_validate(
        {"title": f"Incident {next(_numbers)}", "service_id": service_id, **fields}
    )
    return incidents.create(session, data=data, actor=actor, now=now, source=source)
