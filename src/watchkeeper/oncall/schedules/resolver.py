"""Who is on call when: a schedule's layers, rotations, restrictions and overrides, as pure
functions of values (no database, no clock: every time is passed in).

- A layer's participants take turns from its start. Daily, weekly and N-day rotations hand
  off at the same wall time every time, on the start date plus N, 2N, ... days, so across
  a DST change a turn lasts 23 or 25 hours and the next hand-off is on time. N-hour
  rotations are fixed elapsed durations from the start. Wall-time edge cases follow
  `wallclock` (first occurrence; first instant after a gap).
- Restrictions mask a layer: outside its windows the layer has nobody (its turns go on).
- The highest layer (by position) that has someone at a moment decides who is on call;
  where it has nobody, the layers below show through.
- Overrides beat every layer; where overrides overlap, each of their users is on call.
- In the final result, adjacent pieces of one user from the same layer or override are
  one shift; a layer's shift and an adjacent override of the same user stay apart, so
  each says what put the user there. `continuous` joins those too, for how long someone
  is on call without a break.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from watchkeeper.oncall.schedules.wallclock import Window, at, inside, instant, wall, window_spans

ROTATIONS = ("daily", "weekly", "hours", "days")
_DAYS_PER_TURN = {"daily": 1, "weekly": 7}


@dataclass(frozen=True)
class LayerSpec:
    """One layer. `start` and `end` are naive wall times in the schedule's zone."""

    id: int
    position: int
    participants: tuple[int, ...]
    rotation: str
    start: datetime
    handoff: time = time(9, 0)
    length: int = 1  # the N of `hours` and `days`; 1 for `daily` and `weekly`
    end: datetime | None = None
    restrictions: tuple[Window, ...] = ()

    def __post_init__(self) -> None:
        if self.rotation not in ROTATIONS:
            raise ValueError(f"unknown rotation {self.rotation!r}")
        if self.length < 1:
            raise ValueError("a rotation length is at least 1")


