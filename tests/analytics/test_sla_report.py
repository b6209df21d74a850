"""SLA compliance on the hand-built history, plus clocks the SLA engine judged."""

from __future__ import annotations

from datetime import datetime

from tests.analytics.history import ALICE, RANGE, at, build
from tests.factories import declare
from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.sla.schemas import SlaReport
from watchkeeper.analytics.sla.service import report
from watchkeeper.db.session import Database
from watchkeeper.incidents import cycle, transitions

NOW = at(3, 14, 18)


def _add_p1s_the_engine_judges(db: Database) -> None:
    """One P1 warned at 80% and then acknowledged in time, one left to breach."""
    with db.transaction() as session:
        warned = declare(session, now=at(3, 14, 10), service_id=1, impact=1, urgency=1)
        forgotten = declare(session, now=at(3, 14, 11), service_id=1, impact=1, urgency=1)
        cycle.check(session, _t(10, 4, 30))
        transitions.acknowledge(session, incident_id=warned.id, actor=ALICE, now=_t(10, 4, 50))
        cycle.check(session, _t(11, 10))
        del forgotten


def _t(hour: int, minute: int, second: int = 0) -> datetime:
    return at(3, 14, hour, minute).replace(second=second)


def _report(db: Database, by: Dimension) -> SlaReport:
    build(db)
    _add_p1s_the_engine_judges(db)
    with db.transaction(write=False) as session:
        return report(session, window=RANGE, by=by, now=NOW)


def test_compliance_per_priority_counts_met_and_breached_clocks(db: Database) -> None:
    groups = {g.label: g for g in _report(db, Dimension.PRIORITY).groups}
    p1 = groups["P1"]
    assert p1.count == 3
    # the DST incident acknowledged after 1 h and the forgotten one breached; one in time
    assert (p1.acknowledge.met, p1.acknowledge.breached) == (1, 2)
    assert p1.acknowledge.compliance_percent == 33.3
    assert (p1.resolve.met, p1.resolve.pending) == (1, 2)
    assert groups["P5"].acknowledge.compliance_percent == 100.0


def test_warnings_that_did_and_did_not_become_breaches(db: Database) -> None:
    p1 = next(g for g in _report(db, Dimension.PRIORITY).groups if g.label == "P1")
    assert p1.acknowledge.warned_then_met == 1
    # the engine judged the forgotten one only after its due time: breached, counted warned
    assert p1.acknowledge.warned_then_breached == 1


def test_breaches_are_listed_with_how_late_longest_first(db: Database) -> None:
    result = _report(db, Dimension.SERVICE)
    assert result.breaches_total == 2
    late = [(b.clock, b.late_seconds, b.stopped_at is None) for b in result.breaches]
    assert late == [
        ("acknowledge", 6 * 3600 + 55 * 60.0, True),  # due 11:05, still open at 18:00
        ("acknowledge", 55 * 60.0, False),  # due 06:35, acknowledged 07:30
    ]
