"""Read side of schedules: rows to resolver specs, and schedules as the API shows them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.oncall.schedules.models import Layer, LayerMember, Override, Schedule
from watchkeeper.oncall.schedules.resolver import LayerSpec, OverrideSpec, ScheduleSpec
from watchkeeper.oncall.schedules.schemas import LayerOut, Restriction, ScheduleOut
from watchkeeper.oncall.schedules.wallclock import Window


def layers_of(session: Session, *, schedule_ids: Iterable[int]) -> dict[int, list[Layer]]:
    """Each schedule's layers, highest position first."""
    ids = list(schedule_ids)
    found: dict[int, list[Layer]] = defaultdict(list)
    if not ids:
        return found
    stmt = select(Layer).where(Layer.schedule_id.in_(ids))
    for layer in session.scalars(stmt.order_by(Layer.position.desc(), Layer.id.desc())):
        found[layer.schedule_id].append(layer)
    return found


def participants_of(session: Session, *, layer_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each layer's user ids in turn order."""
    ids = list(layer_ids)
    found: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return found
    rows = session.execute(
        select(LayerMember.layer_id, LayerMember.user_id)
        .where(LayerMember.layer_id.in_(ids))
        .order_by(LayerMember.layer_id, LayerMember.turn)
    )
    for layer_id, user_id in rows:
        found[layer_id].append(user_id)
    return found


def layer_out(layer: Layer, participants: list[int]) -> LayerOut:
    return LayerOut(
        id=layer.id,
        name=layer.name,
        position=layer.position,
        participants=participants,
        rotation=layer.rotation,
        rotation_length=layer.rotation_length,
        handoff_time=layer.handoff_time,
        start=layer.starts_at_local,
        end=layer.ends_at_local,
        restrictions=[Restriction.model_validate(item) for item in layer.restrictions],
    )


def schedules_out(session: Session, rows: Sequence[Schedule]) -> list[ScheduleOut]:
    """Schedules with their layers (highest first), three queries for any number."""
    layers = layers_of(session, schedule_ids=[row.id for row in rows])
    people = participants_of(
        session, layer_ids=[layer.id for group in layers.values() for layer in group]
    )
    return [
        ScheduleOut.model_validate(row).model_copy(
            update={
                "layers": [layer_out(layer, people[layer.id]) for layer in layers[row.id]],
                "has_ical_feed": row.ical_token_hash is not None,
            }
        )
        for row in rows
    ]


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def layer_spec(layer: Layer, participants: list[int]) -> LayerSpec:
    windows = tuple(
        Window(frozenset(item["days"]), _clock(item["start"]), _clock(item["end"]))
        for item in layer.restrictions
    )
    return LayerSpec(
        id=layer.id,
        position=layer.position,
        participants=tuple(participants),
        rotation=layer.rotation,
        start=layer.starts_at_local,
        handoff=_clock(layer.handoff_time),
        length=layer.rotation_length,
        end=layer.ends_at_local,
        restrictions=windows,
    )


def specs(
    session: Session, *, schedules: Sequence[Schedule], start: datetime, end: datetime
) -> dict[int, ScheduleSpec]:
    """The resolver's view of `schedules`, with the overrides that touch [start, end]."""
    ids = [schedule.id for schedule in schedules]
    layers = layers_of(session, schedule_ids=ids)
    people = participants_of(
        session, layer_ids=[layer.id for group in layers.values() for layer in group]
    )
    overrides: dict[int, list[OverrideSpec]] = defaultdict(list)
    if ids:
        stmt = select(Override).where(
            Override.schedule_id.in_(ids), Override.starts_at <= end, Override.ends_at > start
        )
        for row in session.scalars(stmt.order_by(Override.starts_at, Override.id)):
            spec = OverrideSpec(row.id, row.user_id, row.starts_at, row.ends_at)
            overrides[row.schedule_id].append(spec)
    return {
        schedule.id: ScheduleSpec(
            time_zone=schedule.time_zone,
            layers=tuple(layer_spec(layer, people[layer.id]) for layer in layers[schedule.id]),
            overrides=tuple(overrides[schedule.id]),
        )
        for schedule in schedules
    }


def schedules_of_user(
    session: Session, *, user_id: int, start: datetime, end: datetime
) -> Sequence[Schedule]:
    """Schedules where the user takes turns in a layer or has an override in [start, end)."""
    in_layers = (
        select(Layer.schedule_id)
        .join(LayerMember, LayerMember.layer_id == Layer.id)
        .where(LayerMember.user_id == user_id)
    )
    overridden = select(Override.schedule_id).where(
        Override.user_id == user_id, Override.starts_at < end, Override.ends_at > start
    )
    stmt = select(Schedule).where(or_(Schedule.id.in_(in_layers), Schedule.id.in_(overridden)))
    return session.scalars(stmt.order_by(Schedule.name, Schedule.id)).all()
