"""Plan and apply a configuration file inside the caller's transaction.

`apply` makes the plan, refuses it whole when it has problems, then carries out its
changes through each domain's own service functions (so every rule the API enforces
holds here too), in the order references need: users, teams, categories, schedules,
policies, services; deletes go the other way. A domain refusal becomes a problem naming the
object, and the caller's transaction rolls back: nothing is half-applied.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.categories.schemas import CategoryCreate, CategoryUpdate
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.services.schemas import ServiceCreate, ServiceUpdate
from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.teams.schemas import TeamCreate, TeamUpdate
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.schemas import UserCreate, UserUpdate
from watchkeeper.config import plan as planning
from watchkeeper.config import queries
from watchkeeper.config.errors import config_invalid
from watchkeeper.config.schemas import KINDS, ConfigFile
from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.oncall.schedules import queries as schedule_queries
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.oncall.schedules.schemas import LayerCreate, ScheduleCreate, ScheduleUpdate
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.models import EscalationPolicy
from watchkeeper.pipeline.escalation.schemas import LevelIn, PolicyCreate, PolicyUpdate, Target


def plan(session: Session, *, document: ConfigFile, prune: bool = False) -> planning.Plan:
    schedules = frozenset(session.scalars(select(Schedule.name)))
    return planning.make(queries.current(session), document, prune=prune, schedules=schedules)


def apply(
    session: Session, *, document: ConfigFile, prune: bool = False, now: datetime
) -> planning.Plan:
    """Carry out the plan; raise `Invalid` listing its problems instead of half-doing it."""
    made = plan(session, document=document, prune=prune)
    if made.problems:
        raise config_invalid([(_dotted(p.path), p.message) for p in made.problems])
    wanted = planning.desired_of(document)
    ordered = sorted(
        (c for c in made.changes if c.op != "delete"), key=lambda c: KINDS.index(c.kind)
    )
    deletes = sorted(
        (c for c in made.changes if c.op == "delete"), key=lambda c: -KINDS.index(c.kind)
    )
    dependencies: list[tuple[planning.Change, dict[str, Any]]] = []
    for change in sorted(ordered, key=_depth):
        item = wanted[change.kind][change.index or 0]
        _guarded(change, lambda c=change, i=item: _write(session, c, i, now))
        if change.kind == "services" and any(f.name == "depends_on" for f in change.fields):
            dependencies.append((change, item))
    for change, item in dependencies:  # every service exists now
        _guarded(change, lambda c=change, i=item: _set_dependencies(session, c, i, now))
    for change in deletes:
        _guarded(change, lambda c=change: _delete(session, c, now))
    return made


def _depth(change: planning.Change) -> tuple[int, int]:
    """Kinds in order; within categories, parents before children."""
    return KINDS.index(change.kind), change.key.count(" > ")


def _guarded(change: planning.Change, work: Any) -> None:
    try:
        work()
    except WatchkeeperError as exc:
        where = change.kind if change.index is None else f"{change.kind}.{change.index}"
        detail = "; ".join(e.message for e in exc.errors) or exc.detail
        raise config_invalid([(where, f"{change.key}: {exc.detail} ({detail})")]) from exc


def _write(session: Session, change: planning.Change, item: dict[str, Any], now: datetime) -> None:
    changed = {f.name: f.new for f in change.fields}
    creating = change.op == "create"
    if change.kind == "users":
        _user(session, change.key, item, changed, creating, now)
    elif change.kind == "teams":
        _team(session, change.key, item, creating, now)
    elif change.kind == "categories":
        _category(session, change.key, item, creating)
    elif change.kind == "schedules":
        _schedule(session, change.key, item, changed, creating, now)
    elif change.kind == "escalation_policies":
        _policy(session, change.key, item, changed, creating, now)
    else:
        _service(session, change.key, item, changed, creating, now)


def _id(session: Session, column: Any, value: str | None) -> int | None:
    if value is None:
        return None
    found = session.scalar(select(column.class_.id).where(column == value))
    return int(found) if found is not None else None


def _user(
    session: Session,
    login: str,
    item: dict[str, Any],
    changed: dict[str, Any],
    creating: bool,
    now: datetime,
) -> None:
    if creating:
        fields = {k: item[k] for k in ("login", "name", "email", "role", "time_zone")}
        user, _ = users.create(session, data=UserCreate.model_validate(fields), now=now)
        if not item["active"]:
            users.update(session, user_id=user.id, data=UserUpdate(is_active=False), now=now)
        return
    fields = {("is_active" if k == "active" else k): v for k, v in changed.items()}
    user_id = _id(session, User.login, login)
    assert user_id is not None
    users.update(session, user_id=user_id, data=UserUpdate.model_validate(fields), now=now)


def _team(session: Session, name: str, item: dict[str, Any], creating: bool, now: datetime) -> None:
    member_ids = [_id(session, User.login, login) for login in item["members"]]
    wanted = {m for m in member_ids if m is not None}
    if creating:
        data = TeamCreate(name=name, description=item["description"], member_ids=sorted(wanted))
        teams.create(session, data=data, now=now)
        return
    team_id = _id(session, Team.name, name)
    assert team_id is not None
    teams.update(
        session, team_id=team_id, data=TeamUpdate(description=item["description"]), now=now
    )
    have = set(
        session.scalars(select(TeamMembership.user_id).where(TeamMembership.team_id == team_id))
    )
    for user_id in sorted(wanted - have):
        teams.add_member(session, team_id=team_id, user_id=user_id, now=now)
    for user_id in sorted(have - wanted):
        teams.remove_member(session, team_id=team_id, user_id=user_id)


def _category(session: Session, path: str, item: dict[str, Any], creating: bool) -> None:
    if creating:
        parent, _, name = path.rpartition(" > ")
        data = CategoryCreate(
            name=name or path,
            parent_id=_id(session, Category.path, parent) if parent else None,
            description=item["description"],
        )
        categories.create(session, data=data)
        return
    category_id = _id(session, Category.path, path)
    assert category_id is not None
    data_update = CategoryUpdate(description=item["description"])
    categories.update(session, category_id=category_id, data=data_update)


def _schedule(
    session: Session,
    name: str,
    item: dict[str, Any],
    changed: dict[str, Any],
    creating: bool,
    now: datetime,
) -> None:
    team_id = _id(session, Team.name, item["team"])
    if creating:
        data = ScheduleCreate(
            name=name,
            description=item["description"],
            owner_team_id=team_id,
            time_zone=item["time_zone"],
        )
        schedule_id = schedules.create(session, data=data, now=now).id
    else:
        found = _id(session, Schedule.name, name)
        assert found is not None
        schedule_id = found
        fields: dict[str, Any] = {
            k: v for k, v in changed.items() if k in ("description", "time_zone")
        }
        if "team" in changed:
            fields["owner_team_id"] = team_id
        if fields:
            update = ScheduleUpdate.model_validate(fields)
            schedules.update(session, schedule_id=schedule_id, data=update, now=now)
        if "layers" not in changed:
            return
        for layer in schedule_queries.layers_of(session, schedule_ids=[schedule_id])[schedule_id]:
            schedules.delete_layer(session, schedule_id=schedule_id, layer_id=layer.id, now=now)
    layers = item["layers"]
    for index, layer in enumerate(layers):
        logins = layer["participants"]
        data_layer = LayerCreate.model_validate(
            {
                **layer,
                "position": len(layers) - 1 - index,  # the first listed is the highest
                "participants": [_id(session, User.login, login) for login in logins],
            }
        )
        schedules.add_layer(session, schedule_id=schedule_id, data=data_layer, now=now)


def _levels(session: Session, levels: list[dict[str, Any]]) -> list[LevelIn]:
    columns = {"user": User.login, "team": Team.name, "schedule": Schedule.name}
    result = []
    for level in levels:
        targets = []
        for target in level["targets"]:
            kind = next(name for name in ("user", "team", "schedule") if target.get(name))
            ref = _id(session, columns[kind], target[kind])
            assert ref is not None
            targets.append(Target(type=kind, id=ref))
        result.append(LevelIn(targets=targets, delay_minutes=level["delay_minutes"]))
    return result


def _policy(
    session: Session,
    name: str,
    item: dict[str, Any],
    changed: dict[str, Any],
    creating: bool,
    now: datetime,
) -> None:
    team_id = _id(session, Team.name, item["team"])
    if creating:
        data = PolicyCreate(
            name=name,
            description=item["description"],
            team_id=team_id,
            repeat=item["repeat"],
            levels=_levels(session, item["levels"]),
        )
        escalation.create_policy(session, data=data, now=now)
        return
    fields: dict[str, Any] = {k: v for k, v in changed.items() if k in ("description", "repeat")}
    if "team" in changed:
        fields["team_id"] = team_id
    if "levels" in changed:
        fields["levels"] = _levels(session, item["levels"])
    policy_id = _id(session, EscalationPolicy.name, name)
    assert policy_id is not None
    escalation.update_policy(
        session, policy_id=policy_id, data=PolicyUpdate.model_validate(fields), now=now
    )


def _service(
    session: Session,
    name: str,
    item: dict[str, Any],
    changed: dict[str, Any],
    creating: bool,
    now: datetime,
) -> None:
    plain = (
        "description",
        "tags",
        "auto_resolve",
        "group_by",
        "group_window_minutes",
        "default_impact",
    )
    source = item if creating else changed
    fields: dict[str, Any] = {k: v for k, v in source.items() if k in plain}
    if creating or "owner_team" in changed:
        fields["owner_team_id"] = _id(session, Team.name, item["owner_team"])
    if creating or "escalation_policy" in changed:
        fields["escalation_policy_id"] = _id(
            session, EscalationPolicy.name, item["escalation_policy"]
        )
    if creating:
        services.create(session, data=ServiceCreate(name=name, **fields), now=now)
        return
    service_id = _id(session, Service.name, name)
    assert service_id is not None
    services.update(
        session, service_id=service_id, data=ServiceUpdate.model_validate(fields), now=now
    )


def _set_dependencies(
    session: Session, change: planning.Change, item: dict[str, Any], now: datetime
) -> None:
    service_id = _id(session, Service.name, change.key)
    assert service_id is not None
    ids = [_id(session, Service.name, other) for other in item["depends_on"]]
    data = ServiceUpdate(depends_on=[i for i in ids if i is not None])
    services.update(session, service_id=service_id, data=data, now=now)


def _delete(session: Session, change: planning.Change, now: datetime) -> None:
    if change.kind == "users":
        user_id = _id(session, User.login, change.key)
        assert user_id is not None
        users.update(session, user_id=user_id, data=UserUpdate(is_active=False), now=now)
        return
    columns: dict[str, Any] = {
        "teams": Team.name,
        "schedules": Schedule.name,
        "categories": Category.path,
        "escalation_policies": EscalationPolicy.name,
        "services": Service.name,
    }
    found = _id(session, columns[change.kind], change.key)
    if found is None:  # a child category went with its parent
        return
    if change.kind == "teams":
        escalation.delete_team(session, team_id=found)
    elif change.kind == "categories":
        categories.delete_(session, category_id=found)
    elif change.kind == "schedules":
        escalation.delete_schedule(session, schedule_id=found)
    elif change.kind == "escalation_policies":
        escalation.delete_policy(session, policy_id=found)
    else:
        services.delete_(session, service_id=found)


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)
