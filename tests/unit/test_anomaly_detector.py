"""Property tests of the streaming anomaly detector: bounded, calm on calm data, quick on a
step change, deterministic, and able to say why in words."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.monitoring.anomaly.contexts import Usual
from watchkeeper.monitoring.anomaly.detector import Detector, Point
from watchkeeper.monitoring.anomaly.explain import reason

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
STEP = timedelta(minutes=5)
ALERT = 0.8  # the default alert threshold (docs/anomaly.md)


def scores(values: list[float], start: datetime = START, step: timedelta = STEP) -> list[float]:
    detector = Detector()
    return [detector.update(start + i * step, v).score for i, v in enumerate(values)]


def noise(n: int, seed: int, level: float = 100.0, spread: float = 5.0) -> list[float]:
    rng = random.Random(seed)
    return [level + rng.gauss(0.0, spread) for _ in range(n)]


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=1, max_size=400))
def test_every_score_is_between_0_and_1(values: list[float]) -> None:
    assert all(0.0 <= s <= 1.0 for s in scores(values))


@settings(max_examples=40, deadline=None)
@given(finite, st.integers(min_value=1, max_value=1500))
def test_a_constant_series_never_scores_high(value: float, n: int) -> None:
    assert max(scores([value] * n)) < 0.1


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=8.0, max_value=50.0),
    st.sampled_from([1.0, -1.0]),
)
def test_a_step_change_scores_high_within_five_points(seed: int, size: float, sign: float) -> None:
    calm = noise(600, seed)
    stepped = [v + sign * size * 5.0 for v in noise(20, seed + 1)]
    result = scores(calm + stepped)
    assert max(result[600:605]) >= ALERT


@settings(max_examples=30, deadline=None)
@given(st.lists(finite, min_size=1, max_size=300))
def test_the_same_points_give_the_same_scores(values: list[float]) -> None:
    assert scores(values) == scores(values)


def test_noise_alone_rarely_scores_high() -> None:
    result = scores(noise(5000, seed=7))
    assert sum(s >= ALERT for s in result) <= 5


def test_a_daily_pattern_is_learnt_and_an_odd_hour_is_explained_in_its_terms() -> None:
    detector = Detector()
    rng = random.Random(3)
    last: Point | None = None
    for i in range(12 * 24 * 14):
        at = START + i * STEP
        busy = 150.0 if 9 <= at.hour < 17 else 20.0
        last = detector.update(at, busy + rng.gauss(0.0, 3.0))
    assert last is not None
    odd = detector.update(last.at + STEP, 900.0)  # 23:55 on a Sunday night: usually quiet
    assert odd.score >= ALERT
    text = reason(odd, name="latency", unit="ms")
    assert text.startswith("latency 900 ms, usually ")
    assert text.endswith(" ms at this hour") or text.endswith(" ms recently")


def test_the_reason_names_the_weekday_for_a_weekly_context() -> None:
    tuesday = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    point = Point(at=tuesday, value=840.0, score=0.97, usual=Usual("weekly", 150.0, 15.0))
    assert reason(point, name="latency", unit="ms") == (
        "latency 840 ms, usually 120-180 ms at this hour on Tuesdays"
    )


def test_points_out_of_time_order_are_refused() -> None:
    detector = Detector()
    detector.update(START, 1.0)
    with pytest.raises(ValueError, match="time order"):
        detector.update(START - STEP, 1.0)


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_value_that_is_not_a_finite_number_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        Detector().update(START, value)
