"""`/act/{token}`: the acknowledge and resolve links in notifications. Opening one only
asks; its button acts as the person it was sent to, with no login and no CSRF token;
forged, expired or orphaned links are refused and change nothing."""

from __future__ import annotations

from datetime import timedelta

import httpx2
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.pipeline.notify.links import Claim, Linker
from watchkeeper.settings import Settings
from watchkeeper.web.context import WebContext
from watchkeeper.web.wire.fastpath import WireFastPath

NOTIFICATION_ID = 77


@pytest.fixture
def incident_id(client: TestClient, admin: Person, responder: Person) -> int:
    service = client.post("/api/v1/services", json={"name": "Checkout"}, headers=bearer(admin))
    assert service.status_code == 201, service.text
    body = {"title": "Checkout returns 502", "service_id": service.json()["id"]}
    declared = client.post("/api/v1/incidents", json=body, headers=bearer(responder))
    assert declared.status_code == 201, declared.text
    return int(declared.json()["id"])


@pytest.fixture
def linker(client: TestClient, settings: Settings) -> Linker:
    """Signs as the app under test does: with its context's secret key."""
    app = client.app
    assert isinstance(app, WireFastPath)
    ctx = app.app.state.ctx
    assert isinstance(ctx, WebContext)
    return Linker(settings.resolved_base_url, ctx.secret_key)


def _link(
    linker: Linker,
    clock: FrozenClock,
    incident_id: int,
    user: Person,
    action: str = "acknowledge",
    *,
    lifetime: timedelta = timedelta(days=3),
) -> str:
    claim = Claim(action, incident_id, user.id, NOTIFICATION_ID, clock.now() + lifetime)
    return f"/act/{linker.token(claim)}"


def _status(db: Database, incident_id: int) -> str:
    with db.transaction(write=False) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        return incident.status


def _timeline(db: Database, incident_id: int) -> list[TimelineEntry]:
    with db.transaction(write=False) as session:
        stmt = select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
        return list(session.scalars(stmt.order_by(TimelineEntry.id)))


def _html(response: httpx2.Response) -> str:
    """The body of an HTML page (errors too: these are browser routes)."""
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_opening_a_link_asks_first_and_changes_nothing(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
) -> None:
    before = snapshot()
    page = client.get(_link(linker, clock, incident_id, responder))
    assert page.status_code == 200, page.text
    text = _html(page)
    assert "Checkout returns 502" in text
    assert "This link was sent to <strong>resp</strong>" in text
    assert '<form method="post">' in text
    assert f'<button type="submit">Acknowledge #{incident_id}</button>' in text
    assert snapshot() == before
    assert _status(db, incident_id) == "triggered"


def test_its_button_acknowledges_as_the_person_it_was_sent_to(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
) -> None:
    link = _link(linker, clock, incident_id, responder)
    clock.advance(minutes=4)
    client.cookies.clear()
    done = client.post(link)  # no session cookie, no form, no CSRF token
    assert done.status_code == 200, done.text
    assert "is now <strong>acknowledged</strong>, recorded as resp" in _html(done)
    assert "<form" not in done.text.split("<article>")[1]
    assert _status(db, incident_id) == "acknowledged"
    entries = _timeline(db, incident_id)
    [acknowledged] = [e for e in entries if e.kind == "acknowledged"]
    [via_link] = [e for e in entries if e.kind == "action_link"]
    assert (acknowledged.actor, acknowledged.actor_id) == ("resp", responder.id)
    assert acknowledged.at == clock.now()
    assert via_link.summary == "acknowledged through the link in a notification sent to resp"
    assert (via_link.actor, via_link.actor_id) == ("resp", responder.id)
    assert via_link.data == {"notification_id": NOTIFICATION_ID, "action": "acknowledge"}
    assert entries[-2:] == [acknowledged, via_link]
    with db.transaction(write=False) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        assert incident.acknowledged_at == clock.now()


def test_a_second_press_says_it_is_already_done_and_adds_nothing(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
) -> None:
    link = _link(linker, clock, incident_id, responder)
    assert client.post(link).status_code == 200
    before = snapshot()
    count = len(_timeline(db, incident_id))
    clock.advance(minutes=1)
    again = client.post(link)
    assert again.status_code == 200, again.text
    assert "Nothing to do" in again.text
    assert "already <strong>acknowledged</strong>" in again.text
    assert len(_timeline(db, incident_id)) == count
    assert snapshot() == before
    shown = client.get(link)  # opening it again shows the same, without a button
    assert "already <strong>acknowledged</strong>" in shown.text
    assert "<button" not in shown.text.split("<article>")[1]


