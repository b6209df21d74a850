"""Export: the installation's configuration as the file's plain data, ids replaced by
names, in a stable order (by natural key), without secrets (no passwords, no keys)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service, ServiceDependency
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.users.models import User
from watchkeeper.config.schemas import KINDS, ConfigFile, key_of
from watchkeeper.oncall.schedules import queries as schedule_queries
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.pipeline.escalation.models import EscalationLevel, EscalationPolicy

Current = dict[str, list[dict[str, Any]]]


def current(session: Session) -> Current:
    """Every managed kind, each item as the file would say it (defaults filled in)."""
    names = _Names(session)
    raw: Current = {
        "users": _users(session),
        "teams": _teams(session, names),
        "categories": _categories(session),
        "schedules": _schedules(session, names),
        "escalation_policies": _policies(session, names),
        "services": _services(session, names),
    }
    document = ConfigFile.model_validate({"version": 1, **raw}).model_dump(mode="json")
    return {kind: _sorted(kind, document[kind]) for kind in KINDS}


def _sorted(kind: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: key_of(kind, item))


def export(session: Session) -> dict[str, Any]:
    """The file `watchkeeper export` writes: `current`, with targets naming only their kind."""
    document = current(session)
    for policy in document["escalation_policies"]:
        for level in policy["levels"]:
            level["targets"] = [
                {kind: ref for kind, ref in target.items() if ref is not None}
                for target in level["targets"]
            ]
    return {"version": 1, **document}


class _Names:
    """Id-to-name maps, read once per export."""

    def __init__(self, session: Session) -> None:
        self.users = dict(session.execute(select(User.id, User.login)).all())
        self.teams = dict(session.execute(select(Team.id, Team.name)).all())
        self.schedules = dict(session.execute(select(Schedule.id, Schedule.name)).all())
        self.services = dict(session.execute(select(Service.id, Service.name)).all())
        self.policies = dict(
            session.execute(select(EscalationPolicy.id, EscalationPolicy.name)).all()
        )

    def of(self, kind: str, ref: int) -> str:
        table = {"user": self.users, "team": self.teams, "schedule": self.schedules}[kind]
        return table.get(ref, f"#{ref}")


def _users(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "login": user.login,
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "time_zone": user.time_zone,
            "active": user.is_active,
        }
        for user in session.scalars(select(User))
    ]


def _teams(session: Session, names: _Names) -> list[dict[str, Any]]:
    members: dict[int, list[str]] = defaultdict(list)
    for team_id, user_id in session.execute(select(TeamMembership.team_id, TeamMembership.user_id)):
        members[team_id].append(names.users[user_id])
    return [
        {"name": team.name, "description": team.description, "members": sorted(members[team.id])}
        for team in session.scalars(select(Team))
    ]


def _categories(session: Session) -> list[dict[str, Any]]:
    return [
        {"path": category.path, "description": category.description}
        for category in session.scalars(select(Category))
    ]


def _schedules(session: Session, names: _Names) -> list[dict[str, Any]]:
    found = list(session.scalars(select(Schedule)))
    layers = schedule_queries.layers_of(session, schedule_ids=[s.id for s in found])
    people = schedule_queries.participants_of(
        session, layer_ids=[layer.id for group in layers.values() for layer in group]
    )
    return [
        {
            "name": schedule.name,
            "description": schedule.description,
            "team": names.teams.get(schedule.owner_team_id) if schedule.owner_team_id else None,
            "time_zone": schedule.time_zone,
            "layers": [
                {
                    "name": layer.name,
                    "participants": [names.users[u] for u in people[layer.id]],
                    "rotation": layer.rotation,
                    "rotation_length": layer.rotation_length,
                    "handoff_time": layer.handoff_time,
                    "start": layer.starts_at_local,
                    "end": layer.ends_at_local,
                    "restrictions": layer.restrictions,
                }
                for layer in layers[schedule.id]  # highest first
            ],
        }
        for schedule in found
    ]


def _policies(session: Session, names: _Names) -> list[dict[str, Any]]:
    levels: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for level in session.scalars(
        select(EscalationLevel).order_by(EscalationLevel.policy_id, EscalationLevel.position)
    ):
        targets = [{t["type"]: names.of(t["type"], t["id"])} for t in level.targets]
        levels[level.policy_id].append({"targets": targets, "delay_minutes": level.delay_minutes})
    return [
        {
            "name": policy.name,
            "description": policy.description,
            "team": names.teams.get(policy.team_id) if policy.team_id else None,
            "repeat": policy.repeat,
            "levels": levels[policy.id],
        }
        for policy in session.scalars(select(EscalationPolicy))
    ]


def _services(session: Session, names: _Names) -> list[dict[str, Any]]:
    depends: dict[int, list[str]] = defaultdict(list)
    for service_id, other in session.execute(
        select(ServiceDependency.service_id, ServiceDependency.depends_on_id)
    ):
        depends[service_id].append(names.services[other])
    return [
        {
            "name": service.name,
            "description": service.description,
            "owner_team": names.teams.get(service.owner_team_id) if service.owner_team_id else None,
            "escalation_policy": (
                names.policies.get(service.escalation_policy_id)
                if service.escalation_policy_id
                else None
            ),
            "tags": list(service.tags),
            "depends_on": sorted(depends[service.id]),
            "auto_resolve": service.auto_resolve,
            "group_by": list(service.group_by),
            "group_window_minutes": service.group_window_minutes,
            "default_impact": service.default_impact,
        }
        for service in session.scalars(select(Service))
    ]
