"""Problem pages over HTTP: record one from an incident's page, link another incident by
its number, see them over time, mark it a known error."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login


def test_a_problem_recorded_from_an_incident_gathers_incidents_over_time(
    client: TestClient, admin: Person, responder: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    for title in ("Pool exhausted", "Pool exhausted again"):
        client.post(
            "/api/v1/incidents",
            json={"title": title, "service_id": service["id"]},
            headers=bearer(responder),
        )
    csrf = browser_login(client, responder.login)
    recorded = client.post(
        "/problem-records",
        data={
            "csrf_token": csrf,
            "next": "/incidents/1",
            "incident_ids": "1",
            "title": "Pool too small",
        },
        follow_redirects=False,
    )
    assert recorded.headers["location"] == "/incidents/1"
    linked = client.post(
        "/problem-records/link",
        data={"csrf_token": csrf, "next": "/incidents/2", "incident_ids": "2", "problem": "PRB-1"},
        follow_redirects=False,
    )
    assert linked.status_code == 303, linked.text
    page = client.get("/problem-records/1")
    assert "2026-01" in page.text
    assert 'data-testid="incidents-over-time"' in page.text
    assert '<a href="/incidents/2">#2</a> P5 triggered: Pool exhausted again' in page.text
    saved = client.post(
        "/problem-records/1",
        data={"csrf_token": csrf, "status": "known_error", "workaround": "Restart the pods"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Workaround: <p>Restart the pods</p>" in client.get("/incidents/2").text
    listed = client.get("/problem-records", params={"status": "known_error"})
    assert "Pool too small" in listed.text
