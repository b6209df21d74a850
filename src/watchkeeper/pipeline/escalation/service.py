"""Escalation policies, resolving targets to people, and writing pages. Callers own the
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.users.models import User
from watchkeeper.core.errors import NotFound
from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.pipeline.escalation import errors
from watchkeeper.pipeline.escalation.models import EscalationLevel, EscalationPolicy, Page
from watchkeeper.pipeline.escalation.schemas import (
    LevelIn,
    LevelOut,
    PageIn,
    PolicyCreate,
    PolicyOut,
    PolicyUpdate,
    Target,
)

HIGH_URGENCY_UP_TO = 2  # P1 and P2 page with high urgency


def create_policy(session: Session, *, data: PolicyCreate, now: datetime) -> EscalationPolicy:
    _check_team(session, data.team_id)
    _check_targets(session, data.levels)
    policy = EscalationPolicy(
        name=data.name,
        description=data.description,
        team_id=data.team_id,
        repeat=data.repeat,
        created_at=now,
        updated_at=now,
    )
    add_unique(session, policy, lambda: errors.name_taken(data.name))
    _set_levels(session, policy.id, data.levels)
    return policy


def get_policy(session: Session, *, policy_id: int) -> EscalationPolicy:
    policy = session.get(EscalationPolicy, policy_id)
    if policy is None:
        raise errors.policy_not_found(policy_id)
    return policy


def list_policies(session: Session) -> Sequence[EscalationPolicy]:
    return session.scalars(select(EscalationPolicy).order_by(EscalationPolicy.name)).all()


def update_policy(
    session: Session, *, policy_id: int, data: PolicyUpdate, now: datetime
) -> EscalationPolicy:
    """Change a policy; running escalations keep the snapshot they started with."""
    policy = get_policy(session, policy_id=policy_id)
    changes = data.model_dump(exclude_unset=True)
    levels = changes.pop("levels", None)
    if changes.get("team_id") is not None:
        _check_team(session, changes["team_id"])
    taken = changes.get("name", policy.name)
    update_unique(session, policy, changes, now=now, taken=lambda: errors.name_taken(taken))
    if levels is not None:
        parsed = [LevelIn.model_validate(level) for level in levels]
        _check_targets(session, parsed)
        _set_levels(session, policy.id, parsed)
    return policy


def delete_policy(session: Session, *, policy_id: int) -> None:
    policy = get_policy(session, policy_id=policy_id)
    users = session.scalars(select(Service.name).where(Service.escalation_policy_id == policy.id))
    if names := list(users):
        raise errors.policy_in_use(names)
    session.delete(policy)
    session.flush()


def levels_of(session: Session, policy_id: int) -> list[LevelOut]:
    rows = session.scalars(
        select(EscalationLevel)
        .where(EscalationLevel.policy_id == policy_id)
        .order_by(EscalationLevel.position)
    )
    return [
        LevelOut(
            position=row.position,
            delay_minutes=row.delay_minutes,
            targets=[Target.model_validate(t) for t in row.targets],
        )
        for row in rows
    ]


def policy_out(session: Session, policy: EscalationPolicy) -> PolicyOut:
    return PolicyOut(
        id=policy.id,
        name=policy.name,
        description=policy.description,
        team_id=policy.team_id,
        repeat=policy.repeat,
        levels=levels_of(session, policy.id),
        created_at=policy.created_at,
        updated_at=policy.updated_at,
    )


def snapshot(session: Session, policy_id: int) -> dict[str, Any]:
    """The policy as it is now, for a running escalation to follow whatever happens to it."""
    policy = get_policy(session, policy_id=policy_id)
    return {
        "name": policy.name,
        "repeat": policy.repeat,
        "levels": [level.model_dump() for level in levels_of(session, policy.id)],
    }


def resolve_targets(session: Session, targets: Sequence[Target], at: datetime) -> list[int]:
    """The active users a level's targets mean at `at`, each once, in target order."""
    found: list[int] = []
    for target in targets:
        if target.type == "user":
            ids = list(session.scalars(select(User.id).where(User.id == target.id, User.is_active)))
        elif target.type == "team":
            ids = list(
                session.scalars(
                    select(User.id)
                    .join(TeamMembership, TeamMembership.user_id == User.id)
                    .where(TeamMembership.team_id == target.id, User.is_active)
                    .order_by(User.login)
                )
            )
        else:
            # A schedule deleted since the snapshot was taken has nobody on call.
            by_schedule = schedules.users_on_call_for(session, schedule_ids=[target.id], at=at)
            on_call = by_schedule.get(target.id, [])
            active = set(
                session.scalars(select(User.id).where(User.id.in_(on_call), User.is_active))
            )
            ids = [user_id for user_id in on_call if user_id in active]
        found.extend(user_id for user_id in ids if user_id not in found)
    return found


