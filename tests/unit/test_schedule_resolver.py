"""The schedule resolver across time zones and daylight-saving changes (pure, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchkeeper.oncall.schedules.resolver import (
    LayerSpec,
    OverrideSpec,
    ScheduleSpec,
    Shift,
    continuous,
    layer_shifts,
    on_call_at,
    per_layer,
    shifts,
)
from watchkeeper.oncall.schedules.wallclock import Window, instant

BERLIN = ZoneInfo("Europe/Berlin")
ALICE, BOB, CAROL, DAVE = 1, 2, 3, 4
WEEKDAYS = frozenset(range(5))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A naive wall time, as layers and the gap rule take them."""
    return datetime.fromisoformat(f"{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}")


def layer(**fields: object) -> LayerSpec:
    values: dict[str, object] = {
        "id": 1,
        "position": 1,
        "participants": (ALICE, BOB),
        "rotation": "daily",
        "start": wall(2026, 3, 1, 9, 0),
        "handoff": time(9, 0),
    }
    values.update(fields)
    return LayerSpec(**values)  # type: ignore[arg-type]


def spans(found: list[Shift]) -> list[tuple[int, datetime, datetime]]:
    return [(shift.user_id, shift.start, shift.end) for shift in found]


def test_a_daily_berlin_hand_off_is_at_nine_local_in_winter_and_summer() -> None:
    spec = ScheduleSpec("Europe/Berlin", (layer(),))
    found = shifts(spec, utc(2026, 3, 27, 0), utc(2026, 3, 31, 0))
    assert [shift.start for shift in found[1:]] == [
        utc(2026, 3, 27, 8),  # CET: 09:00 is 08:00 UTC
        utc(2026, 3, 28, 8),
        utc(2026, 3, 29, 7),  # CEST from 29 March: 09:00 is 07:00 UTC
        utc(2026, 3, 30, 7),
    ]


def test_the_short_and_the_long_day_are_23_and_25_hours_with_no_gap_or_overlap() -> None:
    spec = ScheduleSpec("Europe/Berlin", (layer(participants=(ALICE, BOB, CAROL)),))
    spring = shifts(spec, utc(2026, 3, 28, 8), utc(2026, 3, 30, 7))
    assert [shift.end - shift.start for shift in spring] == [
        timedelta(hours=23),  # 28 March 09:00 CET to 29 March 09:00 CEST
        timedelta(hours=24),
    ]
    assert spring[0].end == spring[1].start
    autumn = shifts(spec, utc(2026, 10, 24, 7), utc(2026, 10, 26, 8))
    assert [shift.end - shift.start for shift in autumn] == [
        timedelta(hours=25),  # 24 October 09:00 CEST to 25 October 09:00 CET
        timedelta(hours=24),
    ]
    assert autumn[0].end == autumn[1].start


def test_a_hand_off_in_the_spring_gap_happens_when_the_clocks_jump() -> None:
    spec = ScheduleSpec("Europe/Berlin", (layer(handoff=time(2, 30)),))
    found = shifts(spec, utc(2026, 3, 28, 0), utc(2026, 3, 31, 0))
    # 02:30 does not exist on 29 March: the hand-off is 03:00 CEST (01:00 UTC), the first
    # instant after the jump; the day after, 02:30 CEST again.
    assert [shift.start for shift in found[1:]] == [
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 30, 0, 30),
    ]


def test_a_hand_off_at_a_twice_seen_time_is_at_its_first_occurrence() -> None:
    spec = ScheduleSpec("Europe/Berlin", (layer(handoff=time(2, 30)),))
    found = shifts(spec, utc(2026, 10, 24, 12), utc(2026, 10, 25, 12))
    assert found[1].start == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, not 02:30 CET


def test_the_first_turn_starts_at_the_start_and_hands_off_on_the_start_date_plus_n() -> None:
    weekly = layer(rotation="weekly", start=wall(2026, 1, 7, 14, 0))  # a Wednesday
    found = layer_shifts(weekly, BERLIN, utc(2026, 1, 1), utc(2026, 1, 29))
    assert spans(found) == [
        (ALICE, utc(2026, 1, 7, 13), utc(2026, 1, 14, 8)),
        (BOB, utc(2026, 1, 14, 8), utc(2026, 1, 21, 8)),
        (ALICE, utc(2026, 1, 21, 8), utc(2026, 1, 28, 8)),
        (BOB, utc(2026, 1, 28, 8), utc(2026, 1, 29)),
    ]


