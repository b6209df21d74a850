"""The response report on a hand-built history, on both databases."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tests.analytics.history import RANGE, build
from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.response.schemas import GroupOut, ResponseReport
from watchkeeper.analytics.response.service import report
from watchkeeper.db.session import Database

NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600.0


def _report(db: Database, by: Dimension) -> ResponseReport:
    build(db)
    with db.transaction(write=False) as session:
        return report(session, window=RANGE, by=by, zone=NEW_YORK)


def _group(result: ResponseReport, label: str) -> GroupOut:
    return next(group for group in result.groups if group.label == label)


def test_mtta_and_mttr_per_service_count_real_elapsed_time_without_hold(db: Database) -> None:
    web = _group(_report(db, Dimension.SERVICE), "web")
    assert web.count == 3
    # 5 min, 1 h across the DST change (2 h by the wall clock), 10 min
    assert web.mtta.model_dump() == {"count": 3, "mean": 1500.0, "median": 600.0, "p90": HOUR}
    # 1 h, 2 h, and 3 h 20 min less 2 h on hold
    assert web.mttr.model_dump() == {"count": 3, "mean": 5200.0, "median": 4800.0, "p90": 2 * HOUR}


def test_mtbf_is_the_mean_gap_between_incident_starts(db: Database) -> None:
    web = _group(_report(db, Dimension.SERVICE), "web")
    # 2 Mar 10:00 to 10 Mar 10:00 over two gaps
    assert web.mtbf_seconds == 4 * 24 * HOUR


def test_merged_duplicates_and_later_incidents_are_left_out(db: Database) -> None:
    result = _report(db, Dimension.SERVICE)
    database = _group(result, "db")
    assert database.count == 2
    assert result.total.count == 5


def test_resolved_without_acknowledgement_has_no_tta(db: Database) -> None:
    database = _group(_report(db, Dimension.SERVICE), "db")
    assert (database.acknowledged, database.unacknowledged) == (1, 1)
    assert database.mtta.mean == 60.0


def test_time_resolved_before_a_reopen_does_not_count(db: Database) -> None:
    database = _group(_report(db, Dimension.SERVICE), "db")
    # 30 min; and 4 h less the 2 h it rested resolved before the reopen
    assert sorted([database.mttr.median or 0, database.mttr.mean or 0]) == [4500.0, 4500.0]
    assert database.mttr.p90 == 2 * HOUR


def test_trend_compares_with_the_period_before(db: Database) -> None:
    web = _group(_report(db, Dimension.SERVICE), "web")
    assert web.count_trend.model_dump() == {"previous": 1.0, "direction": "up", "percent": 200.0}
    assert web.mtta_trend.model_dump() == {"previous": 600.0, "direction": "up", "percent": 150.0}
    database = _group(_report_again(db), "db")
    assert database.count_trend.direction == "new"


def _report_again(db: Database) -> ResponseReport:
    with db.transaction(write=False) as session:
        return report(session, window=RANGE, by=Dimension.SERVICE, zone=NEW_YORK)


@pytest.mark.parametrize(
    ("by", "counts"),
    [
        (Dimension.TEAM, {"Platform": 3, "(none)": 2}),
        (Dimension.SOURCE, {"by hand": 4, "alerts": 1}),
        (Dimension.PRIORITY, {"P1": 1, "P5": 4}),
        (Dimension.CATEGORY, {"(none)": 5}),
    ],
)
def test_groups_by_each_dimension(db: Database, by: Dimension, counts: dict[str, int]) -> None:
    result = _report(db, by)
    assert {group.label: group.count for group in result.groups} == counts


def test_days_are_the_viewers_calendar_days_across_dst(db: Database) -> None:
    days = {d.day.isoformat(): d.count for d in _report(db, Dimension.ALL).days}
    assert days == {
        "2026-03-02": 1,
        "2026-03-04": 1,
        "2026-03-08": 1,  # 01:30 EST, before the clocks went forward
        "2026-03-10": 1,
        "2026-03-12": 1,
    }
