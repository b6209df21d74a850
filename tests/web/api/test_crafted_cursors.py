"""A crafted pagination cursor is refused with 422 on every list, whatever it holds."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.testclient import TestClient

from tests.factories import Person, bearer

WRONG_VALUES: list[list[object]] = [
    [["v", {"$gt": 1}], ["v", 1]],
    [["v", [1, 2]], ["v", 1]],
    [["v", 2**70], ["v", 2**70]],
    [["dt", "2026-01-01T00:00:00"], ["v", 1]],
    [["v", "x"], ["v", "y"]],
]


def _crafted(sort: str, values: list[object]) -> str:
    raw = json.dumps({"s": sort, "v": values}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _sorts(operation: dict[str, Any]) -> list[str]:
    [sort] = [p for p in operation["parameters"] if p["name"] == "sort"]
    names = sort["description"].rpartition(":")[2]
    return [name.strip() for name in names.split(",")]


def test_every_list_refuses_cursors_with_values_of_the_wrong_type(
    client: TestClient, admin: Person
) -> None:
    spec = client.get("/openapi.json").json()
    tried = 0
    for path, operations in spec["paths"].items():
        operation = operations.get("get", {})
        names = {p["name"] for p in operation.get("parameters", [])}
        if "cursor" not in names or "{" in path:
            continue
        for sort in _sorts(operation):
            for descending in ("", "-"):
                for values in WRONG_VALUES:
                    cursor = _crafted(descending + sort, values)
                    response = client.get(
                        path,
                        params={"sort": descending + sort, "cursor": cursor},
                        headers=bearer(admin),
                    )
                    tried += 1
                    assert response.status_code == 422, (path, sort, values, response.text)
                    assert response.json()["errors"][0]["location"] == "query.cursor"
    assert tried > 50
