"""Event rates as series: counts per fixed bucket, judged by the detector, said in words.

Pure code. The engine replays a lookback of counts through a fresh detector on every
completed bucket, so nothing but "is it alerting" has to be stored, and the verdict is the
one a detector fed bucket by bucket would give (it is deterministic).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeeper.monitoring.anomaly.detector import Detector, Point
from watchkeeper.monitoring.anomaly.explain import number

BUCKET = timedelta(minutes=10)
LOOKBACK = timedelta(days=7)
ALERT = 0.8  # a score at or over this raises the alert
CLEAR = 0.3  # and the alert resolves once a completed bucket scores under this
DAY = timedelta(days=1) // BUCKET
# Only a steady source has a rate to judge: events in at least this share of the buckets
# of the last day. Alertmanager and most monitors send only when something fires, so
# their silence is the normal case and a lone alert is not an anomaly of the rate.
STEADY = 0.5


def floor(at: datetime, width: timedelta = BUCKET) -> datetime:
    """The start of the bucket `at` falls in (buckets are aligned on the Unix epoch)."""
    epoch = datetime(1970, 1, 1, tzinfo=at.tzinfo)
    return at - (at - epoch) % width


def spread(per_bucket: dict[int, int], *, start: datetime, end: datetime) -> list[int]:
    """Counts keyed by bucket number (seconds since the epoch // bucket width) as a list from
    `start` (a bucket start) up to `end` (excluded), empty buckets included."""
    width = int(BUCKET.total_seconds())
    first = int(start.timestamp()) // width
    out = [0] * ((end - start) // BUCKET)
    for key, count in per_bucket.items():
        if 0 <= key - first < len(out):
            out[key - first] = count
    return out


@dataclass(frozen=True)
class Verdict:
    score: float
    point: Point
    last_event: datetime | None
    reason: str


def silence(series: list[int]) -> tuple[int, float]:
    """How many buckets the series has been silent for at its end, and how many events those
    buckets usually hold (the same buckets on the days before; the overall mean without them)."""
    run = 0
    while run < len(series) and series[-1 - run] == 0:
        run += 1
    if run == 0 or run == len(series):
        return run, 0.0
    body = series[: len(series) - run]
    overall = sum(body) / len(body)
    expected = 0.0
    for j in range(len(series) - run, len(series)):
        earlier = [series[k] for k in range(j - DAY, -1, -DAY) if k < len(body)]
        expected += sum(earlier) / len(earlier) if earlier else overall
    return run, expected


def silence_score(expected: float) -> float:
    """The chance of no event when `expected` were due (Poisson), as a score: 1e-6 gives 0.8."""
    level = expected / math.log(10.0)  # -log10 of exp(-expected)
    return level * level / (level * level + 9.0)


def steady(series: list[int]) -> bool:
    """Whether the day before the series' end had events in most of its buckets (the
    silence at the end does not count against it)."""
    run, _ = silence(series)
    history = len(series) - run
    if history < DAY:
        return False  # less than a day of traffic before the silence: nothing to expect
    day = series[history - DAY : history]
    return sum(1 for count in day if count) >= STEADY * DAY


def judge(name: str, series: list[int], *, start: datetime, last_event: datetime | None) -> Verdict:
    """Replay the buckets through a detector; the verdict is that of the last one. A source
    that is not steady is never alerted on (score 0)."""
    detector = Detector()
    point: Point | None = None
    for i, count in enumerate(series):
        point = detector.update(start + i * BUCKET, float(count))
    if point is None:
        raise ValueError("no completed bucket to judge")
    run, expected = silence(series)
    quiet = silence_score(expected) if run else 0.0
    minutes = int(BUCKET.total_seconds() // 60)
    if not steady(series):
        reason = f"{name}: too few events to judge its rate"
        return Verdict(score=0.0, point=point, last_event=last_event, reason=reason)
    if run and expected >= 1.0:
        # A silence is said as one, whichever of the two measures found it.
        since = f" at {last_event:%Y-%m-%d %H:%M} UTC" if last_event else ""
        reason = (
            f"{name}'s events stopped{since}: none for {run * minutes} minutes, "
            f"about {number(expected)} usually come in that time"
        )
        score = max(quiet, point.score)
        return Verdict(score=score, point=point, last_event=last_event, reason=reason)
    usual = ""
    if point.usual is not None:
        low, high = max(point.usual.low, 0.0), point.usual.high
        usual = f", usually {number(low)}-{number(high)}"
    reason = f"{name}: {number(point.value)} events in the last {minutes} minutes{usual}"
    return Verdict(score=point.score, point=point, last_event=last_event, reason=reason)
