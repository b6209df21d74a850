"""`/api/v1/schedules`: CRUD, layers, overrides, who is on call, shifts, calendar feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot

SCHEDULES = "/api/v1/schedules"


def make_schedule(client: TestClient, admin: Person, **fields: Any) -> dict[str, Any]:
    body = {"name": "Primary", "time_zone": "Europe/Berlin", **fields}
    response = client.post(SCHEDULES, json=body, headers=bearer(admin))
    assert response.status_code == 201, response.text
    schedule: dict[str, Any] = response.json()
    return schedule


def add_layer(
    client: TestClient, admin: Person, schedule_id: int, participants: list[int], **fields: Any
) -> dict[str, Any]:
    body = {
        "name": "Week",
        "participants": participants,
        "rotation": "daily",
        "handoff_time": "09:00",
        "start": "2026-01-12T09:00",
        **fields,
    }
    response = client.post(f"{SCHEDULES}/{schedule_id}/layers", json=body, headers=bearer(admin))
    assert response.status_code == 201, response.text
    layer: dict[str, Any] = response.json()
    return layer


def test_a_schedule_with_a_layer_is_created_read_changed_and_deleted(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    created = client.post(
        SCHEDULES,
        json={"name": "Primary", "time_zone": "Europe/Berlin"},
        headers=bearer(admin),
    )
    assert created.status_code == 201
    url = created.headers["location"]
    layer = add_layer(client, admin, created.json()["id"], [responder.id, viewer.id])
    assert layer["position"] == 1
    assert layer["start"] == "2026-01-12T09:00:00"
    read = client.get(url, headers=bearer(viewer)).json()
    assert [item["participants"] for item in read["layers"]] == [[responder.id, viewer.id]]
    assert read["has_ical_feed"] is False
    changed = client.patch(url, json={"description": "Web tier"}, headers=bearer(admin)).json()
    assert (changed["name"], changed["description"]) == ("Primary", "Web tier")
    listed = client.get(f"{SCHEDULES}?q=prim", headers=bearer(viewer)).json()
    assert [item["name"] for item in listed["items"]] == ["Primary"]
    assert client.delete(url, headers=bearer(admin)).status_code == 204
    assert client.get(url, headers=bearer(admin)).status_code == 404


def test_a_layer_is_changed_and_deleted(
    client: TestClient, admin: Person, responder: Person
) -> None:
    schedule = make_schedule(client, admin)
    layer = add_layer(client, admin, schedule["id"], [responder.id])
    url = f"{SCHEDULES}/{schedule['id']}/layers/{layer['id']}"
    body = {"restrictions": [{"days": [4, 0, 0], "start": "18:00", "end": "09:00"}]}
    changed = client.patch(url, json=body, headers=bearer(admin))
    assert changed.status_code == 200, changed.text
    assert changed.json()["restrictions"] == [{"days": [0, 4], "start": "18:00", "end": "09:00"}]
    assert client.delete(url, headers=bearer(admin)).status_code == 204
    assert client.get(f"{SCHEDULES}/{schedule['id']}", headers=bearer(admin)).json()["layers"] == []


def test_who_is_on_call_now_and_at_a_given_time(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    schedule = make_schedule(client, admin)
    add_layer(client, admin, schedule["id"], [responder.id, viewer.id])
    url = f"{SCHEDULES}/{schedule['id']}/on-call"
    now = client.get(url, headers=bearer(viewer)).json()  # the clock: 15 January 09:00 UTC
    assert now["user_ids"] == [viewer.id]
    assert now["users"] == [{"id": viewer.id, "login": "view", "name": "View"}]
    assert now["until"] == "2026-01-16T08:00:00Z"
    later = client.get(url, params={"at": "2026-01-16T08:00:00Z"}, headers=bearer(viewer)).json()
    assert later["user_ids"] == [responder.id]


def test_shifts_are_listed_with_each_layers_own(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    schedule = make_schedule(client, admin)
    add_layer(client, admin, schedule["id"], [responder.id])
    office = [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}]
    add_layer(client, admin, schedule["id"], [viewer.id], name="Office", restrictions=office)
    params = {"start": "2026-01-19T00:00:00Z", "end": "2026-01-20T00:00:00Z", "layers": "true"}
    found = client.get(
        f"{SCHEDULES}/{schedule['id']}/shifts", params=params, headers=bearer(viewer)
    ).json()
    assert [(s["user_id"], s["start"], s["end"]) for s in found["final"]] == [
        (responder.id, "2026-01-19T00:00:00Z", "2026-01-19T08:00:00Z"),
        (viewer.id, "2026-01-19T08:00:00Z", "2026-01-19T16:00:00Z"),
        (responder.id, "2026-01-19T16:00:00Z", "2026-01-20T00:00:00Z"),
    ]
    assert [layer["name"] for layer in found["layers"]] == ["Office", "Week"]


def test_an_override_next_to_the_same_users_layer_shift_keeps_its_own_id(
    client: TestClient, admin: Person, responder: Person
) -> None:
    schedule = make_schedule(client, admin)
    layer = add_layer(client, admin, schedule["id"], [responder.id])
    body = {
        "user_id": responder.id,
        "starts_at": "2026-01-19T10:00:00Z",
        "ends_at": "2026-01-19T12:00:00Z",
    }
    override = client.post(
        f"{SCHEDULES}/{schedule['id']}/overrides", json=body, headers=bearer(admin)
    ).json()
    params = {"start": "2026-01-19T09:00:00Z", "end": "2026-01-19T13:00:00Z"}
    found = client.get(
        f"{SCHEDULES}/{schedule['id']}/shifts", params=params, headers=bearer(admin)
    ).json()
    assert [(s["start"], s["layer_id"], s["override_id"]) for s in found["final"]] == [
        ("2026-01-19T09:00:00Z", layer["id"], None),
        ("2026-01-19T10:00:00Z", None, override["id"]),
        ("2026-01-19T12:00:00Z", layer["id"], None),
    ]


def test_a_responder_adds_and_removes_an_override(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    schedule = make_schedule(client, admin)
    add_layer(client, admin, schedule["id"], [viewer.id])
    overrides = f"{SCHEDULES}/{schedule['id']}/overrides"
    body = {
        "user_id": responder.id,
        "starts_at": "2026-01-15T08:00:00Z",
        "ends_at": "2026-01-15T20:00:00+01:00",
    }
    created = client.post(overrides, json=body, headers=bearer(responder))
    assert created.status_code == 201, created.text
    assert created.json()["created_by_id"] == responder.id
    assert created.json()["ends_at"] == "2026-01-15T19:00:00Z"
    on_call = client.get(f"{SCHEDULES}/{schedule['id']}/on-call", headers=bearer(viewer)).json()
    assert on_call["user_ids"] == [responder.id]
    listed = client.get(overrides, headers=bearer(viewer)).json()
    assert [item["id"] for item in listed] == [created.json()["id"]]
    url = created.headers["location"]
    assert client.delete(url, headers=bearer(responder)).status_code == 204
    assert client.get(overrides, headers=bearer(viewer)).json() == []


@pytest.mark.parametrize(
    ("method", "path", "body", "who", "status"),
    [
        ("post", "", {"name": "X", "time_zone": "UTC"}, "responder", 403),
        ("post", "", {"name": "X", "time_zone": "Mars/Olympus"}, "admin", 422),
        ("post", "", {"name": "Primary", "time_zone": "UTC"}, "admin", 409),
        ("patch", "/{id}", {"name": None}, "admin", 422),
        ("delete", "/{id}", None, "responder", 403),
        ("post", "/{id}/layers", {"name": "L"}, "admin", 422),
        ("post", "/{id}/layers", "LAYER", "responder", 403),
        ("post", "/{id}/layers", "LAYER_AT_1", "admin", 409),
        ("post", "/{id}/layers", "LAYER_WITH_GHOST", "admin", 422),
        ("post", "/{id}/layers", "LAYER_WITH_OFFSET", "admin", 422),
        ("patch", "/{id}/layers/{layer}", {"end": "2020-01-01T00:00"}, "admin", 422),
        ("patch", "/{id}/layers/{layer}", {"rotation_length": 3}, "admin", 422),
        ("delete", "/{id}/layers/{layer}", None, "responder", 403),
        ("post", "/{id}/overrides", "EMPTY_OVERRIDE", "admin", 422),
        ("post", "/{id}/overrides", "NAIVE_OVERRIDE", "admin", 422),
        ("post", "/{id}/overrides", "OVERRIDE", "viewer", 403),
        ("delete", "/{id}/overrides/999", None, "admin", 404),
        ("post", "/{id}/ical-token", None, "responder", 403),
        ("post", "/999/overrides", "OVERRIDE", "admin", 404),
    ],
)
def test_refusals_are_problems_and_change_nothing(
    client: TestClient,
    admin: Person,
    responder: Person,
    viewer: Person,
    snapshot: Snapshot,
    method: str,
    path: str,
    body: Any,
    who: str,
    status: int,
) -> None:
    schedule = make_schedule(client, admin)
    layer = add_layer(client, admin, schedule["id"], [responder.id])
    people = {"admin": admin, "responder": responder, "viewer": viewer}
    layer_body = {
        "name": "L",
        "participants": [responder.id],
        "rotation": "weekly",
        "start": "2026-01-12T09:00",
    }
    span = {"user_id": viewer.id, "starts_at": "2026-01-16T09:00:00Z"}
    bodies = {
        "LAYER": layer_body,
        "LAYER_AT_1": {**layer_body, "position": 1},
        "LAYER_WITH_GHOST": {**layer_body, "participants": [responder.id, 4040]},
        "LAYER_WITH_OFFSET": {**layer_body, "start": "2026-01-12T09:00:00Z"},
        "OVERRIDE": {**span, "ends_at": "2026-01-16T10:00:00Z"},
        "EMPTY_OVERRIDE": {**span, "ends_at": "2026-01-16T09:00:00Z"},
        "NAIVE_OVERRIDE": {**span, "ends_at": "2026-01-16T10:00:00"},
    }
    url = SCHEDULES + path.format(id=schedule["id"], layer=layer["id"])
    before = snapshot()
    kwargs: dict[str, Any] = {"headers": bearer(people[who])}
    if body is not None:
        kwargs["json"] = bodies.get(body, body) if isinstance(body, str) else body
    response = client.request(method.upper(), url, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert snapshot() == before


def test_a_range_of_more_than_a_year_is_refused(client: TestClient, admin: Person) -> None:
    schedule = make_schedule(client, admin)
    params = {"start": "2026-01-01T00:00:00Z", "end": "2027-06-01T00:00:00Z"}
    response = client.get(
        f"{SCHEDULES}/{schedule['id']}/shifts", params=params, headers=bearer(admin)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query.end"


def path_of(url: str) -> str:
    """The feed's path: the URL names the configured base URL, not the test server."""
    return urlsplit(url).path


