"""Stories: a component's status follows its services' open incidents, maintenance and
a person's hand; the status history it leaves behind is what uptime is computed from."""

from __future__ import annotations

from datetime import timedelta

from tests.scenarios.harness import Harness
from tests.statuspage.helpers import Pages


def test_component_follows_the_open_incidents_of_its_services(h: Harness, pages: Pages) -> None:
    web, db = pages.service("web"), pages.service("db")
    page = pages.page()
    site = pages.component(page["id"], "Website", service_ids=[web, db])
    assert site["status"] == "operational"

    p2 = pages.incident(web, impact=1, urgency=2, title="Checkout slow")
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "partial_outage"

    p1 = pages.incident(db, impact=1, urgency=1, title="Primary down")
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "major_outage"

    pages.resolve(p1)
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "partial_outage"
    pages.resolve(p2)
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "operational"


def test_the_priority_mapping_is_editable_per_page(h: Harness, pages: Pages) -> None:
    web = pages.service("web")
    page = pages.page(priority_status={"3": "operational"})
    site = pages.component(page["id"], "Website", service_ids=[web])
    assert page["priority_status"]["1"] == "major_outage"  # the defaults fill the rest

    pages.incident(web, impact=3, urgency=1, title="Minor glitch")  # P3
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "operational"

    pages.call(
        "PATCH",
        f"/api/v1/status-pages/{page['id']}",
        json={"priority_status": {"3": "degraded_performance"}},
    )
    assert pages.status_of(page["id"], site["id"]) == "degraded_performance"


def test_a_hand_set_status_is_kept_until_cleared(h: Harness, pages: Pages) -> None:
    web = pages.service("web")
    page = pages.page()
    site = pages.component(page["id"], "Website", service_ids=[web])
    path = f"/api/v1/status-pages/{page['id']}/components/{site['id']}/status"

    pages.call("PUT", path, json={"status": "degraded_performance"})
    incident = pages.incident(web, impact=1, urgency=1, title="Down")
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "degraded_performance"

    pages.resolve(incident)
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "degraded_performance"

    cleared = pages.call("PUT", path, json={"status": None})
    assert cleared["status"] == "operational"
    assert cleared["manual_status"] is None


def test_uptime_counts_outage_minutes_from_the_status_history(h: Harness, pages: Pages) -> None:
    web = pages.service("web")
    page = pages.page()
    site = pages.component(page["id"], "Website", service_ids=[web])
    h.clock.advance(hours=1)

    incident = pages.incident(web, impact=1, urgency=1, title="Down")
    h.run_engine()
    h.clock.advance(minutes=36)
    pages.resolve(incident)
    h.run_engine()
    h.clock.advance(timedelta(days=1) - timedelta(hours=1, minutes=36))

    # 36 minutes of major outage in the day since the component was made: 97.5 %.
    assert pages.get_component(page["id"], site["id"])["uptime_90d"] == 97.5


def test_maintenance_puts_components_under_maintenance_and_silences_alerts(
    h: Harness, pages: Pages
) -> None:
    web = pages.service("web")
    h.service_ids["web"] = web
    page = pages.page()
    site = pages.component(page["id"], "Website", service_ids=[web])
    starts = h.clock.now() + timedelta(hours=1)
    planned = pages.maintenance(
        page["id"],
        name="Database upgrade",
        scheduled_for=starts.isoformat(),
        scheduled_until=(starts + timedelta(hours=2)).isoformat(),
        component_ids=[site["id"]],
        body="We upgrade the database; checkout may pause for a minute.",
        silence_alerts=True,
    )
    assert planned["state"] == "scheduled"
    assert len(planned["window_ids"]) == 1

    h.clock.advance(hours=1, minutes=5)
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "under_maintenance"
    assert h.post("alertmanager", "alertmanager_firing.json").status_code == 202
    h.run_engine()
    assert h.alerts()
    assert h.incidents() == []  # the window held the alert back: nobody is paged

    h.clock.advance(hours=2)
    h.run_engine()
    assert pages.status_of(page["id"], site["id"]) == "operational"
    done = pages.call("GET", f"/api/v1/status-pages/{page['id']}/incidents/{planned['id']}")
    assert done["state"] == "completed"


def test_maintenance_started_early_by_hand_stays_in_progress(h: Harness, pages: Pages) -> None:
    page = pages.page()
    site = pages.component(page["id"], "Website")
    starts = h.clock.now() + timedelta(hours=3)
    planned = pages.maintenance(
        page["id"],
        name="Upgrade",
        scheduled_for=starts.isoformat(),
        scheduled_until=(starts + timedelta(hours=1)).isoformat(),
        component_ids=[site["id"]],
        body="Planned.",
    )
    pages.update(
        page["id"], planned["id"], state="in_progress", body="Started early.", publish=True
    )
    h.run_engine()

    assert pages.status_of(page["id"], site["id"]) == "under_maintenance"
    got = pages.call("GET", f"/api/v1/status-pages/{page['id']}/incidents/{planned['id']}")
    assert got["state"] == "in_progress"
