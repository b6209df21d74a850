"""A page by email through a real SMTP server, acknowledged from the email's link.

A local aiosmtpd server receives what the real `watchkeeper serve` sends: each person's
verification code (which the test types back), then the page of the first escalation
level, with the incident's title, priority and service and signed acknowledge and resolve
links in both the plain-text and the HTML part. Chromium opens the acknowledge link and
presses its button; the incident is then acknowledged by that person, the timeline says
it was done through the link, and the escalation stops, so the second level never pages.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import httpx2
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.alertmanager import firing
from tests.e2e.mail import Inbox
from tests.e2e.peers import api_client, tail, wait_for
from tests.e2e.server import ServerProcess, free_port, start_server
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.users import service as users
from watchkeeper.db.session import Database

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WAIT = 20.0
ENGINE_INTERVAL = 0.2  # the engine's longest sleep
MODULE_INTERVAL = 1.0  # how often the escalate and notify_send modules run
CODE = re.compile(r"code is (\d{6})")
ALERT = "CheckoutLatencyHigh"
SERVICE = "Checkout"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_server(tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[ServerProcess]:
    env = {
        "WATCHKEEPER_SMTP_HOST": "127.0.0.1",
        "WATCHKEEPER_SMTP_PORT": str(inbox[1]),
        "WATCHKEEPER_SMTP_FROM": "pager@watchkeeper.test",
        "WATCHKEEPER_ENGINE_INTERVAL": str(ENGINE_INTERVAL),
    }
    running = start_server(tmp_path / "data", env=env)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def database(mail_server: ServerProcess, tmp_path: Path) -> Iterator[Database]:
    """The server's SQLite database, opened beside it (it is up, so migrated)."""
    opened = Database.from_url(f"sqlite:///{tmp_path / 'data' / 'watchkeeper.db'}")
    try:
        yield opened
    finally:
        opened.dispose()


def _admin_token(database: Database) -> str:
    """An API token of the first admin, as `watchkeeper token create` makes it, without
    the seconds of starting another Python process."""

    def work(session: Session) -> str:
        owner = users.get_by_login(session, login="admin")
        _, secret = access.create_token(
            session, owner=owner, name="e2e", role=None, expires_in_days=1, now=datetime.now(UTC)
        )
        return secret

    return database.run(work)


def _plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert isinstance(part, EmailMessage), message
    return str(part.get_content())


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert isinstance(part, EmailMessage), message
    return str(part.get_content())


def _person(api: httpx2.Client, inbox: Inbox, server: ServerProcess, login: str) -> int:
    """A responder with one email contact method, verified with the code mailed to it."""
    created = api.post("/api/v1/users", json={"login": login, "name": login.title()})
    assert created.status_code == 201, created.text
    user_id = int(created.json()["id"])
    address = f"{login}@example.com"
    methods = f"/api/v1/users/{user_id}/contact-methods"
    added = api.post(methods, json={"kind": "email", "address": address})
    assert added.status_code == 201, added.text
    method_id = int(added.json()["id"])
    [mail] = wait_for(
        lambda: inbox.to(address) or None,
        what=f"the verification email to {address}",
        timeout=WAIT,
        context=lambda: tail(server.output),
    )
    assert mail["From"] == "pager@watchkeeper.test"
    code = CODE.search(_plain(mail))
    assert code, _plain(mail)
    verified = api.post(f"{methods}/{method_id}/verify", json={"code": code.group(1)})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified_at"] is not None
    return user_id


def _fire(server: ServerProcess, key: str) -> None:
    response = httpx2.post(
        f"{server.url}/api/v1/integrations/{key}/alertmanager", json=firing(ALERT), timeout=10.0
    )
    assert response.status_code == 202, response.text


def _escalation(database: Database, incident_id: int) -> tuple[str, int]:
    with database.transaction(write=False) as session:
        row = session.execute(
            text("SELECT status, level FROM escalations WHERE incident_id = :id"),
            {"id": incident_id},
        ).one()
    return str(row[0]), int(row[1])


def _link(body: str, action: str) -> str:
    found = re.search(rf"^{action.title()} #\d+: (\S+)", body, re.MULTILINE)
    assert found, body
    return found.group(1)


