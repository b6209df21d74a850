"""Logging in and out through the pages: CSRF, throttling, redirects, forced password change."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.factories import PASSWORD, Person, browser_login, make_user
from tests.web.conftest import Snapshot
from watchkeeper.catalog.access import passwords
from watchkeeper.catalog.access.models import WebSession
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database


def _sessions(db: Database) -> int:
    with db.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(WebSession)) or 0


def _login(client: TestClient, login: str, password: str, **extra: str) -> object:
    client.get("/login")
    form = {"login": login, "password": password, "csrf_token": client.cookies["wk_csrf"], **extra}
    return client.post("/login", data=form, follow_redirects=False)


def test_pages_send_anonymous_visitors_to_the_login_page(client: TestClient) -> None:
    response = client.get("/admin/users?q=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fadmin%2Fusers%3Fq%3Dx"


def test_a_good_login_opens_a_session_and_goes_where_asked(
    client: TestClient, admin: Person, db: Database
) -> None:
    response = _login(client, admin.login, PASSWORD, next="/admin/teams")
    assert getattr(response, "status_code") == 303  # noqa: B009
    assert getattr(response, "headers")["location"] == "/admin/teams"  # noqa: B009
    cookie = getattr(response, "headers")["set-cookie"]  # noqa: B009
    assert "wk_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert _sessions(db) == 1
    assert client.get("/admin/teams").status_code == 200


def test_the_next_parameter_cannot_send_people_to_another_site(
    client: TestClient, admin: Person
) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        fresh = TestClient(client.app, base_url="http://testserver")
        response = _login(fresh, admin.login, PASSWORD, next=target)
        assert getattr(response, "headers")["location"] == "/"  # noqa: B009


def test_a_bad_login_shows_the_form_again_and_opens_nothing(
    client: TestClient, admin: Person, db: Database
) -> None:
    response = _login(client, admin.login, "not-the-password")
    assert getattr(response, "status_code") == 401  # noqa: B009
    assert "wrong login or password" in getattr(response, "text")  # noqa: B009
    assert _sessions(db) == 0


def test_a_login_post_without_its_csrf_token_is_refused(
    client: TestClient, admin: Person, db: Database
) -> None:
    response = client.post("/login", data={"login": admin.login, "password": PASSWORD})
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert _sessions(db) == 0


def test_repeated_failures_are_throttled(client: TestClient, admin: Person, db: Database) -> None:
    for _ in range(10):
        assert getattr(_login(client, admin.login, "wrong"), "status_code") == 401  # noqa: B009
    blocked = _login(client, admin.login, PASSWORD)
    assert getattr(blocked, "status_code") == 429  # noqa: B009
    assert int(getattr(blocked, "headers")["retry-after"]) > 0  # noqa: B009
    assert "too many failed logins" in getattr(blocked, "text")  # noqa: B009
    assert _sessions(db) == 0


def test_spellings_of_one_login_share_one_failure_budget(
    client: TestClient, admin: Person, db: Database
) -> None:
    # Blanks around it, another case, full-width letters: all name the account `root`.
    spellings = (" root", "root\t", "ROOT", "\uff52\uff4f\uff4f\uff54", "\u00a0root ")
    for number in range(10):
        failed = _login(client, spellings[number % len(spellings)], "wrong")
        assert getattr(failed, "status_code") == 401  # noqa: B009
    blocked = _login(client, admin.login, PASSWORD)
    assert getattr(blocked, "status_code") == 429  # noqa: B009
    assert _sessions(db) == 0


def test_any_spelling_of_a_login_opens_its_session(client: TestClient, admin: Person) -> None:
    response = _login(client, "  \uff32oot\t", PASSWORD)
    assert getattr(response, "status_code") == 303  # noqa: B009


def test_parallel_guesses_cannot_pass_the_limit_together(
    client: TestClient, admin: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    """24 guesses at once against a limit of 10: only 10 get as far as the password check."""
    checking: list[int] = []
    release = threading.Event()

    def held_verify(password: str, stored_hash: str | None) -> bool:
        checking.append(1)
        release.wait(10)  # hold every check open until all guesses are in
        return passwords.verify_password(password, stored_hash)

    monkeypatch.setattr("watchkeeper.catalog.access.service.verify_password", held_verify)
    client.get("/login")
    form = {"login": admin.login, "password": "wrong", "csrf_token": client.cookies["wk_csrf"]}
    statuses: list[int] = []

    def guess() -> None:
        statuses.append(client.post("/login", data=form, follow_redirects=False).status_code)

    threads = [threading.Thread(target=guess) for _ in range(24)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(checking) + statuses.count(429) < 24 and time.monotonic() < deadline:
        release.wait(0.01)
    release.set()
    for thread in threads:
        thread.join()
    assert len(checking) == 10
    assert sorted(statuses) == [401] * 10 + [429] * 14


def test_a_good_login_gives_back_the_attempt_it_reserved(client: TestClient, admin: Person) -> None:
    for _ in range(9):
        assert getattr(_login(client, admin.login, "wrong"), "status_code") == 401  # noqa: B009
    for _ in range(3):  # successes do not use up what is left of the budget
        assert getattr(_login(client, admin.login, PASSWORD), "status_code") == 303  # noqa: B009
        client.cookies.clear()
    assert getattr(_login(client, admin.login, "wrong"), "status_code") == 401  # noqa: B009
    assert getattr(_login(client, admin.login, PASSWORD), "status_code") == 429  # noqa: B009


def test_logout_ends_the_session_for_good(client: TestClient, admin: Person, db: Database) -> None:
    csrf = browser_login(client, admin.login)
    old_cookie = client.cookies["wk_session"]
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert _sessions(db) == 0
    client.cookies.set("wk_session", old_cookie)  # a stolen copy of the cookie is worthless
    assert client.get("/api/v1/me").status_code == 401


def test_a_csrf_less_post_from_a_logged_in_browser_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    browser_login(client, admin.login)
    before = snapshot()
    response = client.post("/admin/teams", data={"name": "Forged"})
    assert response.status_code == 403
    forged = client.post("/admin/teams", data={"name": "Forged", "csrf_token": "guess"})
    assert forged.status_code == 403
    assert snapshot() == before


def test_a_one_time_password_must_be_changed_before_anything_else(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    with db.transaction() as session:
        make_user(session, now=clock.now(), login="newbie", must_change_password=True)
    csrf = browser_login(client, "newbie")
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"] == "/account/password"
    mismatch = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "my-own-password",
            "confirm_password": "my-own-passw0rd",
        },
    )
    assert mismatch.status_code == 422
    assert "differ" in mismatch.text
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "my-own-password",
            "confirm_password": "my-own-password",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 200


def test_an_unknown_page_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no route /no/such/page" in response.text
