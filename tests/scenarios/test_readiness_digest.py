"""Admins hear once a day about coverage findings that are new, and only those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.catalog.users.roles import Role

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def digests(h: Harness) -> list[tuple[str, str, str]]:
    """What the engine sends now: two turns, as the digest is queued after a turn's sending."""
    h.run_engine()
    h.run_engine()
    return [
        (sent.address, sent.message.subject, sent.message.text)
        for sent in h.channel.take()
        if "readiness findings" in sent.message.subject
    ]


def test_new_findings_reach_the_admins_once_a_day(p: Paging, h: Harness) -> None:
    h.clock.set(MONDAY)
    h.service("legacy")  # there before the digest first looks: the report's, not news
    p.person("boss", role=Role.ADMIN)  # its verification runs the engine: the first look
    p.person("resp")  # a responder gets no digest
    h.service("db")
    assert digests(h) == []  # a day has not passed since the first look

    h.clock.advance(timedelta(days=1))

    [(address, title, text)] = digests(h)
    assert address == "boss@example.com"
    assert title == "[Watchkeeper] 1 new readiness findings"
    assert "service db: no escalation policy" in text
    assert f"/admin/services/{h.service_ids['db']}" in text
    assert "legacy" not in text
    h.service("web")
    h.clock.advance(timedelta(hours=2))
    assert digests(h) == []  # not a day yet
    h.clock.advance(timedelta(hours=22))
    [(_, title, text)] = digests(h)
    assert title == "[Watchkeeper] 1 new readiness findings"
    assert "service web" in text
    assert "service db" not in text
    h.clock.advance(timedelta(days=1))
    assert digests(h) == []  # nothing new