def page(
    session: Session,
    *,
    incident: Incident,
    user_ids: Sequence[int],
    reason: str,
    actor: Actor,
    now: datetime,
    level: int | None = None,
) -> list[Page]:
    """Write a page for each user (the notify stage turns them into messages) and say so
    on the incident's timeline."""
    if not user_ids:
        return []
    urgency = "high" if incident.priority <= HIGH_URGENCY_UP_TO else "low"
    pages = [
        Page(
            incident_id=incident.id,
            user_id=user_id,
            reason=reason[:200],
            level=level,
            urgency=urgency,
            created_at=now,
            planned=False,
        )
        for user_id in user_ids
    ]
    session.add_all(pages)
    session.flush()
    logins = dict(session.execute(select(User.id, User.login).where(User.id.in_(user_ids))).all())
    names = ", ".join(logins.get(user_id, f"user {user_id}") for user_id in user_ids)
    record(
        session,
        incident_id=incident.id,
        kind="paged",
        summary=f"paged {names} ({reason})",
        actor=actor,
        at=now,
        data={"user_ids": list(user_ids), "level": level, "urgency": urgency},
    )
    return pages


def page_by_hand(
    session: Session, *, incident_id: int, data: PageIn, actor: Actor, now: datetime
) -> list[Page]:
    """Page users, teams, whoever a schedule has on call, or a policy's first level."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    targets = [
        *(Target(type="user", id=ref) for ref in data.user_ids),
        *(Target(type="team", id=ref) for ref in data.team_ids),
        *(Target(type="schedule", id=ref) for ref in data.schedule_ids),
    ]
    _check_page_targets(session, data)
    if data.policy_id is not None:
        first = levels_of(session, get_policy(session, policy_id=data.policy_id).id)
        targets += first[0].targets if first else []
    if not targets:
        raise errors.nobody_to_page()
    users = resolve_targets(session, targets, now)
    if not users:
        raise errors.nobody_reached()
    reason = f"paged by {actor.name}" + (f": {data.message}" if data.message else "")
    return page(session, incident=incident, user_ids=users, reason=reason, actor=actor, now=now)


def admins(session: Session) -> list[int]:
    stmt = select(User.id).where(User.role == "admin", User.is_active).order_by(User.login)
    return list(session.scalars(stmt))


def _set_levels(session: Session, policy_id: int, levels: Sequence[LevelIn]) -> None:
    session.execute(delete(EscalationLevel).where(EscalationLevel.policy_id == policy_id))
    session.add_all(
        EscalationLevel(
            policy_id=policy_id,
            position=position,
            delay_minutes=level.delay_minutes,
            targets=[target.model_dump() for target in level.targets],
        )
        for position, level in enumerate(levels)
    )
    session.flush()


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise errors.unknown_target("team", team_id, "body.team_id")


def _check_page_targets(session: Session, data: PageIn) -> None:
    fields: list[tuple[str, str, list[int]]] = [
        ("user", "user_ids", data.user_ids),
        ("team", "team_ids", data.team_ids),
        ("schedule", "schedule_ids", data.schedule_ids),
    ]
    models: dict[str, Any] = {"user": User, "team": Team, "schedule": Schedule}
    for kind, field, refs in fields:
        for position, ref in enumerate(refs):
            if session.get(models[kind], ref) is None:
                raise errors.unknown_target(kind, ref, f"body.{field}.{position}")


def _check_targets(session: Session, levels: Sequence[LevelIn]) -> None:
    models: dict[str, Any] = {"user": User, "team": Team, "schedule": Schedule}
    for index, level in enumerate(levels):
        for position, target in enumerate(level.targets):
            if session.get(models[target.type], target.id) is None:
                where = f"body.levels.{index}.targets.{position}"
                raise errors.unknown_target(target.type, target.id, where)
