"""`/api/v1/checks`: definitions in JSON or YAML, refused clearly when wrong (and then
nothing changes), pause, delete, results and uptime."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import Snapshot
from tests.factories import Person, bearer

CHECKS = "/api/v1/checks"


def _service(client: TestClient, admin: Person) -> int:
    made = client.post("/api/v1/services", json={"name": "shop"}, headers=bearer(admin))
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _http(service_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "http",
        "name": "shop front",
        "service_id": service_id,
        "url": "https://shop.example.com/health",
        **fields,
    }


def test_a_responder_adds_an_http_check_to_a_public_address(
    client: TestClient, admin: Person, responder: Person
) -> None:
    service_id = _service(client, admin)
    made = client.post(CHECKS, json=_http(service_id), headers=bearer(responder))
    assert made.status_code == 201, made.text
    check = made.json()
    assert made.headers["location"] == f"{CHECKS}/{check['id']}"
    assert (check["status"], check["internal"], check["target"]) == (
        "new",
        False,
        "https://shop.example.com/health",
    )
    assert check["spec"]["expected_status"] == ["2xx"]
    assert client.get(CHECKS, headers=bearer(responder)).json()[0]["id"] == check["id"]


def test_a_yaml_definition_is_accepted(client: TestClient, admin: Person) -> None:
    service_id = _service(client, admin)
    body = (
        "kind: dns\n"
        "name: mail exchanger\n"
        f"service_id: {service_id}\n"
        "host: example.com\n"
        "record_type: MX\n"
        "expected: ['10 mail.example.com']\n"
        "interval_seconds: 300\n"
    )
    made = client.post(
        CHECKS,
        content=body,
        headers={**bearer(admin), "content-type": "application/yaml"},
    )
    assert made.status_code == 201, made.text
    assert made.json()["spec"]["record_type"] == "MX"


def test_bad_definitions_say_what_is_wrong_per_field_and_change_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    service_id = _service(client, admin)
    before = snapshot()
    too_often = client.post(
        CHECKS, json=_http(service_id, interval_seconds=5), headers=bearer(admin)
    )
    assert too_often.status_code == 422
    assert too_often.json()["detail"] == "Interval seconds: must be at least 10"
    bad_status = client.post(
        CHECKS, json=_http(service_id, expected_status=["20x"]), headers=bearer(admin)
    )
    assert bad_status.json()["detail"] == (
        "Expected status 0: use a code (200), a class (2xx) or a range (200-299)"
    )
    slow = client.post(
        CHECKS,
        json=_http(service_id, timeout_seconds=30, interval_seconds=20),
        headers=bearer(admin),
    )
    assert slow.json()["detail"] == "Timeout seconds: must be less than the interval"
    no_kind = client.post(CHECKS, json={"name": "x"}, headers=bearer(admin))
    assert no_kind.json()["detail"] == "Kind: is required: http, tcp, port, tls or dns"
    odd = client.post(CHECKS, json={"kind": "icmp", "name": "x"}, headers=bearer(admin))
    assert odd.json()["detail"] == "Kind: must be http, tcp, port, tls or dns"
    yaml = client.post(
        CHECKS, content="kind: [", headers={**bearer(admin), "content-type": "text/yaml"}
    )
    assert yaml.status_code == 400
    assert yaml.json()["detail"].startswith("the request body is not valid YAML")
    path = client.post(CHECKS, json=_http(service_id, json_path="status"), headers=bearer(admin))
    assert path.json()["detail"] == "Json path: must start with $, e.g. $.status"
    assert snapshot() == before


def test_a_viewer_reads_checks_but_cannot_add_one(
    client: TestClient, admin: Person, viewer: Person
) -> None:
    service_id = _service(client, admin)
    assert client.post(CHECKS, json=_http(service_id), headers=bearer(viewer)).status_code == 403
    assert client.get(CHECKS, headers=bearer(viewer)).status_code == 200


def test_pause_resume_replace_and_delete(client: TestClient, admin: Person) -> None:
    service_id = _service(client, admin)
    check_id = client.post(CHECKS, json=_http(service_id), headers=bearer(admin)).json()["id"]
    paused = client.patch(f"{CHECKS}/{check_id}", json={"paused": True}, headers=bearer(admin))
    assert paused.json()["paused"] is True
    replaced = client.put(
        f"{CHECKS}/{check_id}",
        json=_http(service_id, name="shop front (v2)", method="HEAD"),
        headers=bearer(admin),
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["name"], replaced.json()["spec"]["method"]) == (
        "shop front (v2)",
        "HEAD",
    )
    assert client.get(f"{CHECKS}/{check_id}/results", headers=bearer(admin)).json() == []
    uptime = client.get(f"{CHECKS}/{check_id}/uptime", headers=bearer(admin)).json()
    assert uptime["windows"]["24h"] is None  # no runs yet
    assert client.delete(f"{CHECKS}/{check_id}", headers=bearer(admin)).status_code == 204
    gone = client.get(f"{CHECKS}/{check_id}", headers=bearer(admin))
    assert (gone.status_code, gone.json()["detail"]) == (404, f"no check {check_id}")


def test_unknown_query_parameters_are_refused(client: TestClient, admin: Person) -> None:
    refused = client.get(f"{CHECKS}?servce_id=1", headers=bearer(admin))
    assert refused.status_code == 422
    assert "servce_id" in refused.json()["detail"]


def test_credentials_in_headers_are_never_shown(
    client: TestClient, admin: Person, viewer: Person
) -> None:
    service_id = _service(client, admin)
    headers = {"Authorization": "Bearer s3cret", "X-Api-Key": "k3y", "Accept": "text/plain"}
    made = client.post(CHECKS, json=_http(service_id, headers=headers), headers=bearer(admin))
    assert made.json()["spec"]["headers"] == {
        "Authorization": "(hidden)",
        "X-Api-Key": "(hidden)",
        "Accept": "text/plain",
    }
    listed = client.get(CHECKS, headers=bearer(viewer)).text
    assert "s3cret" not in listed
    assert "k3y" not in listed
