"""Response plans through the API and the page: bad input is refused naming the field and
changes nothing; the engine module attaches a plan once and only where it applies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.conftest import START
from tests.factories import Person, bearer, browser_login, declare, make_service
from watchkeeper.db.session import Database
from watchkeeper.incidents.models import IncidentTask
from watchkeeper.response.plans import cycle
from watchkeeper.response.plans.match import Subject, applies, rule

PLANS = "/api/v1/response-plans"


def _plans(client: TestClient, who: Person) -> list[Any]:
    return list(client.get(PLANS, headers=bearer(who)).json())


def test_an_unknown_service_is_refused_naming_the_field(
    client: TestClient, responder: Person
) -> None:
    refused = client.post(PLANS, json={"name": "X", "service_id": 77}, headers=bearer(responder))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body.service_id"
    assert "no service 77" in refused.json()["detail"]
    assert _plans(client, responder) == []


def test_a_matcher_that_does_not_parse_is_refused_naming_the_field(
    client: TestClient, responder: Person
) -> None:
    refused = client.post(
        PLANS, json={"name": "X", "matchers": ["severity=~(broken"]}, headers=bearer(responder)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"].startswith("body.matchers")
    assert _plans(client, responder) == []


def test_an_upside_down_priority_range_is_refused(client: TestClient, responder: Person) -> None:
    refused = client.post(
        PLANS, json={"name": "X", "priority_min": 4, "priority_max": 2}, headers=bearer(responder)
    )
    assert refused.status_code == 422
    assert _plans(client, responder) == []


def test_a_step_linking_an_unknown_article_names_the_step(
    client: TestClient, responder: Person
) -> None:
    refused = client.post(
        PLANS,
        json={"name": "X", "steps": [{"text": "a"}, {"text": "b", "article_id": 9}]},
        headers=bearer(responder),
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body.steps[1].article_id"


def test_the_page_writes_a_plan_from_step_lines(client: TestClient, responder: Person) -> None:
    csrf = browser_login(client, responder.login)
    saved = client.post(
        "/response-plans",
        data={
            "csrf_token": csrf,
            "name": "Outage",
            "priority_min": "1",
            "priority_max": "2",
            "steps": "Open a bridge | commander\nPost a status update | communications lead",
            "enabled": "on",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    [plan] = _plans(client, responder)
    assert [(s["text"], s["role"]) for s in plan["steps"]] == [
        ("Open a bridge", "commander"),
        ("Post a status update", "communications_lead"),
    ]
    assert "Open a bridge" in client.get("/response-plans").text


def test_matching_needs_every_condition_and_one_alert_matching_all_matchers() -> None:
    plan = rule(
        plan_id=1,
        service_id=3,
        category_id=None,
        priority_min=1,
        priority_max=2,
        matcher_texts=['alertname="DiskFull"', 'env="prod"'],
    )
    both = ({"alertname": "DiskFull", "env": "prod"},)
    split = ({"alertname": "DiskFull"}, {"env": "prod"})
    assert applies(plan, Subject(3, None, 2, both))
    assert not applies(plan, Subject(3, None, 2, split))
    assert not applies(plan, Subject(4, None, 2, both))
    assert not applies(plan, Subject(3, None, 3, both))


def test_the_module_attaches_once_and_a_rerun_does_nothing(
    db: Database, client: TestClient, responder: Person
) -> None:
    service_id = db.run(lambda s: make_service(s, now=START).id)
    made = client.post(
        PLANS,
        json={"name": "Any", "service_id": service_id, "steps": [{"text": "Look"}]},
        headers=bearer(responder),
    )
    assert made.status_code == 201, made.text
    db.run(lambda s: declare(s, now=START, service_id=service_id))
    assert db.run(lambda s: cycle.run_once(s, START)) == 1
    assert db.run(lambda s: cycle.run_once(s, START)) == 0
    count = db.run(lambda s: s.scalar(select(func.count()).select_from(IncidentTask)))
    assert count == 1
    attached = client.get("/api/v1/incidents/1/plans", headers=bearer(responder)).json()
    assert [(p["name"], len(p["task_ids"])) for p in attached] == [("Any", 1)]