def test_an_hours_rotation_lasts_the_same_elapsed_time_across_dst() -> None:
    twelve = layer(rotation="hours", length=12, start=wall(2026, 3, 28, 8, 0))
    found = layer_shifts(twelve, BERLIN, utc(2026, 3, 28), utc(2026, 3, 30))
    assert {shift.end - shift.start for shift in found[:-1]} == {timedelta(hours=12)}
    assert found[2].start == utc(2026, 3, 29, 7)  # 09:00 CEST: elapsed time, not wall time


def test_an_n_day_rotation_hands_off_every_n_days_at_the_hand_off_time() -> None:
    three = layer(rotation="days", length=3, participants=(ALICE, BOB, CAROL))
    found = layer_shifts(three, BERLIN, utc(2026, 3, 1), utc(2026, 3, 13))
    assert [(s.user_id, s.start.astimezone(BERLIN).day) for s in found] == [
        (ALICE, 1),
        (BOB, 4),
        (CAROL, 7),
        (ALICE, 10),
    ]


def test_a_layer_has_nobody_before_its_start_or_after_its_end() -> None:
    bounded = layer(start=wall(2026, 3, 2, 9), end=wall(2026, 3, 4, 9))
    spec = ScheduleSpec("Europe/Berlin", (bounded,))
    assert on_call_at(spec, utc(2026, 3, 2, 7)) == []
    assert on_call_at(spec, utc(2026, 3, 3, 12)) == [BOB]
    assert on_call_at(spec, utc(2026, 3, 4, 8)) == []
    assert spans(shifts(spec, utc(2026, 3, 1), utc(2026, 3, 6))) == [
        (ALICE, utc(2026, 3, 2, 8), utc(2026, 3, 3, 8)),
        (BOB, utc(2026, 3, 3, 8), utc(2026, 3, 4, 8)),
    ]


def test_restrictions_leave_gaps_that_lower_layers_fill() -> None:
    base = layer(id=1, position=1, participants=(DAVE,))
    office = Window(WEEKDAYS, time(9, 0), time(17, 0))
    business = layer(id=2, position=2, participants=(ALICE,), restrictions=(office,))
    spec = ScheduleSpec("Europe/Berlin", (base, business))
    found = shifts(spec, utc(2026, 3, 2, 0), utc(2026, 3, 3, 0))  # a Monday in CET
    assert spans(found) == [
        (DAVE, utc(2026, 3, 2, 0), utc(2026, 3, 2, 8)),
        (ALICE, utc(2026, 3, 2, 8), utc(2026, 3, 2, 16)),
        (DAVE, utc(2026, 3, 2, 16), utc(2026, 3, 3, 0)),
    ]
    assert [shift.layer_id for shift in found] == [1, 2, 1]


def test_a_restricted_layer_alone_leaves_nobody_on_call_outside_its_windows() -> None:
    nights = Window(frozenset(range(7)), time(18, 0), time(9, 0))
    spec = ScheduleSpec("Europe/Berlin", (layer(restrictions=(nights,)),))
    assert on_call_at(spec, utc(2026, 3, 5, 12)) == []
    assert on_call_at(spec, utc(2026, 3, 5, 20)) == [ALICE]
    assert on_call_at(spec, utc(2026, 3, 6, 7)) == [ALICE]  # 08:00 the next morning


def test_a_whole_day_window_runs_from_midnight_to_midnight() -> None:
    weekend = Window(frozenset({5, 6}), time(0, 0), time(0, 0))
    spec = ScheduleSpec("Europe/Berlin", (layer(participants=(CAROL,), restrictions=(weekend,)),))
    found = shifts(spec, utc(2026, 3, 2), utc(2026, 3, 10))
    assert spans(found) == [(CAROL, utc(2026, 3, 6, 23), utc(2026, 3, 8, 23))]


def test_an_override_beats_every_layer_and_overlapping_overrides_add_up() -> None:
    early = OverrideSpec(1, CAROL, utc(2026, 3, 2, 10), utc(2026, 3, 2, 12))
    late = OverrideSpec(2, DAVE, utc(2026, 3, 2, 11), utc(2026, 3, 2, 13))
    spec = ScheduleSpec("Europe/Berlin", (layer(),), (early, late))
    assert on_call_at(spec, utc(2026, 3, 2, 10, 30)) == [CAROL]
    assert on_call_at(spec, utc(2026, 3, 2, 11, 30)) == [CAROL, DAVE]
    assert on_call_at(spec, utc(2026, 3, 2, 13)) == [BOB]
    found = shifts(spec, utc(2026, 3, 2, 9), utc(2026, 3, 2, 14))
    assert spans(found) == [
        (BOB, utc(2026, 3, 2, 9), utc(2026, 3, 2, 10)),
        (CAROL, utc(2026, 3, 2, 10), utc(2026, 3, 2, 12)),
        (DAVE, utc(2026, 3, 2, 11), utc(2026, 3, 2, 13)),
        (BOB, utc(2026, 3, 2, 13), utc(2026, 3, 2, 14)),
    ]
    assert [shift.override_id for shift in found] == [None, 1, 2, None]


