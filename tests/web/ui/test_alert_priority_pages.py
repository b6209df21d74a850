"""The admin pages that set what an alert's incident gets: the severity table and a
service's default impact."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login, make_service
from watchkeeper.catalog.services.models import Service
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.incidents.policy import service as policy


def test_an_admin_saves_the_severity_table_from_the_policy_page(
    client: TestClient, admin: Person, db: Database
) -> None:
    csrf = browser_login(client, admin.login)
    page = client.get("/admin/policy")
    assert 'name="urgency_critical"' in page.text
    assert "service default" in page.text
    form = {"csrf_token": csrf}
    for name, impact, urgency in (
        ("critical", "", "1"),
        ("error", "", "1"),
        ("warning", "3", "4"),
        ("info", "4", "4"),
    ):
        form |= {f"impact_{name}": impact, f"urgency_{name}": urgency}
    saved = client.post("/admin/policy/severities", data=form, follow_redirects=False)
    assert saved.status_code == 303
    table, is_default = db.run(policy.severities, write=False)
    assert not is_default
    assert (table["error"].impact, table["error"].urgency) == (None, 1)
    assert (table["warning"].impact, table["warning"].urgency) == (3, 4)


def test_an_admin_sets_a_services_default_impact(
    client: TestClient, admin: Person, db: Database, clock: FrozenClock
) -> None:
    service_id = db.run(lambda s: make_service(s, now=clock.now()).id)
    csrf = browser_login(client, admin.login)
    page = client.get(f"/admin/services/{service_id}")
    assert 'name="default_impact"' in page.text
    saved = client.post(
        f"/admin/services/{service_id}/alerting",
        data={"csrf_token": csrf, "default_impact": "3", "group_window_minutes": "60"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    service = db.run(lambda s: s.get(Service, service_id), write=False)
    assert service is not None
    assert service.default_impact == 3
    api = client.get(f"/api/v1/services/{service_id}", headers=bearer(admin)).json()
    assert api["default_impact"] == 3
