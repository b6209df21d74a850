"""`watchkeeper anomaly score`: a backtest that keeps the input's rows and says what is wrong."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from watchkeeper.cli.main import app


def history(n: int, spike_at: int) -> list[tuple[str, str]]:
    rng = random.Random(5)
    start = datetime(2026, 3, 2, tzinfo=UTC)
    rows = []
    for i in range(n):
        value = 900.0 if i == spike_at else 150.0 + rng.gauss(0.0, 10.0)
        # Mixed forms on purpose: the output must repeat each timestamp exactly as given.
        stamp = start + i * timedelta(minutes=5)
        text = stamp.isoformat() if i % 2 else stamp.strftime("%Y-%m-%d %H:%M:%S")
        rows.append((text, f"{value:.2f}"))
    return rows


def write(path: Path, rows: list[tuple[str, str]], header: str = "timestamp,value") -> Path:
    path.write_text(header + "\n" + "".join(f"{t},{v}\n" for t, v in rows))
    return path


def test_scores_every_row_in_order_with_the_input_unchanged(tmp_path: Path) -> None:
    rows = history(800, spike_at=700)
    result = CliRunner().invoke(app, ["anomaly", "score", str(write(tmp_path / "in.csv", rows))])
    assert result.exit_code == 0, result.stderr
    out = list(csv.reader(io.StringIO(result.stdout)))
    assert out[0] == ["timestamp", "value", "anomaly_score"]
    assert [(t, v) for t, v, _ in out[1:]] == rows
    scores = [float(s) for _, _, s in out[1:]]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores.index(max(scores)) == 700


def test_explain_adds_a_reason_and_output_goes_to_a_file(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", history(800, spike_at=700))
    target = tmp_path / "out.csv"
    args = ["anomaly", "score", str(source), "-o", str(target), "--explain", "--name", "latency"]
    result = CliRunner().invoke(app, [*args, "--unit", "ms"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == 800
    assert rows[700]["reason"].startswith("latency 900 ms, usually ")


def test_a_bad_row_stops_with_its_line_number(tmp_path: Path) -> None:
    rows = [*history(10, spike_at=-1), ("2026-03-02 01:00:00", "fast")]
    result = CliRunner().invoke(app, ["anomaly", "score", str(write(tmp_path / "in.csv", rows))])
    assert result.exit_code == 1
    assert "line 12: 'fast' is not a number" in result.stderr
    assert len(result.stdout.splitlines()) == 11  # header and the ten good rows


def test_a_file_without_the_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", history(3, spike_at=-1), header="time,latency")
    result = CliRunner().invoke(app, ["anomaly", "score", str(path)])
    assert result.exit_code == 1
    assert "line 1: the header must name the columns timestamp and value" in result.stderr


def test_reads_standard_input() -> None:
    text = "timestamp,value\n1767225600,1\n1767225660,2\n"
    result = CliRunner().invoke(app, ["anomaly", "score", "-"], input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["1767225600,1,0.000000", "1767225660,2,0.000000"]