def _events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_a_schedule_feed_url_works_until_it_is_rotated(
    client: TestClient, admin: Person, responder: Person
) -> None:
    schedule = make_schedule(client, admin)
    add_layer(client, admin, schedule["id"], [responder.id, admin.id])
    token_url = f"{SCHEDULES}/{schedule['id']}/ical-token"
    first = path_of(client.post(token_url, headers=bearer(admin)).json()["url"])
    assert first.startswith("/ical/schedules/wk_ics_")
    feed = client.get(first)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = _events(feed.content)
    assert len(events) == 61  # the running shift and 60 days more
    assert {str(event["summary"]) for event in events} == {
        "On call: Primary (Resp)",
        "On call: Primary (Root)",
    }
    assert client.get(f"{SCHEDULES}/{schedule['id']}", headers=bearer(admin)).json()[
        "has_ical_feed"
    ]
    second = path_of(client.post(token_url, headers=bearer(admin)).json()["url"])
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_user_gets_a_feed_of_their_own_shifts_but_not_of_others(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    schedule = make_schedule(client, admin)
    add_layer(client, admin, schedule["id"], [responder.id, viewer.id])
    mine = client.post(f"/api/v1/users/{responder.id}/ical-token", headers=bearer(responder))
    assert mine.status_code == 200
    events = _events(client.get(path_of(mine.json()["url"])).content)
    assert len(events) == 30
    assert {str(event["summary"]) for event in events} == {"On call: Primary"}
    start = min(event.decoded("dtstart") for event in events)
    assert start == datetime(2026, 1, 16, 8, tzinfo=UTC)
    other = client.post(f"/api/v1/users/{viewer.id}/ical-token", headers=bearer(responder))
    assert other.status_code == 403
    assert client.get("/ical/users/wk_ics_guess.ics").status_code == 404


def test_the_api_exports_shifts_as_icalendar_for_the_cli(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    schedule = make_schedule(client, admin)
    add_layer(client, admin, schedule["id"], [responder.id, viewer.id])
    url = f"{SCHEDULES}/{schedule['id']}/shifts.ics"
    whole = client.get(url, headers=bearer(viewer))
    assert whole.headers["content-type"].startswith("text/calendar")
    assert len(_events(whole.content)) == 61  # the running shift and 60 more days
    only = client.get(url, params={"user_id": viewer.id}, headers=bearer(viewer))
    assert len(_events(only.content)) == 31
    per_user = client.get(f"/api/v1/users/{viewer.id}/shifts.ics", headers=bearer(viewer))
    assert len(_events(per_user.content)) == 31


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("shifts", {"start": "0001-01-01T00:00:00Z", "end": "0001-12-01T00:00:00Z"}),
        ("shifts", {"start": "9999-06-01T00:00:00Z", "end": "9999-12-31T00:00:00Z"}),
        ("on-call", {"at": "0001-01-01T00:00:00Z"}),
        ("on-call", {"at": "9999-12-31T23:59:59Z"}),
    ],
)
def test_times_beyond_what_schedules_can_compute_are_422(
    client: TestClient, admin: Person, responder: Person, path: str, params: dict[str, str]
) -> None:
    schedule = make_schedule(client, admin)
    add_layer(client, admin, schedule["id"], [responder.id])
    url = f"{SCHEDULES}/{schedule['id']}/{path}"
    response = client.get(url, params=params, headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert "between 1970 and 9000" in response.json()["detail"]
