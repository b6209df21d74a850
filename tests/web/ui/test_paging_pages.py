"""Paging pages over HTTP: own notification settings, escalation policies, a service's
policy, and paging by hand from the incident page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login, make_team
from tests.web.conftest import Snapshot
from watchkeeper.catalog.services.models import Service
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.schemas import ScheduleCreate
from watchkeeper.pipeline.escalation.models import EscalationLevel, EscalationPolicy, Page
from watchkeeper.pipeline.notify.models import ContactMethod, Notification, NotificationRule
from watchkeeper.pipeline.notify.service import wants_handoff

SETTINGS = "/account/notifications"
POLICIES = "/admin/escalation-policies"


def _add_email(client: TestClient, csrf: str) -> None:
    added = client.post(
        f"{SETTINGS}/methods",
        data={"csrf_token": csrf, "kind": "email", "address": "resp@example.com", "label": "work"},
    )
    assert added.status_code == 200, added.text


def _method_id(db: Database) -> int:
    with db.transaction(write=False) as session:
        found = session.scalar(select(ContactMethod.id))
    assert found is not None
    return int(found)


def _sent_code(db: Database) -> str:
    with db.transaction(write=False) as session:
        body = session.scalar(select(Notification.body).where(Notification.kind == "verify"))
    match = re.search(r"\b(\d{6})\b", body or "")
    assert match, body
    return match.group(1)


@pytest.fixture
def service_id(client: TestClient, admin: Person) -> int:
    response = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    return int(response.json()["id"])


@pytest.fixture
def policy_id(client: TestClient, admin: Person, responder: Person) -> int:
    body = {"name": "Web on-call", "levels": [{"targets": [{"type": "user", "id": responder.id}]}]}
    response = client.post("/api/v1/escalation-policies", json=body, headers=bearer(admin))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_an_added_email_method_is_not_verified_until_its_code_comes_back(
    client: TestClient, responder: Person, db: Database
) -> None:
    csrf = browser_login(client, responder.login)
    _add_email(client, csrf)
    page = client.get(SETTINGS)
    assert "resp@example.com" in page.text
    assert "not verified" in page.text

    verified = client.post(
        f"{SETTINGS}/methods/{_method_id(db)}/verify",
        data={"csrf_token": csrf, "code": _sent_code(db)},
    )

    assert verified.status_code == 200
    assert "not verified" not in verified.text
    assert "Send test notification" in verified.text
    with db.transaction(write=False) as session:
        assert session.scalar(select(ContactMethod.verified_at)) is not None


def test_a_wrong_code_shows_a_readable_error_and_only_counts_the_try(
    client: TestClient, responder: Person, db: Database, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, responder.login)
    _add_email(client, csrf)
    right = _sent_code(db)
    wrong = "000000" if right != "000000" else "111111"
    before = snapshot()

    page = client.post(
        f"{SETTINGS}/methods/{_method_id(db)}/verify", data={"csrf_token": csrf, "code": wrong}
    )

    assert page.status_code == 422
    assert "wrong or expired code (4 tries left with this code" in page.text
    assert "not verified" in page.text
    after = snapshot()
    assert {k: v for k, v in after.items() if k != "contact_methods"} == {
        k: v for k, v in before.items() if k != "contact_methods"
    }
    with db.transaction(write=False) as session:
        assert session.scalar(select(ContactMethod.verification_failures)) == 1
        assert session.scalar(select(ContactMethod.verified_at)) is None


def test_a_webhook_signing_secret_is_shown_only_once(client: TestClient, responder: Person) -> None:
    csrf = browser_login(client, responder.login)
    page = client.post(
        f"{SETTINGS}/methods",
        data={"csrf_token": csrf, "kind": "webhook", "address": "https://hooks.example.com/wk"},
    )
    match = re.search(r'data-testid="webhook-secret">(whsec_[^<]+)<', page.text)
    assert match, page.text
    assert match.group(1) not in client.get(SETTINGS).text


def test_a_bad_address_is_refused_with_its_reason(
    client: TestClient, responder: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, responder.login)
    before = snapshot()
    page = client.post(
        f"{SETTINGS}/methods", data={"csrf_token": csrf, "kind": "email", "address": "nope"}
    )
    assert page.status_code == 422
    assert "not an email address" in page.text
    assert snapshot() == before


def test_a_test_notification_and_a_new_code_are_queued(
    client: TestClient, responder: Person, db: Database
) -> None:
    csrf = browser_login(client, responder.login)
    _add_email(client, csrf)
    method_id = _method_id(db)
    client.post(f"{SETTINGS}/methods/{method_id}/send-code", data={"csrf_token": csrf})
    tested = client.post(f"{SETTINGS}/methods/{method_id}/test", data={"csrf_token": csrf})
    assert "Test notification queued" in tested.text
    with db.transaction(write=False) as session:
        kinds = sorted(session.scalars(select(Notification.kind)))
    assert kinds == ["test", "verify", "verify"]


def test_rules_are_added_per_urgency_and_deleted(
    client: TestClient, responder: Person, db: Database
) -> None:
    csrf = browser_login(client, responder.login)
    _add_email(client, csrf)
    method_id = _method_id(db)

    page = client.post(
        f"{SETTINGS}/rules",
        data={
            "csrf_token": csrf,
            "urgency": "high",
            "contact_method_id": str(method_id),
            "delay_minutes": "5",
        },
    )

    assert page.status_code == 200
    high = page.text.split("High urgency (P1-P2)")[1].split("Low urgency (P3-P5)")[0]
    assert "work (email)" in high
    assert "5 min" in high
    with db.transaction(write=False) as session:
        rule = session.scalars(select(NotificationRule)).one()
    assert (rule.urgency, rule.contact_method_id, rule.delay_minutes) == ("high", method_id, 5)

    client.post(f"{SETTINGS}/rules/{rule.id}/delete", data={"csrf_token": csrf})
    with db.transaction(write=False) as session:
        assert session.scalar(select(NotificationRule.id)) is None


def test_deleting_a_method_removes_it(client: TestClient, responder: Person, db: Database) -> None:
    csrf = browser_login(client, responder.login)
    _add_email(client, csrf)
    page = client.post(f"{SETTINGS}/methods/{_method_id(db)}/delete", data={"csrf_token": csrf})
    assert "resp@example.com" not in page.text
    with db.transaction(write=False) as session:
        assert session.scalar(select(ContactMethod.id)) is None


def test_the_handoff_checkbox_saves_the_preference(
    client: TestClient, responder: Person, db: Database
) -> None:
    csrf = browser_login(client, responder.login)
    client.post(f"{SETTINGS}/preferences", data={"csrf_token": csrf, "handoff": "true"})
    with db.transaction(write=False) as session:
        assert wants_handoff(session, user_id=responder.id)
    client.post(f"{SETTINGS}/preferences", data={"csrf_token": csrf})
    with db.transaction(write=False) as session:
        assert not wants_handoff(session, user_id=responder.id)


def test_an_admin_creates_a_policy_with_two_levels_and_sees_it_listed(
    client: TestClient, admin: Person, responder: Person, db: Database, clock: FrozenClock
) -> None:
    with db.transaction() as session:
        team = make_team(session, now=clock.now(), name="DB")
        schedule = schedules.create(
            session, data=ScheduleCreate(name="Primary", time_zone="UTC"), now=clock.now()
        )
        team_id, schedule_id = team.id, schedule.id
    csrf = browser_login(client, admin.login)

    page = client.post(
        POLICIES,
        data={
            "csrf_token": csrf,
            "name": "Database",
            "repeat": "1",
            "level-0-targets": [f"user:{responder.id}", f"team:{team_id}"],
            "level-0-delay": "30",
            "level-1-targets": [f"schedule:{schedule_id}"],
            "level-1-delay": "15",
            "level-2-delay": "30",
        },
    )

    assert page.status_code == 200, page.text
    assert "1: resp, team DB → 30 min; 2: schedule Primary → 15 min" in page.text
    with db.transaction(write=False) as session:
        levels = session.scalars(select(EscalationLevel).order_by(EscalationLevel.position))
        assert [(level.delay_minutes, len(level.targets)) for level in levels] == [(30, 2), (15, 1)]


def test_a_policy_without_any_target_is_refused(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, admin.login)
    before = snapshot()
    page = client.post(POLICIES, data={"csrf_token": csrf, "name": "Empty", "level-0-delay": "30"})
    assert page.status_code == 422
    assert "at least one level with a target" in page.text
    assert snapshot() == before


def test_editing_a_policy_drops_emptied_rows_and_adds_the_new_one(
    client: TestClient, admin: Person, responder: Person, db: Database, policy_id: int
) -> None:
    csrf = browser_login(client, admin.login)
    edit = client.get(f"{POLICIES}/{policy_id}")
    assert f'value="user:{responder.id}" selected' in edit.text

    saved = client.post(
        f"{POLICIES}/{policy_id}",
        data={
            "csrf_token": csrf,
            "name": "Web on-call",
            "repeat": "0",
            "level-0-delay": "30",
            "level-1-targets": [f"user:{admin.id}"],
            "level-1-delay": "10",
        },
    )

    assert saved.status_code == 200
    assert "Saved." in saved.text
    with db.transaction(write=False) as session:
        levels = session.scalars(select(EscalationLevel)).all()
    assert [(level.targets, level.delay_minutes) for level in levels] == [
        ([{"type": "user", "id": admin.id}], 10)
    ]


def test_an_admin_chooses_a_policy_for_a_service(
    client: TestClient, admin: Person, db: Database, service_id: int, policy_id: int
) -> None:
    csrf = browser_login(client, admin.login)
    url = f"/admin/services/{service_id}"

    page = client.post(
        f"{url}/escalation", data={"csrf_token": csrf, "escalation_policy_id": str(policy_id)}
    )

    assert page.status_code == 200
    assert f'<option value="{policy_id}" selected>Web on-call</option>' in page.text
    with db.transaction(write=False) as session:
        assert session.scalar(select(Service.escalation_policy_id)) == policy_id
    client.post(f"{url}/escalation", data={"csrf_token": csrf, "escalation_policy_id": ""})
    with db.transaction(write=False) as session:
        assert session.scalar(select(Service.escalation_policy_id)) is None


def test_an_unknown_policy_is_refused_on_a_service(
    client: TestClient, admin: Person, service_id: int, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, admin.login)
    before = snapshot()
    page = client.post(
        f"/admin/services/{service_id}/escalation",
        data={"csrf_token": csrf, "escalation_policy_id": "999"},
    )
    assert page.status_code == 422
    assert "no escalation policy 999" in page.text
    assert snapshot() == before


def test_a_policy_in_use_is_not_deleted_and_says_why(
    client: TestClient, admin: Person, db: Database, service_id: int, policy_id: int
) -> None:
    csrf = browser_login(client, admin.login)
    client.post(
        f"/admin/services/{service_id}/escalation",
        data={"csrf_token": csrf, "escalation_policy_id": str(policy_id)},
    )

    refused = client.post(f"{POLICIES}/{policy_id}/delete", data={"csrf_token": csrf})

    assert refused.status_code == 409
    assert "the policy is used by services: Web" in refused.text
    client.post(
        f"/admin/services/{service_id}/escalation",
        data={"csrf_token": csrf, "escalation_policy_id": ""},
    )
    deleted = client.post(
        f"{POLICIES}/{policy_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert deleted.status_code == 303
    with db.transaction(write=False) as session:
        assert session.scalar(select(EscalationPolicy.id)) is None


def test_viewers_cannot_open_or_change_escalation_policies(
    client: TestClient, viewer: Person, policy_id: int, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, viewer.login)
    before = snapshot()
    assert client.get(POLICIES).status_code == 403
    assert client.get(f"{POLICIES}/{policy_id}").status_code == 403
    created = client.post(
        POLICIES,
        data={"csrf_token": csrf, "name": "Mine", "level-0-targets": f"user:{viewer.id}"},
    )
    assert created.status_code == 403
    deleted = client.post(f"{POLICIES}/{policy_id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 403
    assert snapshot() == before


def test_a_responder_pages_a_user_from_the_incident_page(
    client: TestClient, responder: Person, admin: Person, db: Database, service_id: int
) -> None:
    client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service_id},
        headers=bearer(responder),
    )
    csrf = browser_login(client, responder.login)
    assert 'action="/incidents/1/page"' in client.get("/incidents/1").text

    page = client.post(
        "/incidents/1/page",
        data={"csrf_token": csrf, "user_ids": str(admin.id), "message": "need a DBA"},
    )

    assert page.status_code == 200
    assert "paged root (paged by resp: need a DBA)" in page.text
    with db.transaction(write=False) as session:
        pages = session.scalars(select(Page)).all()
        kinds = list(session.scalars(select(TimelineEntry.kind)))
    assert [(p.incident_id, p.user_id) for p in pages] == [(1, admin.id)]
    assert "paged" in kinds


def test_paging_nobody_shows_a_readable_error_and_changes_nothing(
    client: TestClient, responder: Person, service_id: int, snapshot: Snapshot
) -> None:
    client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service_id},
        headers=bearer(responder),
    )
    csrf = browser_login(client, responder.login)
    before = snapshot()
    page = client.post("/incidents/1/page", data={"csrf_token": csrf, "message": "anyone?"})
    assert page.status_code == 422
    assert "name at least one user, team, schedule or policy to page" in page.text
    assert snapshot() == before


def test_viewers_cannot_page(
    client: TestClient, viewer: Person, responder: Person, service_id: int, snapshot: Snapshot
) -> None:
    client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service_id},
        headers=bearer(responder),
    )
    csrf = browser_login(client, viewer.login)
    assert 'action="/incidents/1/page"' not in client.get("/incidents/1").text
    before = snapshot()
    refused = client.post(
        "/incidents/1/page", data={"csrf_token": csrf, "user_ids": str(responder.id)}
    )
    assert refused.status_code == 403
    assert snapshot() == before
