"""NAB's published scoring rules, vectorised: sweep scores, per-profile threshold, normalisation.

Written from the rules in "Evaluating Real-time Anomaly Detection Algorithms: the Numenta
Anomaly Benchmark" (arXiv 1510.03336) and NAB's wiki:

- the first 15 % of each file (at most 750 rows) is probationary and not scored;
- a detection inside a window earns the scaled sigmoid of its relative position there
  (only the best, i.e. the earliest, detection of a window counts; the window's left edge
  earns the full true-positive weight); a window without a detection costs the
  false-negative weight;
- a detection outside every window costs the false-positive weight, scaled by the same
  sigmoid of its distance past the preceding window (relative to that window's width), and
  the full weight when no window precedes it;
- one threshold per profile, chosen to maximise the score summed over the whole corpus
  (NAB searches it locally; here every distinct score is tried, so the optimum is exact);
- normalised so that the null detector scores 0 and a perfect one 100 (the true-positive
  weight times the number of windows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PROBATION_PERCENT = 0.15
PROBATION_CAP_ROWS = 5000


@dataclass(frozen=True)
class Profile:
    name: str
    tp: float
    fn: float
    fp: float


def scaled_sigmoid(position: float) -> float:
    """1 at a window's left edge (-1), 0 at its right edge, towards -1 well after it."""
    if position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


MAX_TP = scaled_sigmoid(-1.0)


def probation_length(rows: int) -> float:
    return min(math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * PROBATION_CAP_ROWS)


@dataclass(frozen=True)
class Layout:
    """Where a file's windows are: per scorable row, its window (-1: none) and raw weights.

    `tp_unit` is the unweighted score of a row inside a window (times the profile's tp weight
    over MAX_TP gives its sweep score); `fp_unit` that of a row outside (times the fp weight).
    """

    scorable: npt.NDArray[np.bool_]
    window: IntArray
    unit: FloatArray
    windows: int


def layout(rows: int, windows: list[tuple[int, int]]) -> Layout:
    window = np.full(rows, -1, dtype=np.int64)
    unit = np.empty(rows, dtype=np.float64)
    prev_end: int | None = None
    prev_width = 0.0
    bounds = sorted(windows)
    w = 0
    i = 0
    while i < rows:
        if w < len(bounds) and i == bounds[w][0]:
            start, end = bounds[w]
            width = float(end - start + 1)
            for j in range(start, end + 1):
                window[j] = w
                unit[j] = scaled_sigmoid(-(end - j + 1) / width)
            prev_end, prev_width = end, width
            w += 1
            i = end + 1
            continue
        position = 3.0 if prev_end is None else abs(prev_end - i) / (prev_width - 1.0)
        unit[i] = scaled_sigmoid(position)
        i += 1
    scorable = np.arange(rows) >= probation_length(rows)
    return Layout(scorable=scorable, window=window, unit=unit, windows=len(bounds))


@dataclass(frozen=True)
class FileCurve:
    """A file's score as a function of the threshold: ascending scores and the total after
    the c highest-scored rows are detections (`totals[c]`, c = 0 .. rows)."""

    ascending: FloatArray
    totals: FloatArray

    def at(self, thresholds: FloatArray) -> FloatArray:
        detected = len(self.ascending) - np.searchsorted(self.ascending, thresholds, side="left")
        return self.totals[detected]


def curve(scores: FloatArray, where: Layout, profile: Profile) -> FileCurve:
    keep = where.scorable
    s = scores[keep]
    win = where.window[keep]
    unit = where.unit[keep]
    sweep = np.where(win >= 0, unit * profile.tp / MAX_TP, unit * profile.fp)
    order = np.argsort(-s, kind="stable")
    win_sorted = win[order]
    sweep_sorted = sweep[order]
    fp_part = np.cumsum(np.where(win_sorted < 0, sweep_sorted, 0.0))
    total = fp_part.copy()
    missed = 0
    for w in range(where.windows):
        mine = win_sorted == w
        if not mine.any():
            continue  # a window wholly in the probationary period is not scored
        missed += 1
        best = np.maximum.accumulate(np.where(mine, sweep_sorted, -np.inf))
        total += np.maximum(best, -profile.fn)
    totals = np.concatenate(([-profile.fn * missed], total))
    return FileCurve(ascending=np.sort(s), totals=totals)


@dataclass(frozen=True)
class CorpusScore:
    profile: str
    threshold: float
    raw: float
    normalised: float
    per_file: dict[str, float]


def score_corpus(
    scores: dict[str, FloatArray],
    layouts: dict[str, Layout],
    profile: Profile,
    null_raw: float | None = None,
) -> CorpusScore:
    """Best corpus score over every distinct threshold, normalised against null and perfect."""
    curves = {name: curve(scores[name], layouts[name], profile) for name in scores}
    candidates = np.unique(np.concatenate([c.ascending for c in curves.values()] + [[1.1]]))
    summed = np.zeros(len(candidates))
    for c in curves.values():
        summed += c.at(candidates)
    best = int(np.argmax(summed))
    threshold = float(candidates[best])
    windows = sum(layouts[name].windows for name in scores)
    perfect = profile.tp * windows
    null = -profile.fn * windows if null_raw is None else null_raw
    raw = float(summed[best])
    per_file = {name: float(c.at(np.array([threshold]))[0]) for name, c in curves.items()}
    return CorpusScore(
        profile=profile.name,
        threshold=threshold,
        raw=raw,
        normalised=100.0 * (raw - null) / (perfect - null),
        per_file=per_file,
    )
