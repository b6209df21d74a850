"""The Statuspage public API v2 drop-in: same paths under the page, same field names and
values. The shapes below are written down from the public v2 documentation, field by
field, so a client written for a Statuspage page reads ours unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.scenarios.harness import Harness
from tests.statuspage.helpers import Pages

PAGE_FIELDS = {"id", "name", "url", "time_zone", "updated_at"}
STATUS_FIELDS = {"indicator", "description"}
INDICATORS = {"none", "minor", "major", "critical"}
COMPONENT_FIELDS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "position",
    "description",
    "showcase",
    "start_date",
    "group_id",
    "page_id",
    "group",
    "only_show_if_degraded",
}
COMPONENT_STATUSES = {
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
}
INCIDENT_FIELDS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "impact",
    "shortlink",
    "started_at",
    "page_id",
    "incident_updates",
    "components",
}
MAINTENANCE_FIELDS = INCIDENT_FIELDS | {"scheduled_for", "scheduled_until"}
UPDATE_FIELDS = {
    "id",
    "status",
    "body",
    "incident_id",
    "created_at",
    "updated_at",
    "display_at",
    "affected_components",
    "deliver_notifications",
    "custom_tweet",
    "tweet_id",
}
AFFECTED_FIELDS = {"code", "name", "old_status", "new_status"}
INCIDENT_STATES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}


def iso(value: Any) -> None:
    assert isinstance(value, str)
    assert datetime.fromisoformat(value).tzinfo is not None


def check_page(page: dict[str, Any]) -> None:
    assert set(page) == PAGE_FIELDS
    assert isinstance(page["id"], str)
    iso(page["updated_at"])


def check_component(component: dict[str, Any]) -> None:
    assert set(component) - {"components"} == COMPONENT_FIELDS
    assert isinstance(component["id"], str)
    assert component["status"] in COMPONENT_STATUSES
    assert isinstance(component["position"], int)
    assert isinstance(component["group"], bool)
    assert isinstance(component["showcase"], bool)
    assert isinstance(component["only_show_if_degraded"], bool)
    iso(component["created_at"])
    iso(component["updated_at"])
    if component["group"]:
        assert all(isinstance(member, str) for member in component["components"])


def check_incident(incident: dict[str, Any], *, maintenance: bool = False) -> None:
    assert set(incident) == (MAINTENANCE_FIELDS if maintenance else INCIDENT_FIELDS)
    assert incident["status"] in (MAINTENANCE_STATES if maintenance else INCIDENT_STATES)
    assert incident["impact"] in IMPACTS
    assert isinstance(incident["shortlink"], str)
    iso(incident["created_at"])
    for update in incident["incident_updates"]:
        assert set(update) == UPDATE_FIELDS
        assert update["status"] in (MAINTENANCE_STATES if maintenance else INCIDENT_STATES)
        assert update["incident_id"] == incident["id"]
        iso(update["display_at"])
        for affected in update["affected_components"] or []:
            assert set(affected) == AFFECTED_FIELDS
            assert affected["new_status"] in COMPONENT_STATUSES
    for component in incident["components"]:
        check_component(component)


@pytest.fixture
def busy_page(pages: Pages, h: Harness) -> dict[str, Any]:
    """A page with a group, an open incident, a resolved one and planned maintenance."""
    page = pages.page()
    group = pages.call(
        "POST", f"/api/v1/status-pages/{page['id']}/groups", 201, json={"name": "EU"}
    )
    api = pages.component(page["id"], "API")
    eu = pages.component(page["id"], "Frankfurt", group_id=group["id"])
    pages.public_incident(
        page["id"],
        name="API errors",
        update={
            "state": "investigating",
            "body": "Looking.",
            "publish": True,
            "affected": {str(api["id"]): "partial_outage"},
        },
    )
    old = pages.public_incident(
        page["id"], name="Slow EU", update={"state": "investigating", "body": "x", "publish": True}
    )
    pages.update(page["id"], old["id"], state="resolved", body="Fixed.", publish=True)
    starts = h.clock.now() + timedelta(days=1)
    pages.maintenance(
        page["id"],
        name="Network work",
        scheduled_for=starts.isoformat(),
        scheduled_until=(starts + timedelta(hours=1)).isoformat(),
        component_ids=[eu["id"]],
        body="Planned.",
    )
    return page


def get(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(f"/status/acme/api/v2/{path}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def test_summary_has_page_status_components_incidents_and_maintenance(
    client: TestClient, busy_page: dict[str, Any]
) -> None:
    summary = get(client, "summary.json")
    assert set(summary) == {"page", "status", "components", "incidents", "scheduled_maintenances"}
    check_page(summary["page"])
    assert set(summary["status"]) == STATUS_FIELDS
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    for component in summary["components"]:
        check_component(component)
    groups = [c for c in summary["components"] if c["group"]]
    assert [g["name"] for g in groups] == ["EU"]
    member = next(c for c in summary["components"] if c["name"] == "Frankfurt")
    assert member["group_id"] == groups[0]["id"]
    assert groups[0]["components"] == [member["id"]]
    assert [i["name"] for i in summary["incidents"]] == ["API errors"]
    for incident in summary["incidents"]:
        check_incident(incident)
    assert summary["incidents"][0]["impact"] == "major"
    affected = summary["incidents"][0]["incident_updates"][0]["affected_components"]
    assert affected[0]["name"] == "API"
    assert [m["name"] for m in summary["scheduled_maintenances"]] == ["Network work"]
    check_incident(summary["scheduled_maintenances"][0], maintenance=True)


def test_status_json_has_the_page_and_its_indicator(
    client: TestClient, busy_page: dict[str, Any]
) -> None:
    status = get(client, "status.json")
    assert set(status) == {"page", "status"}
    check_page(status["page"])
    assert status["status"]["indicator"] in INDICATORS


def test_components_json_lists_components(client: TestClient, busy_page: dict[str, Any]) -> None:
    body = get(client, "components.json")
    assert set(body) == {"page", "components"}
    assert {c["name"] for c in body["components"]} == {"API", "Frankfurt", "EU"}


def test_incidents_json_and_unresolved(client: TestClient, busy_page: dict[str, Any]) -> None:
    every = get(client, "incidents.json")
    assert set(every) == {"page", "incidents"}
    assert [i["name"] for i in every["incidents"]] == ["Slow EU", "API errors"]  # newest first
    for incident in every["incidents"]:
        check_incident(incident)
    resolved = next(i for i in every["incidents"] if i["name"] == "Slow EU")
    assert resolved["status"] == "resolved"
    iso(resolved["resolved_at"])
    assert [u["status"] for u in resolved["incident_updates"]] == ["resolved", "investigating"]

    unresolved = get(client, "incidents/unresolved.json")
    assert [i["name"] for i in unresolved["incidents"]] == ["API errors"]


def test_scheduled_maintenances_upcoming_and_active(
    client: TestClient, busy_page: dict[str, Any], h: Harness
) -> None:
    every = get(client, "scheduled-maintenances.json")
    assert set(every) == {"page", "scheduled_maintenances"}
    upcoming = get(client, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    assert [m["status"] for m in upcoming] == ["scheduled"]
    check_incident(upcoming[0], maintenance=True)
    assert upcoming[0]["impact"] == "maintenance"
    iso(upcoming[0]["scheduled_for"])
    assert get(client, "scheduled-maintenances/active.json")["scheduled_maintenances"] == []

    h.clock.advance(days=1, minutes=1)
    h.run_engine()
    active = get(client, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [m["status"] for m in active] == ["in_progress"]
    frankfurt = next(
        c for c in get(client, "components.json")["components"] if c["name"] == "Frankfurt"
    )
    assert frankfurt["status"] == "under_maintenance"


def test_drafts_never_appear_in_the_json(client: TestClient, pages: Pages) -> None:
    page = pages.page()
    pages.public_incident(
        page["id"], name="Secret draft", update={"state": "investigating", "body": "x"}
    )
    assert get(client, "incidents.json")["incidents"] == []
    assert get(client, "summary.json")["status"]["indicator"] == "none"


def test_an_update_says_which_status_a_component_had_before(
    client: TestClient, pages: Pages
) -> None:
    page = pages.page()
    api = pages.component(page["id"], "API")
    code = str(api["id"])
    first = pages.public_incident(
        page["id"],
        name="API errors",
        update={
            "state": "investigating",
            "body": "a",
            "publish": True,
            "affected": {code: "partial_outage"},
        },
    )
    pages.update(
        page["id"],
        first["id"],
        state="identified",
        body="b",
        publish=True,
        affected={code: "major_outage"},
    )

    updates = get(client, "incidents.json")["incidents"][0]["incident_updates"]

    newest, oldest = updates[0]["affected_components"][0], updates[1]["affected_components"][0]
    assert (newest["old_status"], newest["new_status"]) == ("partial_outage", "major_outage")
    assert (oldest["old_status"], oldest["new_status"]) == ("operational", "partial_outage")
