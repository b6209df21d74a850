"""PostgreSQL stops for ten seconds under a steady load of alerts: intake answers 503 with
Retry-After while it is down (never a 2xx for an event it did not store), the UI says the
database is unavailable, everything recovers by itself, nothing accepted is lost, and the
pages that fell due go out within 15 seconds of the restart (an escalation's second level
falls due in the middle of the outage, so the test waits a minute first). bench/outage.py measures
longer outages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.outage import run_outage

pytestmark = pytest.mark.e2e


def test_a_ten_second_outage_loses_nothing_and_pages_catch_up(tmp_path: Path) -> None:
    outage = run_outage(tmp_path, seconds=10)
    context = outage.output[-3000:]
    during = outage.during()
    assert during, context
    assert all(a.status == 503 for a in during), [(a.number, a.status) for a in during]
    assert all(a.retry_after for a in during)
    assert outage.accepted <= outage.stored, sorted(outage.accepted - outage.stored)
    assert outage.ui_status == 503
    assert "database" in outage.ui_text.lower()
    assert outage.api_status == 503
    assert outage.first_accept_after < 5.0
    assert outage.pages_caught_up <= 15.0, (outage.pages_caught_up, context)
    assert outage.down_at < outage.level_two_due < outage.up_at
    assert outage.due_page_after_restart <= 15.0, (outage.due_page_after_restart, context)
    assert outage.accepted <= set(outage.paged), sorted(outage.accepted - set(outage.paged))
