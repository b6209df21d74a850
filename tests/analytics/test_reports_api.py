"""`/api/v1/reports/...`: JSON and CSV of the hand-built history; bad input is refused."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from tests.analytics.history import build
from tests.factories import Person, bearer
from watchkeeper.db.session import Database

RANGE = {"start": "2026-03-01T00:00:00Z", "end": "2026-03-15T00:00:00Z"}


def test_response_report_as_json(client: TestClient, db: Database, viewer: Person) -> None:
    build(db)
    response = client.get(
        "/api/v1/reports/response", params={**RANGE, "by": "service"}, headers=bearer(viewer)
    )
    assert response.status_code == 200, response.text
    groups = {group["label"]: group for group in response.json()["groups"]}
    assert groups["web"]["mttr"]["median"] == 4800.0
    assert groups["web"]["mtta_trend"]["direction"] == "up"


def test_response_report_as_csv(client: TestClient, db: Database, viewer: Person) -> None:
    build(db)
    response = client.get(
        "/api/v1/reports/response.csv", params={**RANGE, "by": "source"}, headers=bearer(viewer)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["group"]: row["incidents"] for row in rows} == {"by hand": "4", "alerts": "1"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "30 days"}, "query.since"),
        ({"since": "30d", "start": "2026-03-01T00:00:00Z"}, "query.since"),
        ({"start": "2026-03-15T00:00:00Z", "end": "2026-03-01T00:00:00Z"}, "query.start"),
        ({"tz": "Mars/Olympus"}, "query.tz"),
        ({"start": "0001-01-01T00:00:00Z", "end": "0001-01-02T00:00:00Z"}, "query.start"),
        ({"end": "9999-12-31T00:00:00Z"}, "query.end"),
        ({"by": "planet"}, "query.by"),
        ({"group": "service"}, "query.group"),
    ],
)
def test_bad_report_query_is_refused_field_by_field(
    client: TestClient, viewer: Person, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/reports/response", params=params, headers=bearer(viewer))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [error["location"] for error in response.json()["errors"]]


def test_reports_need_a_token(client: TestClient) -> None:
    assert client.get("/api/v1/reports/response").status_code == 401


def test_sla_report_and_its_breaches_as_csv(
    client: TestClient, db: Database, viewer: Person
) -> None:
    build(db)
    response = client.get("/api/v1/reports/sla", params=RANGE, headers=bearer(viewer))
    assert response.status_code == 200, response.text
    groups = {group["label"]: group for group in response.json()["groups"]}
    assert groups["P1"]["acknowledge"]["breached"] == 1
    breaches = client.get("/api/v1/reports/sla/breaches.csv", params=RANGE, headers=bearer(viewer))
    rows = list(csv.DictReader(io.StringIO(breaches.text)))
    assert [(row["clock"], row["late_s"]) for row in rows] == [("acknowledge", "3300.0")]
