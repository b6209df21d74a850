"""Logged paths carry no secrets: integration keys, action and feed tokens are redacted."""

from __future__ import annotations

import logging

import pytest
import structlog
from starlette.testclient import TestClient

from watchkeeper.core.secrets import looks_valid
from watchkeeper.web.redaction import redact_access_log, redact_target

# Fixed, well-formed secrets (test ids must be the same in every xdist worker).
KEY = "wk_int_NVdYd9gx6NfROWLroVCIkl1RFOALNn3JB5jv"
FEED = "wk_ics_fVd9f8wpeiZr7vKT9dacOl1Xm1QDu11RsRQE"
API = "wk_api_uoYGgViqu9y1uEt2uqHUIklzbJJ6V5160fR0"
ACTION = "eyJhIjoiYWNrbm93bGVkZ2UiLCJpIjo0Mn0.c2lnbmF0dXJlLW9mLXRoZS1saW5r"


def test_the_examples_are_real_secrets() -> None:
    assert looks_valid(KEY, "int")
    assert looks_valid(FEED, "ics")
    assert looks_valid(API, "api")


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        (
            f"/api/v1/integrations/{KEY}/alertmanager",
            "/api/v1/integrations/<redacted>/alertmanager",
        ),
        ("/api/v1/integrations/not-a-real-key/events", "/api/v1/integrations/<redacted>/events"),
        (f"/api/v1/heartbeats/{KEY}", "/api/v1/heartbeats/<redacted>"),
        (f"/api/v1/heartbeats/{KEY}/fail", "/api/v1/heartbeats/<redacted>/fail"),
        (f"/act/{ACTION}", "/act/<redacted>"),
        (f"/ical/users/{FEED}.ics", "/ical/users/<redacted>.ics"),
        (f"/ical/schedules/{FEED}.ics", "/ical/schedules/<redacted>.ics"),
        (f"/anything/{API}/else", "/anything/<redacted>/else"),
        (f"/api/v1/me?token={API}&x=1", "/api/v1/me?token=<redacted>&x=1"),
        ("/api/v1/incidents?key=sesame&q=disk", "/api/v1/incidents?key=<redacted>&q=disk"),
    ],
)
def test_secrets_in_request_targets_are_redacted(target: str, logged: str) -> None:
    assert redact_target(target) == logged


@pytest.mark.parametrize(
    "target",
    [
        "/api/v1/integrations/12/rotate",
        "/api/v1/services/3/integrations",
        "/api/v1/incidents?status=triggered&limit=20",
        "/incidents/7",
        "/",
    ],
)
def test_paths_without_secrets_are_logged_as_they_are(target: str) -> None:
    assert redact_target(target) == target


def test_the_access_log_at_debug_shows_redacted_paths(caplog: pytest.LogCaptureFixture) -> None:
    access = logging.getLogger("uvicorn.access")
    redact_access_log(access)
    redact_access_log(access)  # set up twice, still one filter
    with caplog.at_level(logging.DEBUG, logger="uvicorn.access"):
        for path in (f"/api/v1/integrations/{KEY}/alertmanager", f"/act/{ACTION}"):
            # The very call uvicorn's protocol makes for each response.
            access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", path, "1.1", 202)
    assert caplog.messages == [
        '127.0.0.1:5000 - "POST /api/v1/integrations/<redacted>/alertmanager HTTP/1.1" 202',
        '127.0.0.1:5000 - "POST /act/<redacted> HTTP/1.1" 202',
    ]
    assert sum(1 for f in access.filters if type(f).__name__ == "AccessLogRedaction") == 1


def test_an_error_record_names_the_route_without_its_key(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("watchkeeper.web.wire.alerts.target_of", broken)
    with structlog.testing.capture_logs() as records:
        response = client.post(f"/api/v1/integrations/{KEY}/alertmanager", json={})
    assert response.status_code == 500
    [record] = [r for r in records if r["event"] == "unhandled error"]
    assert record["path"] == "/api/v1/integrations/<redacted>/alertmanager"
    assert KEY not in repr(records)
