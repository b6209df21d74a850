"""Build the noise report: the noisiest alerts two ways, each with its fixes and its
count in the period before (to see whether a fix worked)."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.orm import Session

from watchkeeper.analytics.noise import queries
from watchkeeper.analytics.noise.figures import NoiseFigures
from watchkeeper.analytics.noise.fixes import fixes
from watchkeeper.analytics.noise.schemas import FixOut, NoiseReport, NoisyAlertOut
from watchkeeper.analytics.ranges import ReportRange

TOP = 20
DEFAULT_GROUP_WINDOW = 60


def report(
    session: Session,
    *,
    window: ReportRange,
    quick_minutes: int = 5,
    service_id: int | None = None,
    limit: int = TOP,
) -> NoiseReport:
    quick = quick_minutes * 60
    days = max(1, math.ceil(window.span / timedelta(days=1)))

    def top(by_name: bool) -> list[NoiseFigures]:
        found = queries.noisiest(
            session,
            window=window,
            service_id=service_id,
            by_name=by_name,
            quick_seconds=quick,
            limit=limit,
        )
        queries.previous_alerts(session, window=window.previous(), found=found, by_name=by_name)
        return found

    by_fingerprint, by_alertname = top(False), top(True)
    windows = queries.group_windows(
        session, sorted({f.service_id for f in by_fingerprint + by_alertname})
    )
    total = queries.totals(session, window=window, service_id=service_id, quick_seconds=quick)

    def out(found: list[NoiseFigures]) -> list[NoisyAlertOut]:
        return [_out(f, days, windows.get(f.service_id, DEFAULT_GROUP_WINDOW)) for f in found]

    return NoiseReport(
        start=window.start,
        end=window.end,
        quick_minutes=quick_minutes,
        alerts=total.alerts,
        quick_resolved=total.quick_resolved,
        never_acknowledged=total.never_acknowledged,
        flapping=total.flapping,
        no_action=total.no_action,
        by_fingerprint=out(by_fingerprint),
        by_alertname=out(by_alertname),
    )


def _out(group: NoiseFigures, days: int, group_window: int) -> NoisyAlertOut:
    return NoisyAlertOut(
        service_id=group.service_id,
        service=group.service,
        name=group.name,
        fingerprint=group.fingerprint,
        alerts=group.alerts,
        events=group.events,
        incidents=group.incidents,
        pages=group.pages,
        quick_resolved=group.quick_resolved,
        never_acknowledged=group.never_acknowledged,
        flapping=group.flapping,
        suppressed=group.suppressed,
        no_action=group.no_action,
        previous_alerts=group.previous_alerts,
        fixes=[
            FixOut(kind=f.kind, label=f.label, url=f.url)
            for f in fixes(group, days=days, group_window_minutes=group_window)
        ],
    )
