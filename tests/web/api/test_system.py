"""Health, readiness, metrics and the API description."""

from __future__ import annotations

import re
from datetime import timedelta

from starlette.testclient import TestClient

from tests.factories import Person, bearer
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.engine_state import record_heartbeat
from watchkeeper.db.session import Database
from watchkeeper.web.ui.templating import STATIC_DIR


def test_healthz_answers_without_a_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_needs_a_recent_engine_heartbeat(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    waiting = client.get("/readyz")
    assert waiting.status_code == 503
    assert waiting.json()["checks"] == {"database": "ok", "engine": "no engine has reported yet"}
    db.run(
        lambda s: record_heartbeat(
            s, runner_id="r1", host="h", pid=1, started_at=clock.now(), now=clock.now()
        )
    )
    assert client.get("/readyz").status_code == 200
    clock.advance(timedelta(minutes=1))
    stale = client.get("/readyz")
    assert stale.status_code == 503
    assert "60 s ago" in stale.json()["checks"]["engine"]


def test_metrics_expose_requests_in_prometheus_format(client: TestClient, admin: Person) -> None:
    client.get("/api/v1/me", headers=bearer(admin))
    text = client.get("/metrics").text
    assert re.search(
        r'watchkeeper_http_requests_total\{method="GET",route="/api/v1/me",status="200"\} 1\.0',
        text,
    )


def test_the_openapi_document_is_3_1_and_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/v1/users", "/api/v1/teams", "/api/v1/me", "/api/v1/tokens"} <= set(spec["paths"])
    assert not any(path.startswith(("/login", "/admin", "/account")) for path in spec["paths"])
    problems = spec["paths"]["/api/v1/users"]["post"]["responses"]["422"]["content"]
    assert "application/problem+json" in problems


def test_the_docs_page_loads_only_local_files_which_exist(client: TestClient) -> None:
    page = client.get("/docs").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page) + re.findall(r"url: '([^']+)'", page)
    assert sources, page
    for source in sources:
        assert source.startswith("/"), f"/docs must work offline, but loads {source}"
        if source.startswith("/static/"):
            assert (STATIC_DIR / source.removeprefix("/static/")).is_file(), source
            assert client.get(source).status_code == 200


def test_responses_carry_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
