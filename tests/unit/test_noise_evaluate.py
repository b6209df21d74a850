"""The pure decisions of noise reduction: routing, silences, windows, inhibition, flapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from watchkeeper.core.matchers import Matcher, Op, parse
from watchkeeper.pipeline.correlate.noise.evaluate import (
    Flaps,
    Inhibition,
    Rule,
    Silence,
    Window,
    inhibited_by,
    maintained_by,
    route,
    silenced_by,
)

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
BERLIN = "Europe/Berlin"


def _matchers(*texts: str) -> tuple[Matcher, ...]:
    return tuple(parse(text) for text in texts)


def _rule(rule_id: int, *matchers: str, **fields: Any) -> Rule:
    return Rule(id=rule_id, name=f"r{rule_id}", matchers=_matchers(*matchers), **fields)


def _weekly(start_time: str, minutes: int, *weekdays: int, zone: str = BERLIN) -> Window:
    return Window(
        id=1,
        name="patching",
        service_id=1,
        time_zone=zone,
        weekdays=weekdays,
        start_time=start_time,
        duration_minutes=minutes,
    )


def _utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Routing


def test_the_first_matching_rule_decides_and_later_ones_are_not_tried() -> None:
    rules = [
        _rule(1, 'team="web"', set_urgency=4),
        _rule(2, 'team="db"', set_urgency=1),
        _rule(3, 'team="db"', set_urgency=2, set_impact=1),
    ]
    decision = route(rules, {"team": "db"})
    assert (decision.matched, decision.urgency, decision.impact) == (("r2",), 1, None)


def test_continue_lets_later_rules_fill_only_what_is_unset() -> None:
    rules = [
        _rule(1, 'env="prod"', set_urgency=1, add_tags=("prod",), continue_matching=True),
        _rule(2, 'team=~"d.*"', set_urgency=3, set_impact=2, add_tags=("db", "prod")),
        _rule(3, 'team="db"', set_category_id=9),
    ]
    decision = route(rules, {"env": "prod", "team": "db"})
    assert decision.matched == ("r1", "r2")
    assert (decision.urgency, decision.impact, decision.category_id) == (1, 2, None)
    assert decision.tags == ("prod", "db")


@pytest.mark.parametrize("verb", ["drop", "suppress"])
def test_drop_or_suppress_ends_matching_even_with_continue(verb: str) -> None:
    rules = [
        _rule(1, 'job="batch"', continue_matching=True, **{verb: True}),
        _rule(2, 'job="batch"', set_urgency=1),
    ]
    decision = route(rules, {"job": "batch"})
    assert decision.matched == ("r1",)
    assert getattr(decision, verb) is True
    assert decision.urgency is None


def test_no_matching_rule_decides_nothing_and_a_missing_label_is_empty() -> None:
    rules = [_rule(1, 'team="db"', drop=True), _rule(2, 'team!=""', drop=True)]
    decision = route(rules, {"alertname": "Disk"})
    assert decision.matched == ()
    assert not decision.drop
    assert route([_rule(3, 'team=""', set_urgency=2)], {}).urgency == 2


# Silences


def test_a_silence_holds_between_its_start_and_its_end_only() -> None:
    silence = Silence(1, _matchers('alertname="Disk"'), NOW, NOW + 60 * MINUTE)
    labels = {"alertname": "Disk"}
    assert silenced_by([silence], labels, 1, NOW - MINUTE) is None
    assert silenced_by([silence], labels, 1, NOW) == silence
    assert silenced_by([silence], labels, 1, NOW + 60 * MINUTE) is None
    assert silenced_by([silence], {"alertname": "CPU"}, 1, NOW) is None


def test_a_silence_for_one_service_leaves_other_services_alone() -> None:
    silence = Silence(1, _matchers('alertname="Disk"'), NOW, NOW + MINUTE, service_id=2)
    assert silenced_by([silence], {"alertname": "Disk"}, 2, NOW) == silence
    assert silenced_by([silence], {"alertname": "Disk"}, 3, NOW) is None


# Maintenance windows


def test_a_one_off_window_covers_start_inclusive_end_exclusive() -> None:
    window = Window(1, "upgrade", 1, starts_at=NOW, ends_at=NOW + 30 * MINUTE)
    assert not window.active(NOW - MINUTE)
    assert window.active(NOW)
    assert not window.active(NOW + 30 * MINUTE)
    assert maintained_by([window], 1, NOW) == window
    assert maintained_by([window], 2, NOW) is None


def test_a_weekly_window_follows_local_time_across_the_spring_change() -> None:
    window = _weekly("09:00", 60, 6)  # Sundays 09:00-10:00 in Berlin
    # 22 March 2026: winter time, UTC+1; 29 March (the change is at 02:00): UTC+2.
    assert window.active(_utc(2026, 3, 22, 8, 30))
    assert not window.active(_utc(2026, 3, 22, 7, 30))
    assert window.active(_utc(2026, 3, 29, 7, 30))
    assert not window.active(_utc(2026, 3, 29, 8, 30))


def test_a_weekly_window_follows_local_time_across_the_autumn_change() -> None:
    window = _weekly("09:00", 60, 6)
    # 25 October 2026 goes back to winter time at 03:00 local.
    assert window.active(_utc(2026, 10, 18, 7, 30))
    assert window.active(_utc(2026, 10, 25, 8, 30))
    assert not window.active(_utc(2026, 10, 25, 7, 30))


def test_a_weekly_window_spanning_the_spring_change_lasts_its_full_duration() -> None:
    window = _weekly("01:00", 240, 6)  # Sunday 29 March 2026, 00:00 UTC for four hours
    assert window.active(_utc(2026, 3, 29, 0, 30))
    assert window.active(_utc(2026, 3, 29, 3, 30))
    assert not window.active(_utc(2026, 3, 29, 4, 0))


def test_a_weekly_window_spanning_the_autumn_change_lasts_its_full_duration() -> None:
    window = _weekly("01:00", 240, 6)  # Sunday 25 October 2026, 23:00 UTC Saturday + 4 h
    assert window.active(_utc(2026, 10, 24, 23, 30))
    assert not window.active(_utc(2026, 10, 25, 3, 30))


def test_a_weekly_window_runs_past_midnight_into_the_next_day() -> None:
    window = _weekly("23:00", 120, 5, zone="UTC")  # Saturdays 23:00 to Sunday 01:00
    assert window.active(_utc(2026, 1, 17, 23, 30))
    assert window.active(_utc(2026, 1, 18, 0, 30))
    assert not window.active(_utc(2026, 1, 18, 1, 0))
    assert not window.active(_utc(2026, 1, 18, 23, 30))  # Sunday is not a start day


def test_a_week_long_window_covers_the_whole_week() -> None:
    window = _weekly("00:00", 7 * 24 * 60, 0, zone="UTC")
    assert all(window.active(NOW + timedelta(hours=hours)) for hours in range(0, 24 * 8, 5))


def test_a_weekly_window_without_a_schedule_is_never_active() -> None:
    assert not Window(1, "empty", 1).active(NOW)


# Inhibition


def _inhibition(equal: tuple[str, ...] = ("cluster",)) -> Inhibition:
    return Inhibition(
        1,
        "node down",
        source=_matchers('alertname="NodeDown"'),
        target=_matchers('severity="warning"'),
        equal=equal,
    )


def test_an_open_source_alert_inhibits_targets_with_equal_labels() -> None:
    source = (7, {"alertname": "NodeDown", "cluster": "eu-1"})
    target = {"alertname": "Latency", "severity": "warning", "cluster": "eu-1"}
    assert inhibited_by([_inhibition()], target, [source]) == (_inhibition(), 7)
    elsewhere = {**target, "cluster": "us-1"}
    assert inhibited_by([_inhibition()], elsewhere, [source]) is None


def test_a_label_missing_on_both_sides_counts_as_equal() -> None:
    source = (7, {"alertname": "NodeDown"})
    target = {"alertname": "Latency", "severity": "warning"}
    assert inhibited_by([_inhibition()], target, [source]) is not None
    assert inhibited_by([_inhibition()], {**target, "cluster": "eu-1"}, [source]) is None


def test_only_sources_and_targets_that_match_take_part() -> None:
    target = {"alertname": "Latency", "severity": "warning"}
    assert inhibited_by([_inhibition(())], target, [(7, {"alertname": "DiskFull"})]) is None
    critical = {**target, "severity": "critical"}
    assert inhibited_by([_inhibition(())], critical, [(7, {"alertname": "NodeDown"})]) is None


def test_an_alert_matching_both_sides_does_not_inhibit_itself() -> None:
    rule = Inhibition(1, "self", _matchers('alertname="X"'), _matchers('alertname="X"'), ())
    labels = {"alertname": "X"}
    assert inhibited_by([rule], labels, [(7, dict(labels))]) is None


# Flapping


def test_more_changes_than_the_limit_within_the_window_is_flapping() -> None:
    flaps = Flaps(changes=[])
    states = [flaps.record(NOW + i * MINUTE, limit=3, window=10 * MINUTE) for i in range(5)]
    assert states == [False, False, False, True, True]
    assert flaps.flapping_since == NOW + 3 * MINUTE


def test_changes_spread_wider_than_the_window_never_flap() -> None:
    flaps = Flaps(changes=[])
    states = [flaps.record(NOW + i * 11 * MINUTE, limit=1, window=10 * MINUTE) for i in range(5)]
    assert states == [False] * 5


def test_flapping_stops_after_a_whole_quiet_window() -> None:
    flaps = Flaps(changes=[])
    for i in range(4):
        flaps.record(NOW + i * MINUTE, limit=3, window=10 * MINUTE)
    assert flaps.record(NOW + 12 * MINUTE, limit=3, window=10 * MINUTE)  # not quiet yet
    assert not flaps.record(NOW + 23 * MINUTE, limit=3, window=10 * MINUTE)
    assert flaps.flapping_since is None
    assert len(flaps.changes) == 1


def test_the_history_is_bounded_by_the_limit() -> None:
    flaps = Flaps(changes=[])
    for i in range(50):
        flaps.record(NOW + i * MINUTE, limit=3, window=60 * MINUTE)
    assert len(flaps.changes) == 4


@pytest.mark.parametrize(
    ("value", "op"),
    [
        ("plain", "="),
        ('say "hi"', "="),
        ("C:\\temp\\", "!="),
        ("\\d+\\.log", "=~"),
        ('a\\"b', "!~"),
    ],
)
def test_a_matcher_written_as_text_reads_back_the_same(value: str, op: str) -> None:
    matcher = Matcher(name="path", op=Op(op), value=value)
    assert parse(str(matcher)) == matcher


def test_a_regex_escape_typed_by_hand_is_kept() -> None:
    assert parse(r'file=~"\d+\.log"').value == r"\d+\.log"
    assert parse(r'msg="say \"hi\""').value == 'say "hi"'
