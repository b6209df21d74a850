"""On-call load figures, pure functions of page times in each person's own time zone.

Night is 22:00-08:00 local time (sleep hours); a night belongs to the evening it starts,
so pages at 23:00 Monday and 03:00 Tuesday interrupt one night, Monday's. Weekend is
Saturday and Sunday, local. The pages come summed per person, team and minute (one
GROUP BY), and each UTC hour's local meaning is computed once per zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

NIGHT_STARTS, NIGHT_ENDS = time(22), time(8)
SATURDAY = 5


@dataclass(frozen=True, slots=True)
class PageRow:
    """Pages of one person for one team's service in one minute (`minute`: since 1970)."""

    user_id: int
    user: str
    zone: str
    team_id: int | None
    team: str
    minute: int
    count: int = 1

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.minute * 60, UTC)


@dataclass(frozen=True, slots=True)
class Local:
    """Where a UTC hour falls for a person: weekday, hour, and the night it belongs to."""

    weekday: int
    hour: int
    night: date | None


@lru_cache(maxsize=65536)
def local_hour(zone: str, hour: int) -> Local:
    """The local weekday and hour of the UTC hour `hour` (since 1970) in `zone`. Offsets
    change on whole UTC hours in every zone in use, so one answer serves the whole hour."""
    moment = local(datetime.fromtimestamp(hour * 3600, UTC), zone)
    return Local(moment.weekday(), moment.hour, _night(moment))


def _night(moment: datetime) -> date | None:
    if moment.time() >= NIGHT_STARTS:
        return moment.date()
    if moment.time() < NIGHT_ENDS:
        return moment.date() - timedelta(days=1)
    return None


def local(at: datetime, zone: str) -> datetime:
    try:
        return at.astimezone(ZoneInfo(zone))
    except (KeyError, ValueError):
        return at  # a zone that no longer exists: UTC rather than nothing


def night_of(at: datetime, zone: str) -> date | None:
    """The evening date of the night `at` falls in, or None in the daytime."""
    return _night(local(at, zone))


def _where(row: PageRow) -> Local:
    return local_hour(row.zone, row.minute // 60)


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
        where = _where(row)
        person.pages += row.count
        if where.night is not None:
            person.night += row.count
            person.nights.add(where.night)
        if where.weekday >= SATURDAY:
            person.weekend += row.count
    return sorted(people.values(), key=lambda p: (-p.pages, p.name))


def per_team(rows: Iterable[PageRow]) -> list[TeamLoad]:
    """Pages by the team that owns the paging incident's service."""
    teams: dict[int | None, TeamLoad] = {}
    for row in rows:
        team = teams.get(row.team_id)
        if team is None:
            team = teams[row.team_id] = TeamLoad(row.team_id, row.team)
        where = _where(row)
        team.pages += row.count
        team.night += row.count if where.night is not None else 0
        team.weekend += row.count if where.weekday >= SATURDAY else 0
        team.people.add(row.user_id)
    return sorted(teams.values(), key=lambda t: (-t.pages, t.name))


def heat_map(rows: Iterable[PageRow]) -> list[int]:
    """168 counts: pages per hour of the week, each in the paged person's own zone."""
    cells = [0] * 168
    for row in rows:
        where = _where(row)
        cells[where.weekday * 24 + where.hour] += row.count
    return cells


def fairness(loads: Iterable[float]) -> float | None:
    """Lowest load over highest among a rotation's people: 1.0 even, 0.0 one takes all;
    None when nobody had any."""
    values = list(loads)
    if not values or max(values) == 0:
        return None
    return round(min(values) / max(values), 2)
