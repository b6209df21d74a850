"""/docs: an Authorize button for API tokens, and a way back to the app."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_the_openapi_declares_bearer_tokens_for_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/incidents"]["get"]["security"] == [{"bearer": []}]


def test_the_docs_page_links_back_to_the_app(client: TestClient) -> None:
    page = client.get("/docs").text
    assert '<a href="/">&larr; Back to Watchkeeper</a>' in page
    assert '"persistAuthorization": true' in page
