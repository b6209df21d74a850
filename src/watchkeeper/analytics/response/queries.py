"""The response figures, each defined once, in one SQL query per grouping:

- TTA: `acknowledged_at - created_at`; none for an incident never acknowledged.
- TTR: `resolved_at - created_at - paused_seconds` (the SLA resolve clock: hold and time
  resolved before a reopen do not count); none while open.
- mean, median (mean of the two middle values when even) and p90 (nearest rank: the
  value at position ceil(0.9 n) in order) of each, per group, ranked in the database.
- MTBF: `(last start - first start) / (count - 1)` per group.
- unacknowledged: resolved with no TTA.

The database sorts and picks the percentiles, so a report over 100,000 incidents moves
a row per group, not a row per incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension, group_columns, join_groups
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.scope import counted
from watchkeeper.analytics.sql import epoch, is_sqlite, seconds_between
from watchkeeper.analytics.stats import EMPTY, Summary
from watchkeeper.incidents.models import Incident

BUCKET_SECONDS = 900  # the day series is summed per quarter hour, then placed in local days


@dataclass(frozen=True)
class GroupFigures:
    key: str
    label: str
    count: int
    acknowledged: int
    resolved: int
    unacknowledged: int
    tta: Summary
    ttr: Summary
    mtbf: float | None


def _timed(session: Session, window: ReportRange, by: Dimension, service_id: int | None) -> Any:
    sqlite = is_sqlite(session)
    key, label = group_columns(by)
    tta = seconds_between(sqlite, Incident.acknowledged_at, Incident.created_at)
    ttr = seconds_between(sqlite, Incident.resolved_at, Incident.created_at) - cast(
        Incident.paused_seconds, Float
    )
    query = join_groups(
        select(
            key.label("k"),
            label.label("l"),
            epoch(sqlite, Incident.created_at).label("t"),
            tta.label("tta"),
            ttr.label("ttr"),
        ).select_from(Incident),
        by,
    ).where(counted(window))
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    return query


def _summary(count: Any, mean: Any, median: Any, p90: Any) -> Summary:
    if not count:
        return EMPTY
    return Summary(int(count), _ms(mean), _ms(median), _ms(p90))


def _ms(value: Any) -> float:
    """Seconds to the millisecond: Julian-day arithmetic leaves float dust below that."""
    return round(float(value), 3)


def group_figures(
    session: Session,
    *,
    window: ReportRange,
    by: Dimension,
    service_id: int | None = None,
    ranked: bool = True,
) -> list[GroupFigures]:
    """Per group; `ranked=False` skips the medians and p90 (none), for the trend base,
    which compares means and counts only."""
    if not ranked:
        return _plain(session, window, by, service_id)
    timed = _timed(session, window, by, service_id).cte("timed")
    last = {"partition_by": timed.c.k}
    ordered = select(
        timed,
        func.row_number().over(**last, order_by=(timed.c.tta.is_(None), timed.c.tta)).label("ra"),
        func.count(timed.c.tta).over(**last).label("na"),
        func.row_number().over(**last, order_by=(timed.c.ttr.is_(None), timed.c.ttr)).label("rr"),
        func.count(timed.c.ttr).over(**last).label("nr"),
    ).cte("ranked")
    r = ordered.c

    def middle(value: Any, rank: Any, n: Any) -> Any:
        return func.avg(case(((rank == (n + 1) // 2) | (rank == n // 2 + 1), value)))

    def p90(value: Any, rank: Any, n: Any) -> Any:
        return func.max(case((rank == (n * 9 + 9) // 10, value)))

    count = func.count()
    query = select(
        r.k,
        func.max(r.l),
        count,
        func.count(r.tta),
        func.avg(r.tta),
        middle(r.tta, r.ra, r.na),
        p90(r.tta, r.ra, r.na),
        func.count(r.ttr),
        func.avg(r.ttr),
        middle(r.ttr, r.rr, r.nr),
        p90(r.ttr, r.rr, r.nr),
        func.sum(cast((r.tta.is_(None)) & (r.ttr.is_not(None)), Integer)),
        case((count > 1, (func.max(r.t) - func.min(r.t)) / (count - 1))),
    ).group_by(r.k)
    out = []
    for row in session.execute(query):
        (key, label, n, na, ma, mda, pa, nr, mr, mdr, pr, unacked, mtbf) = row  # fmt: skip
        out.append(
            GroupFigures(
                key=key if key is not None else "",
                label=label,
                count=int(n),
                acknowledged=int(na),
                resolved=int(nr),
                unacknowledged=int(unacked or 0),
                tta=_summary(na, ma, mda, pa),
                ttr=_summary(nr, mr, mdr, pr),
                mtbf=_ms(mtbf) if mtbf is not None else None,
            )
        )
    return out


def _plain(
    session: Session, window: ReportRange, by: Dimension, service_id: int | None
) -> list[GroupFigures]:
    t = _timed(session, window, by, service_id).subquery("timed").c
    count = func.count()
    query = select(
        t.k,
        func.max(t.l),
        count,
        func.count(t.tta),
        func.avg(t.tta),
        func.count(t.ttr),
        func.avg(t.ttr),
        func.sum(cast((t.tta.is_(None)) & (t.ttr.is_not(None)), Integer)),
        case((count > 1, (func.max(t.t) - func.min(t.t)) / (count - 1))),
    ).group_by(t.k)
    out = []
    for key, label, n, na, ma, nr, mr, unacked, mtbf in session.execute(query):
        out.append(
            GroupFigures(
                key=key if key is not None else "",
                label=label,
                count=int(n),
                acknowledged=int(na),
                resolved=int(nr),
                unacknowledged=int(unacked or 0),
                tta=Summary(int(na), _ms(ma), None, None) if na else EMPTY,
                ttr=Summary(int(nr), _ms(mr), None, None) if nr else EMPTY,
                mtbf=_ms(mtbf) if mtbf is not None else None,
            )
        )
    return out


@dataclass(frozen=True)
class Bucket:
    start: float  # epoch seconds of a quarter hour
    count: int
    tta_sum: float
    acknowledged: int
    ttr_sum: float
    resolved: int


def buckets(
    session: Session, *, window: ReportRange, service_id: int | None = None
) -> list[Bucket]:
    timed = _timed(session, window, Dimension.ALL, service_id).cte("timed")
    slot = cast(func.floor(timed.c.t / BUCKET_SECONDS), Integer)
    query = select(
        slot,
        func.count(),
        func.coalesce(func.sum(timed.c.tta), 0.0),
        func.count(timed.c.tta),
        func.coalesce(func.sum(timed.c.ttr), 0.0),
        func.count(timed.c.ttr),
    ).group_by(slot)
    return [
        Bucket(float(s) * BUCKET_SECONDS, int(n), float(a), int(na), float(r), int(nr))
        for s, n, a, na, r, nr in session.execute(query)
    ]
