"""A status page driven through the real API, for the status page tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient

from tests.factories import Person, bearer


@dataclass
class Pages:
    client: TestClient
    admin: Person

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.client.request(method, path, headers=bearer(self.admin), **kwargs)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None

    def service(self, name: str) -> int:
        return int(self.call("POST", "/api/v1/services", 201, json={"name": name})["id"])

    def page(self, slug: str = "acme", **fields: Any) -> dict[str, Any]:
        body = {"slug": slug, "title": "Acme", **fields}
        result: dict[str, Any] = self.call("POST", "/api/v1/status-pages", 201, json=body)
        return result

    def component(self, page_id: int, name: str, **fields: Any) -> dict[str, Any]:
        path = f"/api/v1/status-pages/{page_id}/components"
        result: dict[str, Any] = self.call("POST", path, 201, json={"name": name, **fields})
        return result

    def get_component(self, page_id: int, component_id: int) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "GET", f"/api/v1/status-pages/{page_id}/components/{component_id}"
        )
        return result

    def status_of(self, page_id: int, component_id: int) -> str:
        return str(self.get_component(page_id, component_id)["status"])

    def incident(self, service_id: int, *, impact: int, urgency: int, title: str) -> int:
        body = {"title": title, "service_id": service_id, "impact": impact, "urgency": urgency}
        return int(self.call("POST", "/api/v1/incidents", 201, json=body)["id"])

    def resolve(self, incident_id: int) -> None:
        self.call("POST", f"/api/v1/incidents/{incident_id}/resolve")

    def public_incident(self, page_id: int, **body: Any) -> dict[str, Any]:
        path = f"/api/v1/status-pages/{page_id}/incidents"
        result: dict[str, Any] = self.call("POST", path, 201, json=body)
        return result

    def update(self, page_id: int, incident_id: int, **body: Any) -> dict[str, Any]:
        path = f"/api/v1/status-pages/{page_id}/incidents/{incident_id}/updates"
        result: dict[str, Any] = self.call("POST", path, 201, json=body)
        return result

    def maintenance(self, page_id: int, **body: Any) -> dict[str, Any]:
        path = f"/api/v1/status-pages/{page_id}/maintenance"
        result: dict[str, Any] = self.call("POST", path, 201, json=body)
        return result
