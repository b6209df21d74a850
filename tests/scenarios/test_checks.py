"""Synthetic checks, told as stories: a check fails, the on-call person is paged, it
recovers and the incident resolves; a check may reach only what it is allowed to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.checkpeers import WebPeer, certificate, loopback_settings, tls_peer, web_peer
from tests.factories import bearer, make_person
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.catalog.users.roles import Role
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, db: Database) -> Settings:
    """The admin allows checks to reach loopback (where the test peers listen)."""
    return loopback_settings(tmp_path, db.engine.url.render_as_string(hide_password=False))


@pytest.fixture
def web() -> Iterator[WebPeer]:
    with web_peer() as peer:
        yield peer


def add_check(h: Harness, who: Any = None, **fields: Any) -> Any:
    service_id = h.service_ids.get("web") or h.service("web")
    body = {"kind": "http", "name": "homepage", "service_id": service_id, **fields}
    return h.client.post("/api/v1/checks", json=body, headers=bearer(who or h.admin))


def status(h: Harness, check_id: int) -> str:
    response = h.client.get(f"/api/v1/checks/{check_id}", headers=bearer(h.admin))
    return str(response.json()["status"])


def test_a_failing_http_check_pages_the_on_call_person_and_recovers(
    h: Harness, web: WebPeer
) -> None:
    p = Paging(h)
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    created = add_check(h, url=web.url, interval_seconds=30, retries=1)
    assert created.status_code == 201, created.text
    check_id = created.json()["id"]
    assert p.now() == []
    assert status(h, check_id) == "up"

    web.answers(503)
    assert p.at(seconds=30) == []  # the first failure is retried, not paged
    assert status(h, check_id) == "up"
    assert p.at(seconds=10) == [("alice", [1])]  # the retry failed too: down, paged
    [incident] = h.incidents()
    assert incident.title == "homepage: HTTP 503, expected 2xx"
    assert p.at(seconds=30) == []  # still down: paged once, not once per run

    web.answers(200, "back")
    assert p.at(seconds=30) == []
    assert status(h, check_id) == "up"
    assert h.incidents()[0].status == "resolved"


def test_a_check_outside_the_allow_list_is_refused_with_the_reason(h: Harness) -> None:
    refused = add_check(h, url="http://10.1.2.3/health")
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["detail"] == (
        "10.1.2.3 is not allowed: checks reach only public addresses; an admin can allow "
        "a network with WATCHKEEPER_CHECKS_ALLOW_CIDRS and then create checks that reach it"
    )
    assert problem["errors"][0]["location"] == "body.url"
    listed = h.client.get("/api/v1/checks", headers=bearer(h.admin))
    assert listed.json() == []


def test_only_an_admin_may_point_a_check_at_an_allow_listed_network(
    h: Harness, web: WebPeer
) -> None:
    responder = make_person(h.db, now=h.clock.now(), role=Role.RESPONDER, login="rita")
    refused = add_check(h, responder, url=web.url)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "127.0.0.1 is on an internal network that checks may reach; "
        "only an admin may create or change a check that reaches it"
    )
    assert add_check(h, h.admin, url=web.url).status_code == 201


def test_a_certificate_near_expiry_raises_one_low_urgency_alert(h: Harness, tmp_path: Path) -> None:
    real_now = datetime.now(UTC)
    h.clock.set(real_now)  # the certificate's validity is judged by the real time too
    cert, key, pem = certificate(
        tmp_path,
        name="shop.test",
        not_before=real_now - timedelta(days=60),
        not_after=real_now + timedelta(days=20, hours=1),
    )
    with tls_peer(cert, key) as port:
        created = add_check(
            h,
            kind="tls",
            name="shop certificate",
            host="127.0.0.1",
            port=port,
            server_name="shop.test",
            ca_pem=pem,
            interval_seconds=3600,
        )
        assert created.status_code == 201, created.text
        h.run_engine()
        h.clock.advance(timedelta(hours=1))
        h.run_engine()  # the next run finds the same 20 days: no second alert
    [alert] = h.alerts()
    assert alert.summary == "shop certificate: the TLS certificate expires in 20 days"
    assert (alert.severity, alert.labels["alertname"]) == ("warning", "CertificateExpiring")
    [incident] = h.incidents()
    assert incident.urgency >= 3  # low urgency: pages by the low-urgency rules
    assert status(h, created.json()["id"]) == "up"  # the certificate itself is fine


def test_pausing_a_down_check_resolves_its_incident(h: Harness, web: WebPeer) -> None:
    web.answers(500)
    created = add_check(h, url=web.url, retries=0)
    check_id = created.json()["id"]
    h.run_engine()
    assert [i.status for i in h.incidents()] == ["triggered"]
    paused = h.client.patch(
        f"/api/v1/checks/{check_id}", json={"paused": True}, headers=bearer(h.admin)
    )
    assert paused.json()["status"] == "new"
    h.run_engine()
    assert [i.status for i in h.incidents()] == ["resolved"]
    [alert] = h.alerts()
    assert alert.status == "resolved"
