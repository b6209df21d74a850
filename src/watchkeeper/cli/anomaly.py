"""`watchkeeper anomaly score`: backtest the anomaly detector on a series' history (CSV)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from watchkeeper.cli.common import friendly
from watchkeeper.monitoring.anomaly.backtest import score_rows
from watchkeeper.monitoring.anomaly.explain import reason

app = typer.Typer(help="Streaming anomaly detection on numeric series.", no_args_is_help=True)


def _write(source: TextIO, out: TextIO, explain: bool, name: str, unit: str) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["timestamp", "value", "anomaly_score"] + (["reason"] if explain else []))
    for scored in score_rows(csv.reader(source)):
        row = [scored.timestamp, scored.value, f"{scored.point.score:.6f}"]
        if explain:
            row.append(reason(scored.point, name=name, unit=unit))
        writer.writerow(row)


@app.command("score")
@friendly
def score(
    file: Annotated[
        Path, typer.Argument(help="CSV with a header line timestamp,value; - reads stdin")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add a reason column: the value and its usual range")
    ] = False,
    name: Annotated[str, typer.Option(help="What the series measures, for --explain")] = "value",
    unit: Annotated[str, typer.Option(help="Its unit, for --explain (e.g. ms)")] = "",
) -> None:
    """Score every row one at a time, as the live detector would (no look-ahead).

    Writes timestamp,value,anomaly_score with a header, one row per input row in order, the
    input's timestamps and values unchanged; scores are in [0, 1].
    """
    try:
        source = sys.stdin if str(file) == "-" else file.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc.strerror}") from None
    try:
        if output is None:
            _write(source, sys.stdout, explain, name, unit)
        else:
            with output.open("w", newline="", encoding="utf-8") as out:
                _write(source, out, explain, name, unit)
    finally:
        if source is not sys.stdin:
            source.close()
