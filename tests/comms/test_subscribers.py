"""Webhook subscribers get signed updates for the components they chose; admins list,
export and remove subscribers; the subscribe form is rate limited and refuses bad input
without changing anything."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.scenarios.harness import Harness
from tests.statuspage.helpers import Pages
from watchkeeper.pipeline.notify.channels.webhook import sign


class Receiver(ThreadingHTTPServer):
    got: list[tuple[dict[str, str], bytes]]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(("127.0.0.1", 0), _Handler)
    server.got = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _update(pages: Pages, page_id: int, component_id: int, name: str) -> dict[str, Any]:
    return pages.public_incident(
        page_id,
        name=name,
        update={
            "state": "identified",
            "body": f"{name}: cause found",
            "affected": {component_id: "major_outage"},
            "publish": True,
        },
    )


def test_a_webhook_subscriber_gets_signed_updates_only_for_its_components(
    h: Harness, client: TestClient, pages: Pages, receiver: Receiver
) -> None:
    h.deliver_for_real()
    page = pages.page("acme")
    api = pages.component(page["id"], "API")
    web = pages.component(page["id"], "Website")
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    answer = client.post(
        "/status/acme/subscribe", data={"webhook_url": url, "component": str(api["id"])}
    )
    assert answer.status_code == 200
    secret = answer.text.split("<code>")[1].split("</code>")[0]
    assert secret.startswith("whsec_")

    _update(pages, page["id"], web["id"], "Website slow")
    _update(pages, page["id"], api["id"], "API errors")
    h.run_engine()
    h.run_engine()

    [(headers, body)] = receiver.got
    payload = orjson.loads(body)
    assert payload["incident"]["name"] == "API errors"
    assert payload["incident_update"]["status"] == "identified"
    assert payload["components"] == ["API"]
    assert payload["meta"]["unsubscribe"].startswith("http://testserver/status/acme/unsubscribe")
    stamp = int(headers["webhook-timestamp"])
    assert headers["webhook-signature"] == sign(secret, headers["webhook-id"], stamp, body)


def test_admins_list_export_and_remove_subscribers(
    client: TestClient, pages: Pages, admin: Person, responder: Person
) -> None:
    page = pages.page("acme")
    base = f"/api/v1/status-pages/{page['id']}/subscribers"
    for address in ("a@example.com", "=cmd@example.com"):
        pages.call("POST", base, 201, json={"email": address})
    listed = pages.call("GET", base)
    assert [(s["address"], s["confirmed"]) for s in listed] == [
        ("a@example.com", False),
        ("=cmd@example.com", False),
    ]
    assert client.get(base, headers=bearer(responder)).status_code == 403
    exported = client.get(base + ".csv", headers=bearer(admin))
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["address"] for r in rows] == ["a@example.com", "'=cmd@example.com"]

    pages.call("DELETE", f"{base}/{listed[0]['id']}", 204)
    assert [s["address"] for s in pages.call("GET", base)] == ["=cmd@example.com"]
    pages.call("DELETE", f"{base}/{listed[0]['id']}", 404)


def test_bad_input_on_the_form_changes_nothing_and_too_many_tries_are_refused(
    client: TestClient, pages: Pages
) -> None:
    page = pages.page("acme")
    base = f"/api/v1/status-pages/{page['id']}/subscribers"
    refused = [
        {"email": "not-an-address"},
        {"webhook_url": "ftp://example.com/x"},
        {"email": "a@example.com", "webhook_url": "https://example.com/x"},
        {"email": "a@example.com", "component": "999"},
    ]
    for data in refused:
        answer = client.post("/status/acme/subscribe", data=data)
        assert answer.status_code == 422, data
        assert 'role="alert"' in answer.text
    assert pages.call("GET", base) == []
    fifth = client.post("/status/acme/subscribe", data={"email": "b@example.com"})
    assert fifth.status_code == 200  # five tries a minute per address
    sixth = client.post("/status/acme/subscribe", data={"email": "c@example.com"})
    assert sixth.status_code == 429
    assert [s["address"] for s in pages.call("GET", base)] == ["b@example.com"]


def test_the_admin_page_lists_subscribers_and_removes_one(
    client: TestClient, pages: Pages, admin: Person
) -> None:
    page = pages.page("acme")
    base = f"/api/v1/status-pages/{page['id']}/subscribers"
    pages.call("POST", base, 201, json={"email": "ann@example.com"})
    csrf = browser_login(client, admin.login)
    shown = client.get(f"/admin/status-pages/{page['id']}/subscribers")
    assert shown.status_code == 200
    assert "ann@example.com" in shown.text
    assert "0 confirmed of 1" in shown.text
    [row] = pages.call("GET", base)
    gone = client.post(
        f"/admin/status-pages/{page['id']}/subscribers/{row['id']}/remove",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert pages.call("GET", base) == []
    assert client.get(base + ".csv").status_code == 200  # the export link works in the browser
