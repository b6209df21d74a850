"""Single sign-on through a real OpenID Connect provider (node-oidc-provider): a person
signs in with the provider, their groups give them a role and a team, and what the
provider does not vouch for is refused with a reason on the login page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from tests.e2e.oidc import oidc_provider, sign_in
from tests.e2e.peers import admin_token, api_client
from tests.e2e.server import ServerProcess, free_port, start_server

pytestmark = pytest.mark.e2e

ACCOUNTS = {
    "alice": {
        "email": "Alice@Example.com",
        "email_verified": True,
        "name": "Alice",
        "groups": ["sre"],
    },
    "bob": {
        "email": "bob@example.com",
        "email_verified": True,
        "name": "Bob B",
        "preferred_username": "bob",
        "groups": ["wk-admins"],
    },
    "carol": {"email": "carol@example.com", "email_verified": True, "groups": ["marketing"]},
    "dave": {"email": "dave@example.com", "email_verified": False, "groups": ["sre"]},
}


@dataclass
class Sso:
    server: ServerProcess
    token: str


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sso]:
    data_dir: Path = tmp_path_factory.mktemp("sso")
    provider_port = free_port()
    env = {
        "WATCHKEEPER_OIDC_DISCOVERY_URL": (
            f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration"
        ),
        "WATCHKEEPER_OIDC_CLIENT_ID": "watchkeeper",
        "WATCHKEEPER_OIDC_CLIENT_SECRET": "a-long-client-secret-for-tests-only",
        "WATCHKEEPER_OIDC_SCOPES": "openid email profile groups",
        "WATCHKEEPER_OIDC_GROUP_ROLES": json.dumps({"sre": "responder", "wk-admins": "admin"}),
        "WATCHKEEPER_OIDC_GROUP_TEAMS": json.dumps({"sre": "SRE"}),
        "WATCHKEEPER_OIDC_CREATE_USERS": "true",
    }
    server = start_server(data_dir, env=env)
    client = {
        "client_id": "watchkeeper",
        "client_secret": env["WATCHKEEPER_OIDC_CLIENT_SECRET"],
        "redirect_uris": [f"{server.url}/login/oidc/callback"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    try:
        with oidc_provider(provider_port, client=client, accounts=ACCOUNTS):
            token = admin_token(data_dir, env)
            with api_client(server, token) as api:
                team = api.post("/api/v1/teams", json={"name": "SRE"})
                assert team.status_code == 201, team.text
                made = api.post(
                    "/api/v1/users",
                    json={
                        "login": "alice",
                        "name": "Alice",
                        "email": "alice@example.com",
                        "role": "viewer",
                    },
                )
                assert made.status_code == 201, made.text
            yield Sso(server=server, token=token)
    finally:
        server.stop()


def _browser(sso: Sso) -> httpx2.Client:
    return httpx2.Client(base_url=sso.server.url, timeout=10.0, follow_redirects=False)


def _me(browser: httpx2.Client) -> dict[str, object]:
    me = browser.get("/api/v1/me")
    assert me.status_code == 200, me.text
    return dict(me.json())


def test_a_known_person_signs_in_and_their_group_gives_their_role_and_team(sso: Sso) -> None:
    with _browser(sso) as browser:
        assert "Sign in with single sign-on" in browser.get("/login").text
        answer = sign_in(browser, f"{sso.server.url}/login/oidc?next=/incidents", login="alice")
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/incidents"
        me = _me(browser)
        assert (me["login"], me["role"]) == ("alice", "responder")
    with api_client(sso.server, sso.token) as api:
        [team] = api.get("/api/v1/teams").json()["items"]
        users = {u["login"]: u["id"] for u in api.get("/api/v1/users").json()["items"]}
        assert users["alice"] in api.get(f"/api/v1/teams/{team['id']}").json()["member_ids"]


def test_a_new_person_is_created_at_first_sign_in_with_the_role_of_their_group(sso: Sso) -> None:
    with _browser(sso) as browser:
        answer = sign_in(browser, f"{sso.server.url}/login/oidc", login="bob")
        assert answer.status_code == 303, answer.text
        me = _me(browser)
        assert (me["login"], me["name"], me["role"]) == ("bob", "Bob B", "admin")


@pytest.mark.parametrize(
    ("login", "reason"),
    [
        ("carol", "none of your identity provider groups gives a role"),
        ("dave", "did not give a verified email address"),
    ],
)
def test_a_person_the_rules_do_not_admit_is_told_why(sso: Sso, login: str, reason: str) -> None:
    with _browser(sso) as browser:
        answer = sign_in(browser, f"{sso.server.url}/login/oidc", login=login)
        assert answer.status_code == 401
        assert reason in answer.text
        assert browser.get("/api/v1/me").status_code == 401
    with api_client(sso.server, sso.token) as api:
        logins = {u["login"] for u in api.get("/api/v1/users").json()["items"]}
        assert login not in logins


def test_an_answer_for_another_sign_in_is_refused(sso: Sso) -> None:
    with _browser(sso) as browser:
        started = browser.get("/login/oidc")
        assert started.status_code == 303
        forged = browser.get("/login/oidc/callback", params={"code": "x", "state": "not-ours"})
        assert forged.status_code == 401
        assert "does not match this sign-in" in forged.text
    with _browser(sso) as stranger:
        cold = stranger.get("/login/oidc/callback", params={"code": "x", "state": "y"})
        assert cold.status_code == 401
        assert "expired or was started elsewhere" in cold.text
