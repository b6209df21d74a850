"""The automation page: workflows saved from YAML (refused with the reason when they could
not work), a workflow's page with its dry run, and drills fired by a button."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login

GOOD = """
name: Note on open
trigger: incident_opened
actions:
  - kind: add_note
    text: "Hello #{{ incident.number }} ({{ incident.title }})"
"""


def test_an_admin_saves_a_workflow_and_tests_it_on_an_incident(
    client: TestClient, admin: Person
) -> None:
    csrf = browser_login(client, admin.login)
    saved = client.post("/automation/workflows", data={"csrf_token": csrf, "source": GOOD})
    assert saved.status_code == 201, saved.text
    assert "whsec_" in saved.text
    [flow] = client.get("/api/v1/workflows", headers=bearer(admin)).json()
    service = client.post("/api/v1/services", json={"name": "web"}, headers=bearer(admin)).json()
    incident = client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service["id"]},
        headers=bearer(admin),
    ).json()
    tried = client.post(
        f"/automation/workflows/{flow['id']}/test",
        data={"csrf_token": csrf, "incident_id": f"#{incident['id']}"},
    )
    assert tried.status_code == 200, tried.text
    assert f"would add a note: Hello #{incident['id']} (Disk full)" in tried.text
    assert "nothing was changed" in tried.text


def test_a_workflow_whose_template_fails_is_refused_with_the_reason(
    client: TestClient, admin: Person
) -> None:
    csrf = browser_login(client, admin.login)
    broken = GOOD.replace("incident.title", "incident.owner")
    refused = client.post("/automation/workflows", data={"csrf_token": csrf, "source": broken})
    assert refused.status_code == 422
    assert "owner" in refused.text
    assert "Save workflow" in refused.text
    assert client.get("/api/v1/workflows", headers=bearer(admin)).json() == []


def test_a_drill_is_fired_from_the_page_and_shown_with_its_badge(
    client: TestClient, responder: Person, admin: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "web"}, headers=bearer(admin)).json()
    drill = client.post(
        "/api/v1/drills",
        json={"name": "Weekly", "service_id": service["id"]},
        headers=bearer(responder),
    ).json()
    csrf = browser_login(client, responder.login)
    fired = client.post(f"/automation/drills/{drill['id']}/fire", data={"csrf_token": csrf})
    assert fired.status_code == 200  # followed the redirect to the page
    assert '<mark class="drill">DRILL</mark> Weekly' in fired.text
    assert "fired" in fired.text
    runs = client.get(f"/api/v1/drills/{drill['id']}/runs", headers=bearer(responder)).json()
    assert [run["status"] for run in runs] == ["fired"]


def test_an_admin_turns_a_workflow_off_and_deletes_it(client: TestClient, admin: Person) -> None:
    csrf = browser_login(client, admin.login)
    client.post("/automation/workflows", data={"csrf_token": csrf, "source": GOOD})
    [flow] = client.get("/api/v1/workflows", headers=bearer(admin)).json()
    page = f"/automation/workflows/{flow['id']}"
    off = client.post(f"{page}/enabled", data={"csrf_token": csrf, "enabled": "off"})
    assert off.status_code == 200
    assert "Turn on" in off.text
    assert (
        client.get(f"/api/v1/workflows/{flow['id']}", headers=bearer(admin)).json()["enabled"]
        is False
    )
    gone = client.post(f"{page}/delete", data={"csrf_token": csrf})
    assert gone.status_code == 200
    assert client.get("/api/v1/workflows", headers=bearer(admin)).json() == []
