"""A hand-built history of incidents, made through the real lifecycle, for the reports.

The range under test is 1-15 March 2026; the previous period is 15 Feb - 1 Mar. New York
springs forward at 07:00 UTC on 8 March, so incident "dst" is acknowledged two hours
later by the wall clock but one hour later in fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import declare, make_service, make_team
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.db.session import Database
from watchkeeper.incidents import links, transitions
from watchkeeper.incidents.schemas import Source
from watchkeeper.incidents.timeline import Actor

ALICE = Actor(None, "alice")
RANGE = ReportRange(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC))
MIN = timedelta(minutes=1)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class History:
    web: int
    db: int
    team: int


def build(database: Database) -> History:
    with database.transaction() as session:
        return _build(session)


def _build(session: Session) -> History:
    team = make_team(session, now=at(1, 1, 0), name="Platform")
    web = make_service(session, now=at(1, 1, 0), name="web")
    db = make_service(session, now=at(1, 1, 0), name="db")
    web.owner_team_id = team.id
    # previous period: one web incident, acknowledged in 10 min, resolved in 2 h
    _story(session, web.id, at(2, 20, 10), ack=10 * MIN, resolve=120 * MIN)
    # web: plain, across the DST change, and with two hours on hold
    _story(session, web.id, at(3, 2, 10), ack=5 * MIN, resolve=60 * MIN)
    _story(session, web.id, at(3, 8, 6, 30), ack=60 * MIN, resolve=120 * MIN, impact=1, urgency=1)
    held = _story(session, web.id, at(3, 10, 10), ack=10 * MIN)
    transitions.hold(session, incident_id=held, actor=ALICE, now=at(3, 10, 10, 20))
    transitions.resume(session, incident_id=held, actor=ALICE, now=at(3, 10, 12, 20))
    transitions.resolve(session, incident_id=held, actor=ALICE, now=at(3, 10, 13, 20))
    # db: from an alert, resolved unacknowledged; a duplicate merged into it; one reopened
    first = _story(session, db.id, at(3, 4, 12), resolve=30 * MIN, source=Source.ALERT)
    duplicate = _story(session, db.id, at(3, 4, 12, 5))
    links.merge(
        session, survivor_id=first, duplicate_ids=[duplicate], actor=ALICE, now=at(3, 4, 13)
    )
    again = _story(session, db.id, at(3, 12, 9), ack=MIN, resolve=60 * MIN)
    transitions.reopen(session, incident_id=again, actor=ALICE, now=at(3, 12, 12))
    transitions.resolve(session, incident_id=again, actor=ALICE, now=at(3, 12, 13))
    # outside the range: after its end
    _story(session, db.id, at(3, 15, 0), ack=MIN)
    return History(web=web.id, db=db.id, team=team.id)


def _story(
    session: Session,
    service_id: int,
    start: datetime,
    *,
    ack: timedelta | None = None,
    resolve: timedelta | None = None,
    source: Source = Source.MANUAL,
    **fields: Any,
) -> int:
    incident = declare(session, now=start, service_id=service_id, source=source, **fields)
    if ack is not None:
        transitions.acknowledge(session, incident_id=incident.id, actor=ALICE, now=start + ack)
    if resolve is not None:
        transitions.resolve(session, incident_id=incident.id, actor=ALICE, now=start + resolve)
    return incident.id
