"""`watchkeeper incident ...` as a separate process against the real server, over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import typer

from tests.cli.remote import Remote, remote_server
from tests.e2e.server import free_port
from watchkeeper.cli.client import Api, Target
from watchkeeper.cli.common import friendly

pytestmark = pytest.mark.e2e

TITLE = "Disk full on web-1"


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory, prefix=("incident",)) as started:
        started.post("/api/v1/services", {"name": "Web"})
        yield started


def _declare(remote: Remote, service: str) -> int:
    """Declare the test's incident (impact 2 and urgency 2 make it P3); its number."""
    created = remote.ok("create", TITLE, "--service", service, "--impact", "2", "--urgency", "2")
    match = re.fullmatch(rf"#(\d+) P3 triggered: {TITLE}\n", created)
    assert match, created
    return int(match.group(1))


def test_an_incident_goes_from_declared_to_closed(remote: Remote) -> None:
    number = _declare(remote, "web")
    listed = remote.ok("list", "--status", "triggered")
    assert re.search(rf"^ ?{number}\s+P3\s+triggered\s+{TITLE}\s+1\s", listed, re.M)
    page = json.loads(remote.ok("list", "--priority", "P3", "--json"))
    assert number in [item["number"] for item in page["items"]]
    assert remote.ok("ack", str(number)) == f"#{number} P3 acknowledged: {TITLE}\n"
    resolved = json.loads(remote.ok("resolve", str(number), "--note", "cleaned [tmp]", "--json"))
    assert resolved["status"] == "resolved"
    closed = remote.ok("close", str(number), "--code", "fixed", "--root-cause", "no log rotation")
    assert closed == f"#{number} P3 closed: {TITLE}\n"
    shown = remote.ok("show", str(number))
    for kind in ("created", "acknowledged", "resolved", "closed"):
        assert re.search(rf"\badmin\s+{kind}\s", shown), shown
    assert "cleaned [tmp]" in shown
    assert "no log rotation" in shown


def test_refusals_are_one_error_line(remote: Remote) -> None:
    number = _declare(remote, "1")
    assert remote.error("close", str(number)) == (
        "error: cannot close an incident that is triggered; allowed: acknowledge, resolve"
    )
    assert remote.error("show", "999999") == "error: no incident #999999"
    assert remote.error("create", "x", "--service", "we") == (
        "error: no service with slug 'we'; similar: web"
    )


def test_a_bad_token_an_unreachable_server_and_no_settings_say_what_to_fix(remote: Remote) -> None:
    bad_token = remote.env(WATCHKEEPER_URL=remote.server.url, WATCHKEEPER_TOKEN="wk_api_nope")
    refused = remote.error("list", env=bad_token)
    assert "API token is unknown" in refused
    assert "--token" in refused
    nowhere = f"http://127.0.0.1:{free_port()}"
    unreachable = remote.error("list", "--url", nowhere, "--token", remote.token, env=remote.env())
    assert unreachable.startswith(f"error: cannot reach {nowhere}: ")
    missing = remote.error("ack", "1", env=remote.env())
    for hint in ("--url", "--token", "WATCHKEEPER_URL", "WATCHKEEPER_TOKEN", "client.toml"):
        assert hint in missing


def test_the_config_file_and_flags_give_url_and_token(remote: Remote, tmp_path: Path) -> None:
    config = tmp_path / "client.toml"
    config.write_text(f'url = "{remote.server.url}"\ntoken = "{remote.token}"\n')
    number = _declare(remote, "web")
    shown = json.loads(
        remote.ok("show", str(number), "--json", "--config", str(config), env=remote.env())
    )
    assert shown["incident"]["title"] == TITLE
    assert [entry["kind"] for entry in shown["timeline"]] == ["created"]
    # Flags beat variables, which beat the file that WATCHKEEPER_CLIENT_CONFIG names.
    env = remote.env(WATCHKEEPER_CLIENT_CONFIG=str(config), WATCHKEEPER_TOKEN="wk_api_nope")
    assert remote.ok("ack", str(number), "--token", remote.token, env=env).startswith(f"#{number} ")
    assert "API token is unknown" in remote.error("list", env=env)


def _odd_server(request: httpx2.Request) -> httpx2.Response:
    answers = {
        "/moved": httpx2.Response(301, headers={"location": "https://example.com/"}),
        "/html": httpx2.Response(404, text="<html>not here</html>"),
        "/page": httpx2.Response(200, text="<html>welcome</html>"),
        "/invalid": httpx2.Response(
            422,
            json={
                "detail": "invalid input: body.title: too long",
                "errors": [
                    {"location": "body.title", "detail": "too long"},
                    {"location": "body.tags.0", "detail": "bad [tag]"},
                ],
            },
        ),
    }
    return answers[request.url.path]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/moved", "error: http://wk redirects to https://example.com/; use that URL"),
        ("/html", "error: http://wk answered 404 Not Found; is it a Watchkeeper server?"),
        ("/page", "error: http://wk did not answer with JSON; is it a Watchkeeper server?"),
        ("/invalid", "error: invalid input: body.title: too long; tags.0: bad [tag]"),
    ],
)
def test_odd_answers_are_one_error_line_too(
    path: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    @friendly
    def fetch() -> None:
        with Api(Target("http://wk", "wk_api_x"), httpx2.MockTransport(_odd_server)) as api:
            api.get(path)

    with pytest.raises(typer.Exit) as exited:
        fetch()
    assert exited.value.exit_code == 1
    assert capsys.readouterr().err == message + "\n"


def test_paging_by_login_team_and_policy_name(remote: Remote) -> None:
    number = _declare(remote, "web")
    headers = {"Authorization": f"Bearer {remote.token}"}
    team = httpx2.post(
        f"{remote.server.url}/api/v1/teams", json={"name": "Database"}, headers=headers
    )
    assert team.status_code == 201, team.text
    paged = remote.ok("page", str(number), "--user", "admin", "--team", "Database")
    assert paged == f"paged admin about #{number}\n"  # the team is empty: admin once
    assert remote.error("page", str(number), "--user", "nobody-here") == (
        "error: no user 'nobody-here'"
    )
    assert remote.error("page", str(number), "--policy", "Nope") == (
        "error: no escalation policy 'Nope'"
    )
    shown = json.loads(remote.ok("show", str(number), "--json"))
    assert [entry["kind"] for entry in shown["timeline"]].count("paged") == 1
