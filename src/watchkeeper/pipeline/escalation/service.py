"""Escalation policies, resolving targets to people, and writing pages. Callers own the
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.core.errors import NotFound
from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.pipeline.escalation import errors, queries
from watchkeeper.pipeline.escalation.models import (
    Escalation,
    EscalationLevel,
    EscalationPolicy,
    Page,
)
from watchkeeper.pipeline.escalation.pages import Pages, Targets
from watchkeeper.pipeline.escalation.schemas import (
    LevelIn,
    LevelOut,
    PageIn,
    PolicyCreate,
    PolicyOut,
    PolicyUpdate,
    Target,
)


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


def delete_team(session: Session, *, team_id: int) -> None:
    """Delete a team nothing uses any more (deletes go through here, which sees the users)."""
    team = teams.get(session, team_id=team_id)
    if found := queries.users_of_team(session, team_id=team_id):
        raise errors.still_used(f"team {team.name}", found)
    teams.delete_(session, team_id=team_id)


def delete_schedule(session: Session, *, schedule_id: int) -> None:
    """Delete a schedule no escalation level pages any more, with its layers and overrides."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    if found := queries.users_of_schedule(session, schedule_id=schedule_id):
        raise errors.still_used(f"schedule {schedule.name}", found)
    schedules.delete_(session, schedule_id=schedule_id)


def escalate_now(session: Session, *, incident_id: int, actor: Actor, now: datetime) -> None:
    """Make the incident's next escalation level due now (the engine pages it within a
    second), for a responder who will not wait out the level's delay."""
    running = _move_next_level(session, incident_id, now)
    record(
        session,
        incident_id=incident_id,
        kind="escalated",
        summary=f"{actor.name} escalated now: level {running + 1} is paged without waiting",
        actor=actor,
        at=now,
    )


def snooze(
    session: Session, *, incident_id: int, actor: Actor, now: datetime, minutes: int
) -> datetime:
    """Page nobody further for `minutes` (the next level waits until then), for a responder
    who is on it but not ready to acknowledge; returns when paging resumes."""
    until = now + timedelta(minutes=minutes)
    _move_next_level(session, incident_id, until)
    record(
        session,
        incident_id=incident_id,
        kind="snoozed",
        summary=f"{actor.name} snoozed paging for {minutes} min",
        actor=actor,
        at=now,
        data={"until": until.isoformat()},
    )
    return until


def _move_next_level(session: Session, incident_id: int, when: datetime) -> int:
    """Set when the running escalation's next level fires; its index, or 409 if none runs."""
    running = session.execute(
        update(Escalation)
        .where(
            Escalation.incident_id == incident_id,
            Escalation.status == "active",
            Escalation.next_at.is_not(None),
        )
        .values(next_at=when)
        .returning(Escalation.level)
    ).scalar_one_or_none()
    if running is None:
        raise errors.not_escalating(incident_id)
    return int(running)


def levels_of(session: Session, policy_id: int) -> list[LevelOut]:
    return _levels(session, [policy_id]).get(policy_id, [])


def _levels(session: Session, policy_ids: Sequence[int]) -> dict[int, list[LevelOut]]:
    rows = session.scalars(
        select(EscalationLevel)
        .where(EscalationLevel.policy_id.in_(sorted(set(policy_ids))))
        .order_by(EscalationLevel.policy_id, EscalationLevel.position)
    )
    found: dict[int, list[LevelOut]] = {}
    for row in rows:
        found.setdefault(row.policy_id, []).append(
            LevelOut(
                position=row.position,
                delay_minutes=row.delay_minutes,
                targets=[Target.model_validate(t) for t in row.targets],
            )
        )
    return found


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
    get_policy(session, policy_id=policy_id)
    return snapshots(session, [policy_id])[policy_id]


def snapshots(session: Session, policy_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """`snapshot` of several policies in two queries; unknown ids are left out."""
    policies = session.scalars(
        select(EscalationPolicy).where(EscalationPolicy.id.in_(sorted(set(policy_ids))))
    ).all()
    levels = _levels(session, [policy.id for policy in policies])
    return {
        policy.id: {
            "name": policy.name,
            "repeat": policy.repeat,
            "levels": [level.model_dump() for level in levels.get(policy.id, [])],
        }
        for policy in policies
    }


def resolve_targets(session: Session, targets: Sequence[Target], at: datetime) -> list[int]:
    """The active users a level's targets mean at `at`, each once, in target order."""
    return Targets(session, at).users(targets)


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
    pages = Pages()
    pages.add(
        incident_id=incident.id,
        priority=incident.priority,
        user_ids=user_ids,
        reason=reason,
        actor=actor,
        now=now,
        level=level,
    )
    page_ids = pages.write(session)
    return list(session.scalars(select(Page).where(Page.id.in_(page_ids)).order_by(Page.id)))


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
