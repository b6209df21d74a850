"""The event-rate judge: counts per bucket, silences measured against the same hour of the
days before, and reasons in words."""

from __future__ import annotations

from datetime import UTC, datetime

from watchkeeper.monitoring.anomaly import rates

START = datetime(2026, 1, 13, tzinfo=UTC)
STOPPED = datetime(2026, 1, 15, 9, 52, tzinfo=UTC)


def test_counts_per_bucket_number_become_a_list_with_the_empty_buckets() -> None:
    first = int(START.timestamp()) // 600
    per_bucket = {first: 2, first + 1: 1, first + 3: 1, first + 9: 5}
    end = datetime(2026, 1, 13, 0, 40, tzinfo=UTC)
    assert rates.spread(per_bucket, start=START, end=end) == [2, 1, 0, 1]


def test_buckets_align_on_the_clock() -> None:
    assert rates.floor(datetime(2026, 1, 13, 14, 7, 31, tzinfo=UTC)) == datetime(
        2026, 1, 13, 14, 0, tzinfo=UTC
    )


def test_a_silence_expects_what_the_same_buckets_held_on_earlier_days() -> None:
    day = [0] * 72 + [30] * 72  # quiet nights, busy afternoons
    run, expected = rates.silence(day + day[:80] + [0, 0])
    assert run == 2
    assert expected == 60.0


def test_a_quiet_night_is_not_a_silence() -> None:
    day = [0] * 72 + [30] * 72
    verdict = rates.judge("checkout", day * 2 + [0, 0], start=START, last_event=STOPPED)
    assert verdict.score < rates.ALERT


def test_a_busy_stream_that_stops_is_said_to_have_stopped() -> None:
    steady = [18, 22, 20, 19, 21, 23, 17, 20] * 36
    verdict = rates.judge("checkout", [*steady, 0, 0], start=START, last_event=STOPPED)
    assert verdict.score >= rates.ALERT
    assert verdict.reason == (
        "checkout's events stopped at 2026-01-15 09:52 UTC: none for 20 minutes, "
        "about 40 usually come in that time"
    )


def test_a_burst_says_how_many_came() -> None:
    steady = [18, 22, 20, 19, 21, 23, 17, 20] * 36
    verdict = rates.judge("checkout", [*steady, 400], start=START, last_event=STOPPED)
    assert verdict.score >= rates.ALERT
    assert verdict.reason.startswith("checkout: 400 events in the last 10 minutes, usually ")