def test_an_emailed_page_is_acknowledged_from_its_link_and_the_escalation_stops(
    mail_server: ServerProcess,
    inbox: tuple[Inbox, int],
    database: Database,
    page: Page,
) -> None:
    server, mails = mail_server, inbox[0]
    with api_client(server, _admin_token(database)) as api:
        alice = _person(api, mails, server, "alice")
        bob = _person(api, mails, server, "bob")
        service = api.post("/api/v1/services", json={"name": SERVICE})
        assert service.status_code == 201, service.text
        service_id = service.json()["id"]
        policy = api.post(
            "/api/v1/escalation-policies",
            json={
                "name": "Checkout on call",
                "repeat": 0,
                "levels": [
                    {"targets": [{"type": "user", "id": alice}], "delay_minutes": 1},
                    {"targets": [{"type": "user", "id": bob}], "delay_minutes": 1},
                ],
            },
        )
        assert policy.status_code == 201, policy.text
        changed = api.patch(
            f"/api/v1/services/{service_id}", json={"escalation_policy_id": policy.json()["id"]}
        )
        assert changed.status_code == 200, changed.text
        integration = api.post(
            f"/api/v1/services/{service_id}/integrations",
            json={"type": "alertmanager", "name": "Prometheus"},
        )
        assert integration.status_code == 201, integration.text
        before = len(mails.received())

        _fire(server, integration.json()["key"])
        [paged] = wait_for(
            lambda: (
                [m for m in mails.to("alice@example.com") if "verification" not in m["Subject"]]
                or None
            ),
            what="the page email to alice",
            timeout=WAIT,
            context=lambda: tail(server.output),
        )
        incidents = api.get("/api/v1/incidents").json()["items"]
        [incident] = incidents
        number, title, priority = incident["number"], incident["title"], incident["priority"]
        assert ALERT in title
        # Python folds this long Subject right after the colon; readers drop the space.
        subject = str(paged["Subject"]).strip()
        assert subject == f"[Watchkeeper] #{number} {priority} triggered: {title} ({SERVICE})"
        plain, html = _plain(paged), _html(paged)
        acknowledge, resolve = _link(plain, "acknowledge"), _link(plain, "resolve")
        for url in (acknowledge, resolve):
            assert url.startswith(f"{server.url}/act/"), (url, server.url)
        for body in (plain, html):
            assert title in body, body
            assert SERVICE in body, body
        assert f'href="{acknowledge}"' in html, html
        assert f'href="{resolve}"' in html, html
        assert ">Acknowledge</a>" in html, html
        assert ">Resolve</a>" in html, html
        # Only the verification codes and this page so far: bob is not paged yet.
        assert len(mails.received()) == before + 1

        # The link works without a login: a confirmation page first, the button acts.
        page.goto(acknowledge)
        expect(page.get_by_text("This link was sent to alice")).to_be_visible()
        assert api.get(f"/api/v1/incidents/{incident['id']}").json()["status"] == "triggered"
        page.get_by_role("button", name=f"Acknowledge #{number}").click()
        expect(page.get_by_role("status")).to_contain_text(
            f"incident #{number} is now acknowledged, recorded as alice"
        )

        got = api.get(f"/api/v1/incidents/{incident['id']}").json()
        assert got["status"] == "acknowledged", got
        assert got["acknowledged_at"] is not None
        timeline = api.get(f"/api/v1/incidents/{incident['id']}/timeline").json()
        [linked] = [entry for entry in timeline if entry["kind"] == "action_link"]
        assert linked["summary"] == "acknowledged through the link in a notification sent to alice"
        assert linked["actor"] == "alice", linked
        assert linked["actor_id"] == alice, linked
        assert linked["data"]["action"] == "acknowledge", linked

        # The engine sees the acknowledgement and stops the escalation for good.
        wait_for(
            lambda: _escalation(database, incident["id"])[0] == "stopped" or None,
            what="the escalation stopped",
            timeout=WAIT,
            context=lambda: tail(server.output),
        )
        time.sleep(3 * MODULE_INTERVAL)  # a few more passes of the escalate module
        assert _escalation(database, incident["id"]) == ("stopped", 1)
        with database.transaction(write=False) as session:
            pages = session.execute(text("SELECT user_id, level FROM pages")).all()
            due = session.execute(
                text("SELECT COUNT(*) FROM escalations WHERE next_at IS NOT NULL")
            ).scalar_one()
        assert [(row[0], row[1]) for row in pages] == [(alice, 1)]
        assert due == 0
        timeline = api.get(f"/api/v1/incidents/{incident['id']}/timeline").json()
        assert [entry["summary"] for entry in timeline if entry["kind"] == "paged"] == [
            "paged alice (escalation level 1)"
        ]
        assert len(mails.received()) == before + 1, [m["Subject"] for m in mails.received()]
