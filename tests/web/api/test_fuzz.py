"""Schemathesis against our OpenAPI, as an admin: no input may produce a server error, and
every answer must be what the OpenAPI says (status, content type, body schema).

Bounded so the suite stays fast on two cores: a few examples per operation in each of
schemathesis' positive and negative modes, and a time budget per run after which each
remaining operation still gets one example. DELETE and token routes run separately on
their own data, so they cannot remove what the main run is probing (or its own token).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Err
from starlette.testclient import TestClient

from tests.factories import Person, bearer

EXAMPLES = int(os.environ.get("WATCHKEEPER_FUZZ_EXAMPLES", "25"))
BUDGET_SECONDS = 150.0
# Routes that end credentials; run 2 takes them, minus the fuzzer's own token.
CREDENTIAL_PATHS = ("/api/v1/tokens", "/ical-token", "/password")

Case = schemathesis.Case[Any]
Operation = schemathesis.APIOperation[Any, Any, Any, Any]


def _seed(client: TestClient, admin: Person) -> None:
    """A little of everything, so generated ids (small ones come often) find rows."""
    headers = bearer(admin)

    def post(path: str, body: dict[str, Any]) -> int:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    post("/api/v1/teams", {"name": "Ops", "member_ids": [admin.id]})
    service = post("/api/v1/services", {"name": "Web"})
    post("/api/v1/incidents", {"title": "Disk full", "service_id": service})
    post(f"/api/v1/services/{service}/integrations", {"type": "alertmanager", "name": "AM"})
    schedule = post("/api/v1/schedules", {"name": "Primary", "time_zone": "Europe/Berlin"})
    layer = {"name": "Week", "participants": [admin.id], "rotation": "weekly"}
    post(f"/api/v1/schedules/{schedule}/layers", {**layer, "start": "2026-01-12T09:00"})


def _send(client: TestClient, admin: Person, case: Case) -> Any:
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=bearer(admin))
    kwargs.pop("cookies", None)
    data = kwargs.pop("data", None)
    if data is not None:
        kwargs["content" if isinstance(data, bytes | str) else "data"] = data
    return client.request(**kwargs)


def fuzz(
    client: TestClient,
    admin: Person,
    *,
    wanted: Callable[[str, str], bool],
    skip: Callable[[Case], bool] = lambda case: False,
) -> tuple[list[str], int]:
    """Server errors found (one per operation and mode), and how many requests were sent."""
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    failures: list[str] = []
    sent = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # our own schema must be valid
        operation = result.ok()
        if not wanted(operation.method.upper(), operation.path):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            examples = EXAMPLES if time.monotonic() < deadline else 1
            found, count = _probe(client, admin, operation, mode, examples, skip)
            failures.extend(found)
            sent += count
    return failures, sent


def _probe(
    client: TestClient,
    admin: Person,
    operation: Operation,
    mode: GenerationMode,
    examples: int,
    skip: Callable[[Case], bool],
) -> tuple[list[str], int]:
    """Up to `examples` requests to one operation; stops at its first server error."""
    found: list[str] = []
    sent = [0]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        if found or skip(case):
            return
        sent[0] += 1
        where = f"{case.method} {case.formatted_path} {mode.value}"
        try:  # the test client re-raises what the app did not handle
            response = _send(client, admin, case)
        except Exception as exc:
            found.append(f"{where}: {type(exc).__name__}: {exc} {case.as_curl_command()}")
            return
        if response.status_code >= 500:
            found.append(f"{where}: {response.status_code} {case.as_curl_command()}")
            return
        try:  # the answer must be what the OpenAPI says it is
            operation.validate_response(response, case=case)
        except Exception as exc:
            summary = " ".join(str(exc).split())[:600]
            found.append(f"{where}: {response.status_code} breaks the schema: {summary}")

    # Negative mode has nothing to break in an operation without inputs.
    with contextlib.suppress(Unsatisfiable):
        run()
    return found, sent[0]


def _is_credential_route(method: str, path: str) -> bool:
    return method == "DELETE" or any(part in path for part in CREDENTIAL_PATHS)


def test_no_input_to_the_api_is_a_server_error(client: TestClient, admin: Person) -> None:
    _seed(client, admin)

    def own_account(case: Case) -> bool:  # deactivating or demoting the fuzzer ends the run
        return case.method == "PATCH" and (case.path_parameters or {}).get("user_id") == admin.id

    failures, sent = fuzz(
        client,
        admin,
        wanted=lambda method, path: not _is_credential_route(method, path),
        skip=own_account,
    )
    assert failures == [], "\n".join(failures)
    assert sent > 500


def test_no_delete_or_credential_request_is_a_server_error(
    client: TestClient, admin: Person
) -> None:
    _seed(client, admin)
    [own] = client.get("/api/v1/tokens", headers=bearer(admin)).json()["items"]

    def own_token(case: Case) -> bool:
        return (case.path_parameters or {}).get("token_id") == own["id"] or (
            case.method == "DELETE" and (case.path_parameters or {}).get("user_id") == admin.id
        )

    failures, sent = fuzz(client, admin, wanted=_is_credential_route, skip=own_token)
    assert failures == [], "\n".join(failures)
    assert sent > 100
