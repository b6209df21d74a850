"""A public incident links the published public postmortem of its internal incident;
the page shows only the postmortem's public summary."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.statuspage.helpers import Pages


def _call(client: TestClient, who: Person, method: str, path: str, **kw: Any) -> Any:
    response = client.request(method, path, headers=bearer(who), **kw)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def test_a_public_postmortem_is_linked_and_shows_only_its_public_summary(
    client: TestClient, pages: Pages, admin: Person, responder: Person
) -> None:
    page = pages.page("acme")
    service = pages.service("checkout")
    incident = pages.incident(service, impact=1, urgency=1, title="Primary DB lost on db-7")
    public = pages.public_incident(
        page["id"],
        name="Checkout unavailable",
        incident_id=incident,
        update={"state": "resolved", "body": "Fixed.", "publish": True},
    )
    pages.resolve(incident)
    pm = _call(client, responder, "POST", f"/api/v1/incidents/{incident}/postmortem")
    one = f"/api/v1/postmortems/{pm['id']}"
    link = f"/status/acme/incidents/{public['id']}/postmortem"
    assert link not in client.get("/status/acme").text  # a draft is not linked

    _call(client, responder, "POST", f"{one}/reviewers", json={"user_ids": [admin.id]})
    _call(client, responder, "POST", f"{one}/submit")
    _call(client, admin, "POST", f"{one}/approve")
    _call(client, responder, "POST", f"{one}/publish")
    assert link not in client.get("/status/acme").text  # published, not public
    assert client.get(link).status_code == 404
    summary = "A database failover took too long; we now fail over automatically."
    _call(client, admin, "PATCH", one, json={"public": True, "public_summary": summary})

    assert link in client.get("/status/acme").text
    shown = client.get(link)
    assert shown.status_code == 200
    assert summary in shown.text
    assert "Checkout unavailable" in shown.text
    assert "db-7" not in shown.text
