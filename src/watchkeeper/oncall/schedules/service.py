"""Use cases for schedules, layers and overrides, and who is on call. Callers own the
transaction; nothing here commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.core.pagination import PageRequest
from watchkeeper.core.validation import problems
from watchkeeper.db.like import contains
from watchkeeper.db.lookup import missing_ids
from watchkeeper.db.pagination import paginate
from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.oncall.schedules import errors, queries, resolver
from watchkeeper.oncall.schedules.models import Layer, LayerMember, Override, Schedule
from watchkeeper.oncall.schedules.resolver import Shift
from watchkeeper.oncall.schedules.schemas import (
    LayerCreate,
    LayerUpdate,
    OverrideCreate,
    ScheduleCreate,
    ScheduleUpdate,
)

SORTABLE = {"id": Schedule.id, "name": Schedule.name, "created_at": Schedule.created_at}
# How far ahead "until" and "next" look.
LOOKAHEAD = timedelta(days=60)
MAX_RANGE = timedelta(days=366)
# Rotations are computed in wall time a few days either side of what is asked; near
# year 1 or 9999 that leaves what `datetime` can hold (an OverflowError, a 500).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def create(session: Session, *, data: ScheduleCreate, now: datetime) -> Schedule:
    _check_team(session, data.owner_team_id)
    schedule = Schedule(**data.model_dump(), created_at=now, updated_at=now)
    add_unique(session, schedule, lambda: errors.name_taken(data.name))
    return schedule


def get(session: Session, *, schedule_id: int) -> Schedule:
    schedule = session.get(Schedule, schedule_id)
    if schedule is None:
        raise errors.schedule_not_found(schedule_id)
    return schedule


def find(session: Session, *, ref: str) -> Schedule:
    """A schedule by id, or by its name: exactly, else in any case if only one matches."""
    if ref.isdigit():
        return get(session, schedule_id=int(ref))
    stmt = select(Schedule).where(func.lower(Schedule.name) == ref.lower())
    found = session.scalars(stmt.order_by(Schedule.id)).all()
    exact = [schedule for schedule in found if schedule.name == ref]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if found:
        raise errors.ambiguous_name(ref)
    raise errors.schedule_not_found(repr(ref))


def list_(
    session: Session, *, page: PageRequest, owner_team_id: int | None = None, q: str | None = None
) -> tuple[Sequence[Schedule], str | None]:
    stmt = select(Schedule)
    if owner_team_id is not None:
        stmt = stmt.where(Schedule.owner_team_id == owner_team_id)
    if q:
        stmt = stmt.where(contains(Schedule.name, q))
    return paginate(session, stmt, request=page, sortable=SORTABLE, id_column=Schedule.id)


def all_(session: Session) -> Sequence[Schedule]:
    return session.scalars(select(Schedule).order_by(Schedule.name, Schedule.id)).all()


def update(session: Session, *, schedule_id: int, data: ScheduleUpdate, now: datetime) -> Schedule:
    """Change fields; a new time zone keeps the layers' wall times (09:00 stays 09:00)."""
    schedule = get(session, schedule_id=schedule_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("owner_team_id") is not None:
        _check_team(session, changes["owner_team_id"])
    taken = changes.get("name", schedule.name)
    update_unique(session, schedule, changes, now=now, taken=lambda: errors.name_taken(taken))
    return schedule


def delete_(session: Session, *, schedule_id: int) -> None:
    """Delete a schedule with its layers and overrides."""
    session.delete(get(session, schedule_id=schedule_id))
    session.flush()


def add_layer(session: Session, *, schedule_id: int, data: LayerCreate, now: datetime) -> Layer:
    schedule = get(session, schedule_id=schedule_id)
    _check_users(session, data.participants, "participants")
    position = data.position
    if position is None:
        highest = select(func.max(Layer.position)).where(Layer.schedule_id == schedule_id)
        position = (session.scalar(highest) or 0) + 1
    layer = Layer(schedule_id=schedule_id, position=position, created_at=now)
    _store_layer(session, layer, data.model_copy(update={"position": position}), now)
    schedule.updated_at = now
    return layer


def get_layer(session: Session, *, schedule_id: int, layer_id: int) -> Layer:
    layer = session.get(Layer, layer_id)
    if layer is None or layer.schedule_id != schedule_id:
        raise errors.layer_not_found(layer_id, schedule_id)
    return layer


def update_layer(
    session: Session, *, schedule_id: int, layer_id: int, data: LayerUpdate, now: datetime
) -> Layer:
    """Change a layer; the result is checked as a whole (e.g. a new start before its end)."""
    layer = get_layer(session, schedule_id=schedule_id, layer_id=layer_id)
    participants = queries.participants_of(session, layer_ids=[layer.id])[layer.id]
    current = queries.layer_out(layer, participants).model_dump(exclude={"id"})
    merged = _validated({**current, **data.model_dump(exclude_unset=True)})
    if data.participants is not None:
        _check_users(session, merged.participants, "participants")
    _store_layer(session, layer, merged, now)
    get(session, schedule_id=schedule_id).updated_at = now
    return layer


def delete_layer(session: Session, *, schedule_id: int, layer_id: int, now: datetime) -> None:
    session.delete(get_layer(session, schedule_id=schedule_id, layer_id=layer_id))
    get(session, schedule_id=schedule_id).updated_at = now
    session.flush()


def _validated(fields: dict[str, Any]) -> LayerCreate:
    try:
        return LayerCreate.model_validate(fields)
    except ValidationError as exc:
        messages = [(item.location, item.phrase) for item in problems(exc.errors())]
        raise errors.invalid_layer(messages) from None


def _store_layer(session: Session, layer: Layer, data: LayerCreate, now: datetime) -> None:
    assert data.position is not None
    try:
        # The savepoint opens before the change, so a taken position undoes only it.
        with session.begin_nested():
            layer.name = data.name
            layer.position = data.position
            layer.rotation = data.rotation
            layer.rotation_length = data.rotation_length
            layer.handoff_time = data.handoff_time
            layer.starts_at_local = data.start
            layer.ends_at_local = data.end
            layer.restrictions = [item.model_dump() for item in data.restrictions]
            layer.updated_at = now
            session.add(layer)
    except IntegrityError:
        raise errors.position_taken(data.position) from None
    session.execute(delete(LayerMember).where(LayerMember.layer_id == layer.id))
    for turn, user_id in enumerate(data.participants):
        session.add(LayerMember(layer_id=layer.id, turn=turn, user_id=user_id))
    session.flush()


def list_overrides(
    session: Session, *, schedule_id: int, ending_after: datetime | None = None
) -> Sequence[Override]:
    """A schedule's overrides by start; with `ending_after`, only those still to end."""
    get(session, schedule_id=schedule_id)
    stmt = select(Override).where(Override.schedule_id == schedule_id)
    if ending_after is not None:
        stmt = stmt.where(Override.ends_at > ending_after)
    return session.scalars(stmt.order_by(Override.starts_at, Override.id)).all()


def add_override(
    session: Session,
    *,
    schedule_id: int,
    data: OverrideCreate,
    now: datetime,
    created_by_id: int | None = None,
) -> Override:
    get(session, schedule_id=schedule_id)
    if data.ends_at <= data.starts_at:
        raise errors.empty_override()
    _check_users(session, [data.user_id], "user_id")
    override = Override(
        schedule_id=schedule_id,
        user_id=data.user_id,
        starts_at=data.starts_at.astimezone(UTC),
        ends_at=data.ends_at.astimezone(UTC),
        created_by_id=created_by_id,
        created_at=now,
    )
    session.add(override)
    session.flush()
    return override


def delete_override(session: Session, *, schedule_id: int, override_id: int) -> None:
    override = session.get(Override, override_id)
    if override is None or override.schedule_id != schedule_id:
        raise errors.override_not_found(override_id, schedule_id)
    session.delete(override)
    session.flush()


def on_call(session: Session, *, schedule_id: int, at: datetime) -> list[int]:
    """Who is on call for the schedule at `at`: user ids in order (usually one; several
    when overrides overlap; none in a gap). Unknown schedule: NotFound."""
    _check_moment(at, "query.at")
    schedule = get(session, schedule_id=schedule_id)
    spec = queries.specs(session, schedules=[schedule], start=at, end=at)[schedule_id]
    return resolver.on_call_at(spec, at)


def users_on_call_for(
    session: Session, *, schedule_ids: Iterable[int], at: datetime
) -> dict[int, list[int]]:
    """`on_call` for several schedules in a few queries; ids of unknown schedules are left
    out of the answer."""
    wanted = sorted(set(schedule_ids))
    if not wanted:
        return {}
    rows = session.scalars(select(Schedule).where(Schedule.id.in_(wanted))).all()
    found = queries.specs(session, schedules=rows, start=at, end=at)
    return {schedule_id: resolver.on_call_at(spec, at) for schedule_id, spec in found.items()}


@dataclass(frozen=True)
class Outlook:
    """Who is on call at a moment, until when (None: nobody, or past the 60-day horizon),
    and who comes next (the shifts that start first after the moment)."""

    current: list[Shift]
    until: datetime | None
    next: list[Shift]


def outlook(session: Session, *, schedule_ids: Iterable[int], at: datetime) -> dict[int, Outlook]:
    """Now and next for each known schedule, from one look 60 days ahead."""
    _check_moment(at, "query.at")
    rows = session.scalars(select(Schedule).where(Schedule.id.in_(set(schedule_ids)))).all()
    horizon = at + LOOKAHEAD
    found = queries.specs(session, schedules=rows, start=at, end=horizon)
    result: dict[int, Outlook] = {}
    for schedule_id, spec in found.items():
        ahead = resolver.continuous(resolver.shifts(spec, at, horizon))
        current = [shift for shift in ahead if shift.start <= at]
        later = [shift for shift in ahead if shift.start > at]
        until = min((shift.end for shift in current), default=None)
        upcoming = [shift for shift in later if shift.start == later[0].start]
        result[schedule_id] = Outlook(current, until if until != horizon else None, upcoming)
    return result


def shifts(session: Session, *, schedule_id: int, start: datetime, end: datetime) -> list[Shift]:
    """The schedule's final shifts in [start, end) (at most a year)."""
    _check_range(start, end)
    schedule = get(session, schedule_id=schedule_id)
    spec = queries.specs(session, schedules=[schedule], start=start, end=end)[schedule_id]
    return resolver.shifts(spec, start, end)


def stretches(session: Session, *, schedule_id: int, start: datetime, end: datetime) -> list[Shift]:
    """The schedule's final shifts with adjacent ones of a user joined: unbroken time on
    call, whether a layer or an override put them there."""
    return resolver.continuous(shifts(session, schedule_id=schedule_id, start=start, end=end))


def layer_shifts(
    session: Session, *, schedule_id: int, start: datetime, end: datetime
) -> dict[int, list[Shift]]:
    """Each layer's own shifts in [start, end), by layer id, highest layer first."""
    _check_range(start, end)
    schedule = get(session, schedule_id=schedule_id)
    spec = queries.specs(session, schedules=[schedule], start=start, end=end)[schedule_id]
    return resolver.per_layer(spec, start, end)


def user_shifts(
    session: Session, *, user_id: int, start: datetime, end: datetime
) -> list[tuple[Schedule, Shift]]:
    """A user's shifts in [start, end) across every schedule, by start."""
    _check_range(start, end)
    rows = queries.schedules_of_user(session, user_id=user_id, start=start, end=end)
    found = queries.specs(session, schedules=rows, start=start, end=end)
    by_id = {row.id: row for row in rows}
    mine = [
        (by_id[schedule_id], shift)
        for schedule_id, spec in found.items()
        for shift in resolver.shifts(spec, start, end)
        if shift.user_id == user_id
    ]
    return sorted(mine, key=lambda pair: (pair[1].start, pair[0].name))


def _check_moment(value: datetime, location: str) -> None:
    if not EARLIEST <= value < LATEST:
        raise errors.bad_range("times must be between 1970 and 9000", location)


def _check_range(start: datetime, end: datetime) -> None:
    _check_moment(start, "query.start")
    _check_moment(end, "query.end")
    if end <= start:
        raise errors.bad_range("end must come after start")
    if end - start > MAX_RANGE:
        raise errors.bad_range("ask for at most 366 days at once")


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise errors.unknown_team(team_id)


def _check_users(session: Session, user_ids: list[int], field: str) -> None:
    if missing := missing_ids(session, User.id, user_ids):
        raise errors.unknown_users(missing, field)
