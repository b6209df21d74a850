"""Validation errors read as one short sentence per field, in problem+json and on forms;
no library internals ("Value error, ", "[type=...", "input_value", errors.pydantic.dev)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from watchkeeper.core.validation import problems

INTERNALS = re.compile(
    r"Value error|\[type=|input_value|errors\.pydantic|Input should|String should"
)


def test_problem_details_say_one_human_sentence_per_field(
    client: TestClient, admin: Person
) -> None:
    response = client.post(
        "/api/v1/users",
        json={"login": "Bad Login!", "name": "  ", "time_zone": "Mars/Olympus", "role": "king"},
        headers=bearer(admin),
    )
    assert response.status_code == 422
    body = response.json()
    assert not INTERNALS.search(response.text), response.text
    errors = {item["location"]: item["detail"] for item in body["errors"]}
    assert errors == {
        "body.login": "use 2 to 64 lower-case letters, digits, '.', '_' or '-', "
        "starting with a letter or digit",
        "body.name": "cannot be blank",
        "body.role": "must be 'viewer', 'responder' or 'admin'",
        "body.time_zone": "unknown time zone; use an IANA name such as Europe/Paris",
    }
    assert body["detail"].startswith("Login: use 2 to 64 lower-case letters")
    assert "Name: cannot be blank" in body["detail"]
    assert body["detail"].endswith("; and 1 more")


def test_a_missing_field_and_a_model_rule_are_plain_sentences(
    client: TestClient, admin: Person
) -> None:
    missing = client.post("/api/v1/teams", json={}, headers=bearer(admin))
    assert missing.json()["errors"] == [
        {"location": "body.name", "detail": "is required", "pointer": "#/name"}
    ]
    assert missing.json()["detail"] == "Name: is required"
    services = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    rule = client.post(
        "/api/v1/incidents",
        json={"title": "x", "service_id": services.json()["id"], "priority": "P1"},
        headers=bearer(admin),
    )
    assert rule.status_code == 422
    assert rule.json()["detail"] == "A priority override needs a priority_reason"
    assert not INTERNALS.search(rule.text)


def test_the_user_form_shows_the_time_zone_problem_once_in_plain_words(
    client: TestClient, admin: Person
) -> None:
    csrf = browser_login(client, admin.login)
    page = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "login": "erin",
            "name": "Erin",
            "role": "viewer",
            "time_zone": "Mars/Olympus",
        },
    )
    assert page.status_code == 422
    assert "Time zone: unknown time zone; use an IANA name such as Europe/Paris" in page.text
    # once in the summary above the form, and once by its field, tied to it
    assert page.text.count("unknown time zone") == 2
    assert 'aria-describedby="time_zone-error"' in page.text
    assert '<small id="time_zone-error" class="field-error">unknown time zone;' in page.text
    assert not INTERNALS.search(page.text)


def test_a_union_reports_one_problem_per_field() -> None:
    errors = [
        {"type": "int_parsing", "loc": ("body", "x", "int"), "msg": "Input should be ..."},
        {"type": "string_type", "loc": ("body", "x", "str"), "msg": "Input should be ..."},
    ]
    [only] = problems(errors)
    assert (only.location, only.phrase, only.sentence) == (
        "body.x",
        "must be a whole number",
        "X: must be a whole number",
    )
