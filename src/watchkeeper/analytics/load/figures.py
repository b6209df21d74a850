"""On-call load figures, pure functions of page times in each person's own time zone.

Night is 22:00-08:00 local time (sleep hours); a night belongs to the evening it starts,
so pages at 23:00 Monday and 03:00 Tuesday interrupt one night, Monday's. Weekend is
Saturday and Sunday, local.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

NIGHT_STARTS, NIGHT_ENDS = time(22), time(8)
SATURDAY = 5


@dataclass(frozen=True, slots=True)
class PageRow:
    user_id: int
    user: str
    zone: str
    team_id: int | None
    team: str
    at: datetime


def local(at: datetime, zone: str) -> datetime:
    try:
        return at.astimezone(ZoneInfo(zone))
    except (KeyError, ValueError):
        return at  # a zone that no longer exists: UTC rather than nothing


def night_of(at: datetime, zone: str) -> date | None:
    """The evening date of the night `at` falls in, or None in the daytime."""
    moment = local(at, zone)
    if moment.time() >= NIGHT_STARTS:
        return moment.date()
    if moment.time() < NIGHT_ENDS:
        return moment.date() - timedelta(days=1)
    return None


def weekend(at: datetime, zone: str) -> bool:
    return local(at, zone).weekday() >= SATURDAY


def hour_of_week(at: datetime, zone: str) -> int:
    """0 = Monday 00:00-01:00 local ... 167 = Sunday 23:00-24:00."""
    moment = local(at, zone)
    return moment.weekday() * 24 + moment.hour


@dataclass
class PersonLoad:
    user_id: int
    name: str
    zone: str
    pages: int = 0
    night: int = 0
    weekend: int = 0
    nights: set[date] = field(default_factory=set)

    @property
    def interrupted_nights(self) -> int:
        return len(self.nights)


@dataclass
class TeamLoad:
    team_id: int | None
    name: str
    pages: int = 0
    night: int = 0
    weekend: int = 0
    people: set[int] = field(default_factory=set)


def per_person(rows: Iterable[PageRow]) -> list[PersonLoad]:
    people: dict[int, PersonLoad] = {}
    for row in rows:
        person = people.get(row.user_id)
        if person is None:
            person = people[row.user_id] = PersonLoad(row.user_id, row.user, row.zone)
        person.pages += 1
        night = night_of(row.at, row.zone)
        if night is not None:
            person.night += 1
            person.nights.add(night)
        person.weekend += weekend(row.at, row.zone)
    return sorted(people.values(), key=lambda p: (-p.pages, p.name))


def per_team(rows: Iterable[PageRow]) -> list[TeamLoad]:
    """Pages by the team that owns the paging incident's service."""
    teams: dict[int | None, TeamLoad] = {}
    for row in rows:
        team = teams.get(row.team_id)
        if team is None:
            team = teams[row.team_id] = TeamLoad(row.team_id, row.team)
        team.pages += 1
        team.night += night_of(row.at, row.zone) is not None
        team.weekend += weekend(row.at, row.zone)
        team.people.add(row.user_id)
    return sorted(teams.values(), key=lambda t: (-t.pages, t.name))


def heat_map(rows: Iterable[PageRow]) -> list[int]:
    """168 counts: pages per hour of the week, each in the paged person's own zone."""
    cells = [0] * 168
    for row in rows:
        cells[hour_of_week(row.at, row.zone)] += 1
    return cells


def fairness(loads: Iterable[float]) -> float | None:
    """Lowest load over highest among a rotation's people: 1.0 even, 0.0 one takes all;
    None when nobody had any."""
    values = list(loads)
    if not values or max(values) == 0:
        return None
    return round(min(values) / max(values), 2)
