"""The noise report as a flat table: one row per noisy alert, both lists."""

from __future__ import annotations

from watchkeeper.analytics.noise.schemas import NoiseReport, NoisyAlertOut
from watchkeeper.analytics.tables import Table

COLUMNS = (
    "list",
    "service",
    "alert",
    "fingerprint",
    "alerts",
    "events",
    "incidents",
    "pages",
    "quick_resolved",
    "never_acknowledged",
    "flapping",
    "suppressed",
    "no_action",
    "previous_alerts",
)


def _row(kind: str, a: NoisyAlertOut) -> list[object]:
    return [
        kind,
        a.service,
        a.name,
        a.fingerprint,
        a.alerts,
        a.events,
        a.incidents,
        a.pages,
        a.quick_resolved,
        a.never_acknowledged,
        a.flapping,
        a.suppressed,
        a.no_action,
        a.previous_alerts,
    ]


def table(report: NoiseReport) -> Table:
    rows = [_row("fingerprint", a) for a in report.by_fingerprint]
    rows += [_row("alertname", a) for a in report.by_alertname]
    return Table(COLUMNS, rows)
