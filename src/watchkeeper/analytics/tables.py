"""Reports as flat tables: the CSV export, the CLI table and the page's table beside each
plot all show the same columns, in the same order."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: list[list[Any]]


def to_csv(table: Table) -> str:
    """RFC 4180 CSV with a header row; empty cells for missing values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_cell(value) for value in row] for row in table.rows)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # a spreadsheet must not run a name as a formula
    return value


def rows(items: Iterable[Sequence[Any]]) -> list[list[Any]]:
    return [list(item) for item in items]
