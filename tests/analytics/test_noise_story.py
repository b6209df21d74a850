"""Alert noise, told as a story: one alert woke alice eleven times this month and went
away by itself each time; the noise report says so and offers the fixes."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest

from tests.alertmanager import firing
from tests.factories import bearer, browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.analytics.noise.schemas import NoiseReport
from watchkeeper.analytics.noise.service import report
from watchkeeper.analytics.ranges import ReportRange


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def resolved(name: str, p: Paging) -> dict[str, Any]:
    body = firing(name, at=p.h.clock.now() - timedelta(minutes=2))
    body["status"] = body["alerts"][0]["status"] = "resolved"
    body["alerts"][0]["endsAt"] = p.h.clock.now().astimezone(UTC).isoformat()
    return body


def a_noisy_month(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    for _ in range(11):
        p.alert("DiskFull")
        assert p.now() == [("alice", [p.h.incidents()[-1].id])]
        p.h.clock.advance(timedelta(minutes=2))
        assert p.h.post("alertmanager", resolved("DiskFull", p)).status_code == 202
        assert p.now() == []
        p.h.clock.advance(timedelta(days=2))
    p.alert("CpuHigh")
    p.now()
    p.act("alice", "acknowledge", p.h.incidents()[-1].id)
    p.h.clock.advance(timedelta(minutes=30))
    p.h.post("alertmanager", resolved("CpuHigh", p))
    p.now()


def _noise(p: Paging) -> NoiseReport:
    now = p.h.clock.now()
    with p.h.db.transaction(write=False) as session:
        return report(session, window=ReportRange(now - timedelta(days=30), now))


def test_the_alert_that_woke_alice_eleven_times_is_the_noisiest(p: Paging) -> None:
    a_noisy_month(p)
    noise = _noise(p)
    top = noise.by_fingerprint[0]
    assert (top.name, top.alerts, top.pages) == ("DiskFull", 11, 11)
    assert (top.quick_resolved, top.never_acknowledged) == (11, 11)
    assert [g.name for g in noise.by_alertname] == ["DiskFull", "CpuHigh"]
    cpu = noise.by_alertname[1]
    assert (cpu.alerts, cpu.quick_resolved, cpu.never_acknowledged) == (1, 0, 0)
    assert (noise.alerts, noise.quick_resolved, noise.never_acknowledged) == (12, 11, 11)


def test_each_noisy_alert_offers_fixes_that_say_where_they_came_from(p: Paging) -> None:
    a_noisy_month(p)
    fixes = {fix.kind: fix.url for fix in _noise(p).by_alertname[0].fixes}
    assert set(fixes) == {"silence", "lower_urgency", "drop", "group_window"}
    assert "comment=From+the+noise+report%3A+11+alerts%2C+11+pages+in+30+days" in fixes["silence"]
    assert "matchers=alertname%3D%22DiskFull%22" in fixes["lower_urgency"]
    assert "set_urgency=4" in fixes["lower_urgency"]
    assert fixes["group_window"].endswith("?group_window_minutes=120")


def test_each_fix_opens_its_form_prefilled(p: Paging) -> None:
    a_noisy_month(p)
    fixes = {fix.kind: fix.url for fix in _noise(p).by_alertname[0].fixes}
    browser_login(p.h.client, p.h.admin.login)
    silence = p.h.client.get(fixes["silence"])
    assert silence.status_code == 200
    assert "From the noise report: 11 alerts, 11 pages in 30 days</textarea>" in silence.text
    assert "alertname=&#34;DiskFull&#34;" in silence.text
    lower = p.h.client.get(fixes["lower_urgency"])
    assert "Pre-filled from the noise report" in lower.text
    assert 'value="Noise report: lower urgency of DiskFull"' in lower.text
    assert '<option value="4" selected>' in lower.text
    window = p.h.client.get(fixes["group_window"])
    assert 'name="group_window_minutes" min="1" value="120"' in window.text


def test_the_noise_report_in_the_api_and_as_csv(p: Paging) -> None:
    a_noisy_month(p)
    headers = bearer(p.h.admin)
    data = p.h.client.get("/api/v1/reports/noise?since=30d&top=1", headers=headers).json()
    assert [(a["name"], a["pages"]) for a in data["by_alertname"]] == [("DiskFull", 11)]
    csv = p.h.client.get("/api/v1/reports/noise.csv?since=30d", headers=headers).text
    assert csv.splitlines()[0].startswith("list,service,alert,fingerprint,alerts")
    assert "alertname,web,DiskFull,,11,11,11,11,11,11,0,0,0,0" in csv.splitlines()
