"""Build the noise report: the noisiest alerts two ways, each with its fixes and its
count in the period before (to see whether a fix worked)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from watchkeeper.analytics.noise import queries
from watchkeeper.analytics.noise.figures import (
    AlertRow,
    IncidentOutcome,
    Key,
    NoiseFigures,
    by_alertname,
    by_fingerprint,
    never_acknowledged,
    no_action,
    quick,
    ranked,
    tally,
)
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
    within = timedelta(minutes=quick_minutes)
    rows = queries.alerts(session, window=window, service_id=service_id)
    before = queries.alerts(session, window=window.previous(), service_id=service_id)
    outcomes = queries.outcomes(session, (r.incident_id for r in rows if r.incident_id))
    windows = queries.group_windows(session, (r.service_id for r in rows))
    days = max(1, math.ceil(window.span / timedelta(days=1)))

    def top(key: Key) -> list[NoisyAlertOut]:
        groups = tally(rows, outcomes, key=key, within=within)
        for row in before:
            if (found := groups.get(key(row))) is not None:
                found.previous_alerts += 1
        chosen = ranked(groups.values(), limit)
        return [_out(g, days, windows.get(g.service_id, DEFAULT_GROUP_WINDOW)) for g in chosen]

    return NoiseReport(
        start=window.start,
        end=window.end,
        quick_minutes=quick_minutes,
        alerts=len(rows),
        quick_resolved=sum(quick(r, within) for r in rows),
        never_acknowledged=_incidents(rows, outcomes, never_acknowledged),
        flapping=sum(r.flapping for r in rows),
        no_action=_incidents(rows, outcomes, no_action),
        by_fingerprint=top(by_fingerprint),
        by_alertname=top(by_alertname),
    )


def _incidents(
    rows: list[AlertRow],
    outcomes: dict[int, IncidentOutcome],
    test: Callable[[IncidentOutcome], bool],
) -> int:
    """Incidents opened or joined by these alerts that pass `test`, each counted once."""
    ids = {r.incident_id for r in rows if r.incident_id is not None}
    return sum(1 for i in ids if i in outcomes and test(outcomes[i]))


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
