"""Property tests of the schedule resolver: many IANA zones (DST at odd hours, half-hour
DST, no DST), rotations and hand-off times, two simulated years each."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from watchkeeper.oncall.schedules.resolver import (
    LayerSpec,
    OverrideSpec,
    ScheduleSpec,
    Shift,
    continuous,
    layer_shifts,
    on_call_at,
    shifts,
)
from watchkeeper.oncall.schedules.wallclock import Window, instant

ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",  # negative DST in the rules: winter is the "daylight" time
    "America/Santiago",  # changes at midnight, southern hemisphere
    "America/Havana",  # clocks jump from 00:00 to 01:00
    "America/St_Johns",  # -03:30
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour DST
    "Australia/Adelaide",
    "Pacific/Chatham",  # +12:45 / +13:45
    "Pacific/Auckland",
    "Asia/Kolkata",  # +05:30, no DST
    "Asia/Kathmandu",  # +05:45
    "Asia/Tehran",
    "Africa/Casablanca",  # DST suspended during Ramadan: four changes a year
    "Antarctica/Troll",  # a two-hour DST
    "UTC",
)
TWO_YEARS = timedelta(days=730)
CHANGE_HOURS = [time(0, 0), time(0, 30), time(1, 0), time(2, 0), time(2, 30), time(3, 0)]

zones = st.sampled_from(ZONES)
clocks = st.one_of(
    st.sampled_from(CHANGE_HOURS),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
)
starts = st.builds(datetime.combine, st.dates(date(2022, 1, 1), date(2026, 12, 31)), clocks)
people = st.lists(st.integers(1, 6), min_size=1, max_size=5)
day_rotations = st.one_of(
    st.tuples(st.just("daily"), st.just(1)),
    st.tuples(st.just("weekly"), st.just(1)),
    st.tuples(st.just("days"), st.integers(1, 21)),
)
rotations = st.one_of(day_rotations, st.tuples(st.just("hours"), st.integers(1, 72)))


def _layer(
    rotation: tuple[str, int],
    start: datetime,
    handoff: time,
    participants: list[int],
    **more: object,
) -> LayerSpec:
    fields: dict[str, object] = {
        "id": 1,
        "position": 1,
        "participants": tuple(participants),
        "rotation": rotation[0],
        "length": rotation[1],
        "start": start,
        "handoff": handoff,
    }
    fields.update(more)
    return LayerSpec(**fields)  # type: ignore[arg-type]


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    back = local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == local


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


@settings(max_examples=80, deadline=None)
@given(zones, rotations, starts, clocks, people)
def test_an_unrestricted_layer_covers_two_years_without_gaps_or_overlaps(
    zone_name: str, rotation: tuple[str, int], start: datetime, handoff: time, who: list[int]
) -> None:
    zone = ZoneInfo(zone_name)
    spec = _layer(rotation, start, handoff, who)
    begin = instant(start, zone)
    found = layer_shifts(spec, zone, begin, begin + TWO_YEARS)
    assert found[0].start == begin
    assert found[-1].end == begin + TWO_YEARS
    for before, after in pairwise(found):
        assert before.start < before.end == after.start
    assert [shift.user_id for shift in found] == [who[i % len(who)] for i in range(len(found))]


@settings(max_examples=80, deadline=None)
@given(zones, day_rotations, starts, clocks, people)
def test_day_rotations_hand_off_at_the_hand_off_wall_time(
    zone_name: str, rotation: tuple[str, int], start: datetime, handoff: time, who: list[int]
) -> None:
    zone = ZoneInfo(zone_name)
    spec = _layer(rotation, start, handoff, who)
    begin = instant(start, zone)
    found = layer_shifts(spec, zone, begin, begin + TWO_YEARS)
    period = 7 if rotation[0] == "weekly" else rotation[1]
    for k, shift in enumerate(found[1:], start=1):
        due = datetime.combine(start.date() + timedelta(days=period * k), handoff)
        if _exists(due, zone):
            # The wall time, at its first occurrence when the clocks go back.
            assert shift.start == due.replace(tzinfo=zone, fold=0).astimezone(UTC)
        else:
            # In a gap: the first instant after it.
            event("a hand-off in a DST gap")
            assert _wall(shift.start, zone) > due
            assert _wall(shift.start - timedelta(seconds=1), zone) < due


@settings(max_examples=60, deadline=None)
@given(zones, starts, st.integers(1, 72), people)
def test_hour_rotations_last_exactly_n_hours(
    zone_name: str, start: datetime, hours: int, who: list[int]
) -> None:
    zone = ZoneInfo(zone_name)
    spec = _layer(("hours", hours), start, time(0, 0), who)
    begin = instant(start, zone)
    found = layer_shifts(spec, zone, begin, begin + TWO_YEARS)
    assert {shift.end - shift.start for shift in found[:-1]} <= {timedelta(hours=hours)}


windows = st.builds(
    Window,
    st.frozensets(st.integers(0, 6), min_size=1),
    clocks,
    clocks,
)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[ScheduleSpec, datetime]:
    zone_name = draw(zones)
    layers = []
    for index in range(draw(st.integers(1, 3))):
        restrictions = tuple(draw(st.lists(windows, max_size=2)))
        layers.append(
            _layer(
                draw(rotations),
                draw(starts),
                draw(clocks),
                draw(people),
                id=index + 1,
                position=draw(st.integers(0, 3)),
                restrictions=restrictions,
            )
        )
    origin = instant(min(layer.start for layer in layers), ZoneInfo(zone_name))
    overrides = []
    for index in range(draw(st.integers(0, 4))):
        begin = origin + timedelta(hours=draw(st.integers(0, 24 * 700)))
        length = timedelta(hours=draw(st.integers(1, 24 * 10)))
        overrides.append(OverrideSpec(index + 1, draw(st.integers(1, 6)), begin, begin + length))
    return ScheduleSpec(zone_name, tuple(layers), tuple(overrides)), origin


@settings(max_examples=60, deadline=None)
@given(schedules(), st.lists(st.integers(0, 730 * 24 * 60 - 1), min_size=1, max_size=40))
def test_on_call_at_agrees_with_the_final_shifts(
    drawn: tuple[ScheduleSpec, datetime], minutes: list[int]
) -> None:
    spec, origin = drawn
    found = shifts(spec, origin, origin + TWO_YEARS)
    for offset in minutes:
        moment = origin + timedelta(minutes=offset)
        covering = [shift.user_id for shift in found if shift.start <= moment < shift.end]
        assert on_call_at(spec, moment) == covering
    _assert_merged(found)


def _assert_merged(found: list[Shift]) -> None:
    """No overlaps for a user; adjacent shifts only when something else put them there."""
    last: dict[int, Shift] = {}
    for shift in found:
        assert shift.start < shift.end
        before = last.get(shift.user_id)
        if before is not None:
            assert before.end <= shift.start
            if before.end == shift.start:
                assert (before.layer_id, before.override_id) != (
                    shift.layer_id,
                    shift.override_id,
                )
        last[shift.user_id] = shift
    joined = continuous(found)
    ends: dict[int, datetime] = {}
    for shift in joined:
        assert ends.get(shift.user_id, shift.start - timedelta(seconds=1)) < shift.start
        ends[shift.user_id] = shift.end
