"""Watchkeeper's anomaly detector on the Numenta Anomaly Benchmark, beside NAB's baselines.

Reads NAB's files from the shared data folder at run time (never copied into the project),
streams every file through each detector one point at a time, scores the result with NAB's
rules (bench/nab_scoring.py) and prints, per detector, the normalised score of each profile
and the time taken. Sanity rows: `null` (never fires) must score 0 and `perfect` (fires at
each window's first scored row, from the labels) 100; `windowed-gaussian` is NAB's
weakest classic detector (39.6 on the full corpus).

Usage: python bench/nab.py [--data DIR] [--detectors watchkeeper,windowed-gaussian,null,perfect]
                           [--per-file]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np

from bench.nab_scoring import FloatArray, Layout, Profile, layout, probation_length, score_corpus
from watchkeeper.monitoring.anomaly.detector import Detector

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "nab"

Series = tuple[list[datetime], FloatArray]
Run = Callable[[Series, Layout], FloatArray]


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def load(data: Path) -> tuple[dict[str, Series], dict[str, Layout], list[Profile]]:
    windows = json.loads((data / "combined_windows.json").read_text())
    series: dict[str, Series] = {}
    layouts: dict[str, Layout] = {}
    for name in sorted(windows):
        path = data / "data" / name
        if not path.exists():
            continue
        with path.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        stamps = [_parse(row["timestamp"]) for row in rows]
        values = np.array([float(row["value"]) for row in rows])
        index = {stamp: i for i, stamp in enumerate(stamps)}
        bounds = [(index[_parse(a)], index[_parse(b)]) for a, b in windows[name]]
        series[name] = (stamps, values)
        layouts[name] = layout(len(rows), bounds)
    profiles = [
        Profile(
            name,
            p["CostMatrix"]["tpWeight"],
            p["CostMatrix"]["fnWeight"],
            p["CostMatrix"]["fpWeight"],
        )
        for name, p in json.loads((data / "profiles.json").read_text()).items()
    ]
    return series, layouts, profiles


def run_watchkeeper(series: Series, where: Layout) -> FloatArray:
    detector = Detector()
    stamps, values = series
    return np.array(
        [detector.update(t, float(v)).score for t, v in zip(stamps, values, strict=True)]
    )


def _tail(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def run_windowed_gaussian(series: Series, where: Layout) -> FloatArray:
    """NAB's windowedGaussian: the Gaussian tail of each value against the previous up to 6,400
    values, the window's mean and spread refreshed every 100 values once it is full."""
    size, step = 6400, 100
    _, values = series
    out = np.zeros(len(values))
    window: list[float] = []
    pending: list[float] = []
    mean, std = 0.0, 1.0
    total = squares = 0.0
    for i, value in enumerate(values):
        if window:
            out[i] = 1.0 - _tail(abs(value - mean) / std)
        if len(window) < size:
            # While the window fills, running sums give its mean and spread in O(1).
            window.append(float(value))
            total += value
            squares += value * value
            mean = total / len(window)
            std = math.sqrt(max(squares / len(window) - mean * mean, 0.0)) or 1e-6
        else:
            pending.append(float(value))
            if len(pending) == step:
                window = window[step:] + pending
                pending = []
                mean, std = float(np.mean(window)), float(np.std(window)) or 1e-6
    return out


def run_null(series: Series, where: Layout) -> FloatArray:
    return np.zeros(len(series[1]))


def run_perfect(series: Series, where: Layout) -> FloatArray:
    """Reads the labels: one detection at each window's first scored row (sanity check only)."""
    out = np.zeros(len(series[1]))
    first = math.ceil(probation_length(len(out)))
    seen: set[int] = set()
    for i in range(first, len(out)):
        w = int(where.window[i])
        if w >= 0 and w not in seen:
            seen.add(w)
            out[i] = 1.0
    return out


DETECTORS: dict[str, Run] = {
    "watchkeeper": run_watchkeeper,
    "windowed-gaussian": run_windowed_gaussian,
    "null": run_null,
    "perfect": run_perfect,
}


def _runs(names: list[str]) -> Iterator[tuple[str, Run]]:
    for name in names:
        if name not in DETECTORS:
            sys.exit(f"unknown detector {name!r}; known: {', '.join(DETECTORS)}")
        yield name, DETECTORS[name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--detectors", default="watchkeeper,windowed-gaussian,null,perfect")
    parser.add_argument("--per-file", action="store_true", help="standard-profile score per file")
    args = parser.parse_args()
    series, layouts, profiles = load(args.data)
    windows = sum(w.windows for w in layouts.values())
    rows = sum(len(s[1]) for s in series.values())
    print(f"NAB: {len(series)} files, {rows:,} rows, {windows} windows ({args.data})")
    nulls = {
        p.name: score_corpus(run_all(run_null, series, layouts)[0], layouts, p).raw
        for p in profiles
    }
    header = f"{'detector':<20}" + "".join(f"{p.name:>20}" for p in profiles) + f"{'seconds':>10}"
    print(header)
    for name, run in _runs(args.detectors.split(",")):
        scores, seconds = run_all(run, series, layouts)
        results = [score_corpus(scores, layouts, p, null_raw=nulls[p.name]) for p in profiles]
        cells = "".join(f"{r.normalised:>20.1f}" for r in results)
        print(f"{name:<20}{cells}{seconds:>10.1f}", flush=True)
        if args.per_file:
            standard = results[0]
            print(f"  threshold {standard.threshold:.6f}")
            for file, value in sorted(standard.per_file.items()):
                print(f"  {value:>8.3f}  {layouts[file].windows}  {file}")


def run_all(
    run: Run, series: dict[str, Series], layouts: dict[str, Layout]
) -> tuple[dict[str, FloatArray], float]:
    started = time.perf_counter()
    scores = {name: run(s, layouts[name]) for name, s in series.items()}
    return scores, time.perf_counter() - started


if __name__ == "__main__":
    main()
