"""Double opt-in through the real `watchkeeper serve`: the form's confirmation email
reaches a real SMTP server (aiosmtpd), its link confirms over HTTP, a published update
follows by email, and the one-click unsubscribe of its header ends it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx2
import pytest

from tests.e2e.mail import Inbox
from tests.e2e.peers import wait_for
from tests.e2e.server import ServerProcess, start_server

pytestmark = pytest.mark.e2e

LINK = re.compile(r"https?://[^/\s]+(/status/[^\s>]+)")


@pytest.fixture
def server(tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[ServerProcess]:
    env = {
        "WATCHKEEPER_SMTP_HOST": "127.0.0.1",
        "WATCHKEEPER_SMTP_PORT": str(inbox[1]),
        "WATCHKEEPER_SMTP_FROM": "status@watchkeeper.test",
        "WATCHKEEPER_ENGINE_INTERVAL": "0.2",
    }
    running = start_server(tmp_path / "data", env=env)
    try:
        yield running
    finally:
        running.stop()


def _token(tmp_path: Path) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "watchkeeper", "token", "create", "--user", "admin", "--name", "t"],
        env={"WATCHKEEPER_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.split()[-1]


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _mail(mail: Inbox, count: int) -> list[EmailMessage]:
    return wait_for(
        lambda: got if len(got := mail.to("ann@example.com")) >= count else None,
        what=f"{count} messages to ann@example.com",
        timeout=30,
    )


def test_the_links_of_the_real_emails_work_through_the_real_server(
    server: ServerProcess, inbox: tuple[Inbox, int], tmp_path: Path
) -> None:
    mail, _ = inbox
    headers = {"Authorization": f"Bearer {_token(tmp_path)}"}
    with httpx2.Client(base_url=server.url, timeout=10) as web:
        page = web.post(
            "/api/v1/status-pages", json={"slug": "acme", "title": "Acme"}, headers=headers
        ).json()
        asked = web.post("/status/acme/subscribe", data={"email": "ann@example.com"})
        assert asked.status_code == 200
        [request] = _mail(mail, 1)
        confirm, _ = LINK.findall(_text(request))
        assert web.get(confirm).status_code == 200

        published = web.post(
            f"/api/v1/status-pages/{page['id']}/incidents",
            json={
                "name": "Logins fail",
                "update": {"state": "investigating", "body": "Looking.", "publish": True},
            },
            headers=headers,
        )
        assert published.status_code == 201
        news = _mail(mail, 2)[-1]
        assert news["Subject"] == "[Acme] Logins fail: Investigating"
        assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        one_click = LINK.search(news["List-Unsubscribe"])
        assert one_click is not None
        gone = web.post(one_click.group(1), data={"List-Unsubscribe": "One-Click"})
        assert gone.status_code == 200
        listed = web.get(f"/api/v1/status-pages/{page['id']}/subscribers", headers=headers)
        assert listed.json() == []
