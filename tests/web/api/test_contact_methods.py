"""Contact-method verification over the API: each wrong code is refused yet counted, a code
locks after five, and trying codes or having them sent is rate-limited per person."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from watchkeeper.db.session import Database
from watchkeeper.pipeline.notify.models import ContactMethod, Notification


def _api(person: Person) -> str:
    return f"/api/v1/users/{person.id}/contact-methods"


def _add(client: TestClient, person: Person, address: str = "resp@example.com") -> int:
    created = client.post(
        _api(person), json={"kind": "email", "address": address}, headers=bearer(person)
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _code(db: Database) -> str:
    with db.transaction(write=False) as session:
        stmt = select(Notification.body).where(Notification.kind == "verify")
        body = session.scalars(stmt.order_by(Notification.id.desc())).first()
    match = re.search(r"\b(\d{6})\b", body or "")
    assert match, body
    return match.group(1)


def _codes_sent(db: Database) -> int:
    with db.transaction(write=False) as session:
        stmt = select(func.count()).where(Notification.kind == "verify")
        return int(session.scalar(stmt) or 0)


def test_wrong_codes_are_refused_counted_and_lock_the_code(
    client: TestClient, db: Database, responder: Person
) -> None:
    method_id = _add(client, responder)
    code = _code(db)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1, 0):
        refused = client.post(
            f"{_api(responder)}/{method_id}/verify", json={"code": wrong}, headers=bearer(responder)
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert f"{left} tries left" in refused.json()["detail"]
    locked = client.post(
        f"{_api(responder)}/{method_id}/verify", json={"code": code}, headers=bearer(responder)
    )
    assert locked.status_code == 422
    assert "send a new code" in locked.json()["detail"]
    [method] = client.get(_api(responder), headers=bearer(responder)).json()
    assert method["verified_at"] is None

    resent = client.post(f"{_api(responder)}/{method_id}/send-code", headers=bearer(responder))
    assert resent.status_code == 202
    verified = client.post(
        f"{_api(responder)}/{method_id}/verify",
        json={"code": _code(db)},
        headers=bearer(responder),
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified_at"] is not None


def test_trying_codes_is_rate_limited_per_person(
    client: TestClient, db: Database, responder: Person, admin: Person
) -> None:
    first, second = _add(client, responder), _add(client, responder, "resp2@example.com")
    for attempt in range(10):
        method_id = first if attempt % 2 else second
        response = client.post(
            f"{_api(responder)}/{method_id}/verify",
            json={"code": "000000"},
            headers=bearer(responder),
        )
        assert response.status_code == 422, (attempt, response.text)
    limited = client.post(
        f"{_api(responder)}/{first}/verify", json={"code": "000000"}, headers=bearer(responder)
    )
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert limited.headers["content-type"] == "application/problem+json"
    other = _add(client, admin, "root@example.com")  # someone else is not held up
    assert (
        client.post(
            f"{_api(admin)}/{other}/verify", json={"code": _code(db)}, headers=bearer(admin)
        ).status_code
        == 200
    )


@pytest.mark.parametrize("first_by", ["adding", "sending"])
def test_having_codes_sent_is_rate_limited_per_person(
    client: TestClient, db: Database, responder: Person, first_by: str
) -> None:
    method_id = _add(client, responder)  # adding a method sends its first code
    for _ in range(9):
        sent = client.post(f"{_api(responder)}/{method_id}/send-code", headers=bearer(responder))
        assert sent.status_code == 202, sent.text
    assert _codes_sent(db) == 10
    if first_by == "adding":
        limited = client.post(
            _api(responder),
            json={"kind": "email", "address": "more@example.com"},
            headers=bearer(responder),
        )
    else:
        limited = client.post(f"{_api(responder)}/{method_id}/send-code", headers=bearer(responder))
    assert limited.status_code == 429, limited.text
    assert "retry-after" in limited.headers
    assert _codes_sent(db) == 10


def test_addresses_and_signing_secrets_are_sealed_at_rest_and_shown_to_their_owner(
    client: TestClient, db: Database, responder: Person
) -> None:
    url = "tgram://123456789:AAH-bot-token/987654"
    apprise = client.post(
        _api(responder), json={"kind": "apprise", "address": url}, headers=bearer(responder)
    )
    webhook = client.post(
        _api(responder),
        json={"kind": "webhook", "address": "https://hooks.example.com/u/s3cret"},
        headers=bearer(responder),
    )
    assert apprise.status_code == webhook.status_code == 201, (apprise.text, webhook.text)
    assert apprise.json()["address"] == url
    secret = webhook.json()["secret"]
    assert secret.startswith("whsec_")
    with db.transaction(write=False) as session:
        stored = session.execute(select(ContactMethod.address, ContactMethod.secret)).all()
    raw = repr(stored)
    for plain in ("AAH-bot-token", "tgram", "s3cret", "hooks.example.com", secret):
        assert plain not in raw
    listed = client.get(_api(responder), headers=bearer(responder)).json()
    assert [m["address"] for m in listed] == [url, "https://hooks.example.com/u/s3cret"]
