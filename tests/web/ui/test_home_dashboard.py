"""Home is a responder's dashboard: my open incidents, who is on call for my teams, my next
shift; a new installation's admin sees the first steps."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from watchkeeper.core.clock import FrozenClock


def test_a_responder_sees_their_team_s_incident_rota_and_next_shift(
    client: TestClient, admin: Person, responder: Person, clock: FrozenClock
) -> None:
    def post(path: str, body: dict[str, object]) -> int:
        response = client.post(f"/api/v1/{path}", json=body, headers=bearer(admin))
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    team = post("teams", {"name": "SRE", "member_ids": [responder.id]})
    service = post("services", {"name": "Checkout", "owner_team_id": team})
    post("incidents", {"title": "Checkout 502s", "service_id": service})
    schedule = post("schedules", {"name": "Primary", "time_zone": "UTC", "owner_team_id": team})
    start = (clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    layer: dict[str, object] = {
        "name": "Week",
        "participants": [responder.id],
        "rotation": "weekly",
        "start": start,
    }
    post(f"schedules/{schedule}/layers", layer)
    browser_login(client, responder.login)
    page = client.get("/").text
    mine = page.split('data-testid="my-incidents"', 1)[1].split("</section>", 1)[0]
    assert "#1 Checkout 502s" in mine
    rota = page.split('data-testid="on-call"', 1)[1].split("</section>", 1)[0]
    assert f"Primary</a>:\n    <strong>{responder.login}</strong>" in rota
    assert "Your next shift: Primary" in rota
    assert 'data-testid="getting-started"' not in page  # the checklist is for admins


def test_a_new_installation_shows_its_admin_the_first_steps(
    client: TestClient, admin: Person
) -> None:
    browser_login(client, admin.login)
    page = client.get("/").text
    steps = page.split('data-testid="getting-started"', 1)[1].split("</section>", 1)[0]
    for step in (
        "Create a service",
        "Connect an integration",
        "Add a contact method",
        "Send a test alert",
    ):
        assert step in steps
    client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    assert "<s>Create a service</s> <small>(done)</small>" in client.get("/").text


def test_a_viewer_reads_the_service_directory(
    client: TestClient, admin: Person, viewer: Person
) -> None:
    team = client.post("/api/v1/teams", json={"name": "SRE"}, headers=bearer(admin)).json()
    body = {"name": "Checkout", "owner_team_id": team["id"]}
    client.post("/api/v1/services", json=body, headers=bearer(admin))
    browser_login(client, viewer.login)
    page = client.get("/services")
    assert page.status_code == 200
    row = page.text.split("<strong>Checkout</strong>", 1)[1].split("</tr>", 1)[0]
    assert "<td>SRE</td>" in row
    assert "<mark>nobody is paged</mark>" in row
    assert 'href="/admin/services"' not in page.text.split("<main", 1)[1]