def test_a_resolve_link_resolves(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
) -> None:
    link = _link(linker, clock, incident_id, responder, "resolve")
    page = client.get(link)
    assert f'<button type="submit">Resolve #{incident_id}</button>' in page.text
    done = client.post(link)
    assert done.status_code == 200, done.text
    assert "is now <strong>resolved</strong>" in done.text
    assert _status(db, incident_id) == "resolved"
    entries = _timeline(db, incident_id)
    [resolved] = [e for e in entries if e.kind == "resolved"]
    [via_link] = [e for e in entries if e.kind == "action_link"]
    assert (resolved.actor, resolved.actor_id) == ("resp", responder.id)
    assert via_link.summary == "resolved through the link in a notification sent to resp"
    # The acknowledge link of the same message now has nothing left to do.
    ack = client.post(_link(linker, clock, incident_id, responder))
    assert ack.status_code == 200
    assert "already <strong>resolved</strong>" in ack.text
    assert [e.kind for e in _timeline(db, incident_id)].count("action_link") == 1


def test_a_link_acts_for_whom_it_was_sent_not_for_who_presses(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    admin: Person,
    responder: Person,
    incident_id: int,
) -> None:
    done = client.post(_link(linker, clock, incident_id, admin), headers=bearer(responder))
    assert done.status_code == 200, done.text
    [acknowledged] = [e for e in _timeline(db, incident_id) if e.kind == "acknowledged"]
    assert (acknowledged.actor, acknowledged.actor_id) == ("root", admin.id)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_tampered_link_is_not_found_and_changes_nothing(
    client: TestClient,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
    method: str,
) -> None:
    link = _link(linker, clock, incident_id, responder)
    payload, signature = link.removeprefix("/act/").split(".")
    other = _link(linker, clock, incident_id + 1, responder).removeprefix("/act/").split(".")[0]
    forged = [
        f"/act/{payload}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        f"/act/{other}.{signature}",  # another incident's claim under this signature
        f"/act/{payload}",
        "/act/nonsense",
    ]
    before = snapshot()
    for url in forged:
        response = client.request(method, url)
        assert response.status_code == 404, url
        assert "not valid" in _html(response)
    assert snapshot() == before


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_expired_link_is_forbidden_and_changes_nothing(
    client: TestClient,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
    method: str,
) -> None:
    link = _link(linker, clock, incident_id, responder, lifetime=timedelta(days=3))
    clock.advance(days=3)
    before = snapshot()
    response = client.request(method, link)
    assert response.status_code == 403
    assert "expired" in _html(response)
    assert snapshot() == before


def test_a_link_signed_with_another_key_is_not_found(
    client: TestClient,
    clock: FrozenClock,
    settings: Settings,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
) -> None:
    foreign = Linker(settings.resolved_base_url, "some other installation's key")
    before = snapshot()
    assert client.post(_link(foreign, clock, incident_id, responder)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_link_of_a_deactivated_user_is_forbidden(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
    method: str,
) -> None:
    link = _link(linker, clock, incident_id, responder)
    with db.transaction() as session:
        user = session.get(User, responder.id)
        assert user is not None
        user.is_active = False
    before = snapshot()
    response = client.request(method, link)
    assert response.status_code == 403
    assert "can no longer act" in _html(response)
    assert snapshot() == before
    assert _status(db, incident_id) == "triggered"


def test_a_link_to_an_incident_that_is_gone_is_not_found(
    client: TestClient,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
) -> None:
    before = snapshot()
    assert client.post(_link(linker, clock, incident_id + 100, responder)).status_code == 404
    assert snapshot() == before


def test_the_link_expires_with_the_clock_not_before(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
) -> None:
    link = _link(linker, clock, incident_id, responder, lifetime=timedelta(days=3))
    clock.advance(timedelta(days=3) - timedelta(seconds=1))
    assert client.post(link).status_code == 200
    assert _status(db, incident_id) == "acknowledged"


def _set_role(db: Database, person: Person, role: Role) -> None:
    with db.transaction() as session:
        user = session.get(User, person.id)
        assert user is not None
        user.role = role.value


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_a_link_of_a_viewer_is_refused_and_changes_nothing(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    viewer: Person,
    incident_id: int,
    snapshot: Snapshot,
    method: str,
    action: str,
) -> None:
    link = _link(linker, clock, incident_id, viewer, action)
    before = snapshot()
    response = client.request(method, link)
    assert response.status_code == 403
    assert f"view may not {action} incidents" in _html(response)
    assert "<form" not in response.text
    assert snapshot() == before
    assert _status(db, incident_id) == "triggered"


def test_a_link_of_someone_demoted_since_it_was_sent_is_refused(
    client: TestClient,
    db: Database,
    clock: FrozenClock,
    linker: Linker,
    responder: Person,
    incident_id: int,
    snapshot: Snapshot,
) -> None:
    link = _link(linker, clock, incident_id, responder)
    assert client.get(link).status_code == 200  # the page went out while resp could act
    _set_role(db, responder, Role.VIEWER)
    before = snapshot()
    response = client.post(link)
    assert response.status_code == 403
    assert "resp may not acknowledge incidents" in _html(response)
    assert snapshot() == before
    assert _status(db, incident_id) == "triggered"
    _set_role(db, responder, Role.RESPONDER)  # and promoted again, the link works
    assert client.post(link).status_code == 200
    assert _status(db, incident_id) == "acknowledged"