@dataclass(frozen=True)
class OverrideSpec:
    id: int
    user_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ScheduleSpec:
    time_zone: str
    layers: tuple[LayerSpec, ...] = ()
    overrides: tuple[OverrideSpec, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class Shift:
    """`user_id` is on call over [start, end), put there by a layer or by an override."""

    user_id: int
    start: datetime
    end: datetime
    layer_id: int | None = None
    override_id: int | None = None

    @property
    def is_override(self) -> bool:
        return self.override_id is not None


class _Turns:
    """The turns of one layer: turn k starts at `boundary(k)` and is participant k mod n's."""

    def __init__(self, layer: LayerSpec, zone: ZoneInfo) -> None:
        self.layer, self.zone = layer, zone
        self.first = instant(layer.start, zone)
        self.last = instant(layer.end, zone) if layer.end is not None else None
        hours = layer.rotation == "hours"
        self.step = timedelta(hours=layer.length) if hours else None
        self.days = _DAYS_PER_TURN.get(layer.rotation, layer.length)

    def boundary(self, k: int) -> datetime:
        if k == 0:
            return self.first
        if self.step is not None:
            return self.first + self.step * k
        day = self.layer.start.date() + timedelta(days=self.days * k)
        return at(day, self.layer.handoff, self.zone)

    def index_at(self, moment: datetime) -> int:
        """The turn running at `moment` (not before the first)."""
        if self.step is not None:
            return max(0, (moment - self.first) // self.step)
        elapsed = (wall(moment, self.zone).date() - self.layer.start.date()).days
        k = max(0, elapsed // self.days - 1)
        while k > 0 and self.boundary(k) > moment:
            k -= 1
        while self.boundary(k + 1) <= moment:
            k += 1
        return k

    def active(self, moment: datetime) -> bool:
        return self.first <= moment and (self.last is None or moment < self.last)

    def user(self, k: int) -> int:
        participants = self.layer.participants
        return participants[k % len(participants)]

    def spans(self, start: datetime, end: datetime) -> list[tuple[int, datetime, datetime]]:
        """Each turn's part of [start, end), clipped to the layer's own start and end."""
        begin = max(start, self.first)
        stop = min(end, self.last) if self.last is not None else end
        found: list[tuple[int, datetime, datetime]] = []
        if begin >= stop or not self.layer.participants:
            return found
        k = self.index_at(begin)
        turn_start = self.boundary(k)
        while turn_start < stop:
            turn_end = self.boundary(k + 1)
            if turn_end > begin:
                found.append((k, max(turn_start, begin), min(turn_end, stop)))
            k, turn_start = k + 1, turn_end
        return found


def layer_shifts(layer: LayerSpec, zone: ZoneInfo, start: datetime, end: datetime) -> list[Shift]:
    """One layer's shifts in [start, end): one per turn, cut to its restrictions."""
    turns = _Turns(layer, zone)
    spans = turns.spans(start, end)
    if not layer.restrictions:
        return [Shift(turns.user(k), s, e, layer_id=layer.id) for k, s, e in spans]
    windows = window_spans(layer.restrictions, zone, start, end)
    shifts: list[Shift] = []
    j = 0
    for k, s, e in spans:
        while j < len(windows) and windows[j][1] <= s:
            j += 1
        i = j
        while i < len(windows) and windows[i][0] < e:
            begin, finish = max(s, windows[i][0]), min(e, windows[i][1])
            if begin < finish:
                shifts.append(Shift(turns.user(k), begin, finish, layer_id=layer.id))
            i += 1
    return shifts


def ranked(layers: tuple[LayerSpec, ...]) -> list[LayerSpec]:
    """Layers from the one that wins (highest position; on a tie, the newest) down."""
    return sorted(layers, key=lambda layer: (layer.position, layer.id), reverse=True)


def per_layer(spec: ScheduleSpec, start: datetime, end: datetime) -> dict[int, list[Shift]]:
    """Every layer's own shifts in [start, end), by layer id, for a timeline."""
    start, end = _utc_range(start, end)
    zone = spec.zone
    return {layer.id: layer_shifts(layer, zone, start, end) for layer in ranked(spec.layers)}


def shifts(spec: ScheduleSpec, start: datetime, end: datetime) -> list[Shift]:
    """The final schedule in [start, end): who is on call and what put them there
    (adjacent pieces of one source joined), ordered by start."""
    start, end = _utc_range(start, end)
    layers = list(per_layer(spec, start, end).values())
    overrides = _override_pieces(spec.overrides, start, end)
    cuts = {start, end}
    for piece in (*overrides, *(shift for layer in layers for shift in layer)):
        cuts.update((piece.start, piece.end))
    pointers = [0] * len(layers)
    result: list[Shift] = []
    last_of: dict[int, int] = {}  # user id -> index in `result` of their latest shift
    for s, e in pairwise(sorted(cuts)):
        for piece in _winners(overrides, layers, pointers, s):
            index = last_of.get(piece.user_id)
            if index is not None and result[index].end == s and _same_source(result[index], piece):
                result[index] = replace(result[index], end=e)
            else:
                last_of[piece.user_id] = len(result)
                result.append(replace(piece, start=s, end=e))
    return result


def _same_source(one: Shift, other: Shift) -> bool:
    return (one.layer_id, one.override_id) == (other.layer_id, other.override_id)


def continuous(found: list[Shift]) -> list[Shift]:
    """Final shifts with adjacent ones of a user joined whatever their source (the first
    one's is kept): when a stretch on call begins and ends, for hand-off notices and
    "on call until"."""
    result: list[Shift] = []
    last_of: dict[int, int] = {}
    for shift in found:
        index = last_of.get(shift.user_id)
        if index is not None and result[index].end == shift.start:
            result[index] = replace(result[index], end=shift.end)
        else:
            last_of[shift.user_id] = len(result)
            result.append(shift)
    return result


def _override_pieces(
    overrides: tuple[OverrideSpec, ...], start: datetime, end: datetime
) -> list[Shift]:
    return [
        Shift(
            o.user_id,
            max(o.starts_at.astimezone(UTC), start),
            min(o.ends_at.astimezone(UTC), end),
            override_id=o.id,
        )
        for o in sorted(overrides, key=lambda o: (o.starts_at, o.id))
        if o.starts_at < end and o.ends_at > start and o.starts_at < o.ends_at
    ]


def _winners(
    overrides: list[Shift], layers: list[list[Shift]], pointers: list[int], moment: datetime
) -> list[Shift]:
    """The pieces that decide who is on call from `moment` to the next cut.

    `pointers` remember where each layer's scan stopped, since moments only increase.
    """
    chosen: list[Shift] = []
    for piece in overrides:
        if piece.start <= moment < piece.end and all(c.user_id != piece.user_id for c in chosen):
            chosen.append(piece)
    if chosen:
        return chosen
    for index, layer in enumerate(layers):
        position = pointers[index]
        while position < len(layer) and layer[position].end <= moment:
            position += 1
        pointers[index] = position
        if position < len(layer) and layer[position].start <= moment:
            return [layer[position]]
    return []


def on_call_at(spec: ScheduleSpec, moment: datetime) -> list[int]:
    """Who is on call at `moment`: override users in order of their start, else the user
    of the highest layer that has someone; empty when nobody is."""
    users: list[int] = []
    for override in sorted(spec.overrides, key=lambda o: (o.starts_at, o.id)):
        if override.starts_at <= moment < override.ends_at and override.user_id not in users:
            users.append(override.user_id)
    if users:
        return users
    zone = spec.zone
    for layer in ranked(spec.layers):
        user = _layer_user_at(layer, zone, moment)
        if user is not None:
            return [user]
    return []


def _layer_user_at(layer: LayerSpec, zone: ZoneInfo, moment: datetime) -> int | None:
    turns = _Turns(layer, zone)
    if not layer.participants or not turns.active(moment):
        return None
    if layer.restrictions and not inside(layer.restrictions, zone, moment):
        return None
    return turns.user(turns.index_at(moment))


def _utc_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("shifts need aware datetimes")
    if end < start:
        raise ValueError("the end of a range comes after its start")
    return start.astimezone(UTC), end.astimezone(UTC)