def test_adjacent_turns_of_one_user_on_a_layer_are_one_shift() -> None:
    spec = ScheduleSpec("Europe/Berlin", (layer(participants=(ALICE,)),))
    [shift] = shifts(spec, utc(2026, 3, 2), utc(2026, 3, 5))
    assert (shift.start, shift.end, shift.layer_id) == (utc(2026, 3, 2), utc(2026, 3, 5), 1)
    assert len(per_layer(spec, utc(2026, 3, 2), utc(2026, 3, 5))[1]) == 4  # one per turn


def test_an_override_next_to_the_same_users_layer_shift_stays_apart() -> None:
    alone = layer(participants=(ALICE,))
    override = OverrideSpec(9, ALICE, utc(2026, 3, 3, 6), utc(2026, 3, 3, 12))
    spec = ScheduleSpec("Europe/Berlin", (alone,), (override,))
    found = shifts(spec, utc(2026, 3, 2), utc(2026, 3, 5))
    assert [(s.start, s.end, s.layer_id, s.override_id) for s in found] == [
        (utc(2026, 3, 2), utc(2026, 3, 3, 6), 1, None),
        (utc(2026, 3, 3, 6), utc(2026, 3, 3, 12), None, 9),
        (utc(2026, 3, 3, 12), utc(2026, 3, 5), 1, None),
    ]
    # Unbroken time on call (hand-off notices, "on call until") still joins them.
    assert spans(continuous(found)) == [(ALICE, utc(2026, 3, 2), utc(2026, 3, 5))]


def test_the_higher_position_wins_whatever_the_order_given() -> None:
    low = layer(id=7, position=1, participants=(ALICE,))
    high = layer(id=3, position=5, participants=(BOB,))
    assert on_call_at(ScheduleSpec("UTC", (high, low)), utc(2026, 3, 5)) == [BOB]
    assert list(per_layer(ScheduleSpec("UTC", (low, high)), utc(2026, 3, 5), utc(2026, 3, 6))) == [
        3,
        7,
    ]


def test_half_hour_dst_in_lord_howe_keeps_the_wall_time() -> None:
    spec = ScheduleSpec("Australia/Lord_Howe", (layer(start=wall(2026, 3, 30, 9)),))
    zone = ZoneInfo("Australia/Lord_Howe")
    found = shifts(spec, utc(2026, 3, 29), utc(2026, 4, 12))
    assert {shift.start.astimezone(zone).time() for shift in found[1:]} == {time(9, 0)}
    lengths = {shift.end - shift.start for shift in found[1:-1]}
    assert lengths == {timedelta(hours=24), timedelta(hours=24, minutes=30)}


def test_a_range_before_any_layer_starts_is_empty() -> None:
    spec = ScheduleSpec("UTC", (layer(start=wall(2030, 1, 1)),))
    assert shifts(spec, utc(2026, 1, 1), utc(2026, 2, 1)) == []


def test_naive_ranges_are_refused() -> None:
    spec = ScheduleSpec("UTC", (layer(),))
    with pytest.raises(ValueError, match="aware"):
        shifts(spec, datetime(2026, 1, 1), utc(2026, 2, 1))  # noqa: DTZ001 - the point of the test


def test_the_gap_rule_maps_a_missing_wall_time_to_the_change_itself() -> None:
    assert instant(wall(2026, 3, 29, 2, 30), BERLIN) == utc(2026, 3, 29, 1)
    havana = ZoneInfo("America/Havana")  # clocks jump from 00:00 to 01:00
    assert instant(wall(2026, 3, 8, 0, 30), havana) == utc(2026, 3, 8, 5)
    assert instant(wall(2026, 3, 8, 1, 0), havana) == utc(2026, 3, 8, 5)


def test_a_day_skipped_by_the_zone_hands_off_at_the_next_midnight() -> None:
    # Samoa skipped 30 December 2011 when it moved across the date line.
    spec = ScheduleSpec("Pacific/Apia", (layer(start=wall(2011, 12, 28, 9)),))
    apia = ZoneInfo("Pacific/Apia")
    found = shifts(spec, utc(2011, 12, 28, 12), utc(2012, 1, 2))
    local = [shift.start.astimezone(apia).replace(tzinfo=None) for shift in found[1:]]
    assert local[:3] == [
        wall(2011, 12, 29, 9),
        wall(2011, 12, 31, 0),  # 30 December 09:00 never happened
        wall(2011, 12, 31, 9),
    ]
    assert date(2011, 12, 30) not in {moment.date() for moment in local}
