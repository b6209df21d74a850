"""The pages that end credentials: an admin's password reset, one's own password change."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import PASSWORD, Person, bearer, browser_login


def _me(client: TestClient, person: Person) -> int:
    return client.get("/api/v1/me", headers=bearer(person)).status_code


def test_the_reset_form_offers_to_revoke_every_token(
    client: TestClient, admin: Person, responder: Person
) -> None:
    csrf = browser_login(client, admin.login)
    page = client.get(f"/admin/users/{responder.id}")
    assert 'name="revoke_tokens"' in page.text
    path = f"/admin/users/{responder.id}/password"
    assert client.post(path, data={"csrf_token": csrf}).status_code == 200
    assert _me(client, responder) == 200  # unticked: the user's scripts go on working
    reset = client.post(path, data={"csrf_token": csrf, "revoke_tokens": "true"})
    assert reset.status_code == 200
    assert 'data-testid="one-time-password"' in reset.text
    assert _me(client, responder) == 401


def test_the_password_form_offers_to_revoke_every_token(
    client: TestClient, responder: Person
) -> None:
    csrf = browser_login(client, responder.login)
    assert 'name="revoke_tokens"' in client.get("/account/password").text
    form = {
        "csrf_token": csrf,
        "current_password": PASSWORD,
        "new_password": "my-own-password",
        "confirm_password": "my-own-password",
        "revoke_tokens": "true",
    }
    changed = client.post("/account/password", data=form, follow_redirects=False)
    assert changed.status_code == 303
    assert _me(client, responder) == 401
    assert client.get("/account").status_code == 200  # the session that changed it stays
