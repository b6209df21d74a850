"""The pure rules: which status wins, the page indicator, and the daily bars (local days,
daylight-saving days included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchkeeper.response.statuspage.status import (
    DayGrid,
    Period,
    effective,
    indicator,
    uptime,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_hand_set_status_wins_over_everything() -> None:
    found = effective(
        manual="operational",
        priorities=[1],
        priority_status={},
        declared=["major_outage"],
        in_maintenance=True,
    )
    assert found == "operational"


def test_an_outage_shows_over_maintenance_and_maintenance_over_calm() -> None:
    def status(priorities: list[int], in_maintenance: bool) -> str:
        return effective(
            manual=None,
            priorities=priorities,
            priority_status={},
            declared=[],
            in_maintenance=in_maintenance,
        )

    assert status([2], True) == "partial_outage"
    assert status([5], True) == "under_maintenance"
    assert status([], False) == "operational"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["operational"], ("none", "All Systems Operational")),
        (["operational", "under_maintenance"], ("none", "Service Under Maintenance")),
        (["degraded_performance"], ("minor", "Minor Service Outage")),
        (["partial_outage", "degraded_performance"], ("major", "Partial System Outage")),
        (["major_outage", "partial_outage"], ("critical", "Major System Outage")),
    ],
)
def test_the_page_indicator_follows_the_worst_component(
    statuses: list[str], expected: tuple[str, str]
) -> None:
    found = indicator(statuses)
    assert (found.indicator, found.description) == expected


def test_a_partial_outage_counts_as_thirty_percent_downtime() -> None:
    now = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    created = now - timedelta(days=10)
    outage = Period.between("partial_outage", now - timedelta(hours=2), now - timedelta(hours=1))
    grid = DayGrid.of(now=now, zone=ZoneInfo("UTC"), days=90)

    found = uptime([outage], grid=grid, since=created)

    assert found.days[-1].down_minutes == pytest.approx(18)
    assert found.days[-1].worst == "partial_outage"
    assert found.percent == pytest.approx(100 * (1 - 18 / (10 * 24 * 60)))
    assert not found.days[0].known
    assert found.days[-11].known


def test_an_outage_across_local_midnight_is_split_between_the_two_days() -> None:
    # 23:30 to 00:30 Berlin time (summer: UTC+2) is 21:30 to 22:30 UTC.
    now = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    outage = Period.between(
        "major_outage",
        datetime(2026, 6, 8, 21, 30, tzinfo=UTC),
        datetime(2026, 6, 8, 22, 30, tzinfo=UTC),
    )
    grid = DayGrid.of(now=now, zone=BERLIN, days=5)

    found = uptime([outage], grid=grid, since=now - timedelta(days=30))

    by_day = {day.day.isoformat(): day.down_minutes for day in found.days}
    assert by_day["2026-06-08"] == pytest.approx(30)
    assert by_day["2026-06-09"] == pytest.approx(30)


def test_the_day_clocks_change_has_its_own_length() -> None:
    # 2026-03-29 in Berlin has 23 hours: a whole-day outage is 23 h of downtime.
    now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    start = datetime(2026, 3, 29, 0, 0, tzinfo=BERLIN).astimezone(UTC)
    outage = Period.between("major_outage", start, start + timedelta(hours=23))
    grid = DayGrid.of(now=now, zone=BERLIN, days=3)

    found = uptime([outage], grid=grid, since=now - timedelta(days=30))

    assert found.days[1].day.isoformat() == "2026-03-29"
    assert found.days[1].down_minutes == pytest.approx(23 * 60)
    assert found.days[2].down_minutes == 0


def test_an_open_period_counts_up_to_now() -> None:
    now = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    ongoing = Period.between("major_outage", now - timedelta(minutes=45), None)
    grid = DayGrid.of(now=now, zone=ZoneInfo("UTC"), days=90)

    found = uptime([ongoing], grid=grid, since=now - timedelta(days=1))

    assert found.days[-1].down_minutes == pytest.approx(45)
