"""A webhook receiver for the e2e tests: an HTTP server that keeps every POST with its
arrival time and `webhook-id`, and a person paged through it."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pytest

from tests.e2e.peers import wait_for

CODE = re.compile(r"code is (\d{6})")


@dataclass(frozen=True)
class Post:
    at: float  # time.time() on arrival
    path: str
    webhook_id: str
    body: dict[str, Any]


@dataclass
class Sink:
    """An HTTP server that answers every POST with 204 and keeps it, with its arrival."""

    posts: list[Post] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def record(self, post: Post) -> None:
        with self.lock:
            self.posts.append(post)

    def received(self, path: str | None = None, type_: str | None = None) -> list[Post]:
        with self.lock:
            posts = list(self.posts)
        return [
            post
            for post in posts
            if (path is None or post.path == path)
            and (type_ is None or post.body.get("type") == type_)
        ]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(sink: Sink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            arrived = time.time()
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length))
            sink.record(Post(arrived, self.path, self.headers.get("webhook-id", ""), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def sink() -> Iterator[Sink]:
    recorder = Sink()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    httpd.daemon_threads = True
    recorder.port = int(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def webhook_person(api: httpx2.Client, sink: Sink, login: str, *, wait: float = 30.0) -> int:
    """A user with a webhook contact method, verified with the code posted to it."""
    created = api.post("/api/v1/users", json={"login": login, "name": login.title()})
    assert created.status_code == 201, created.text
    user_id = int(created.json()["id"])
    methods = f"/api/v1/users/{user_id}/contact-methods"
    added = api.post(methods, json={"kind": "webhook", "address": sink.url(f"/{login}")})
    assert added.status_code == 201, added.text
    [sent] = wait_for(
        lambda: sink.received(f"/{login}", "message") or None,
        what=f"the verification code posted for {login}",
        timeout=wait,
    )
    code = CODE.search(sent.body["text"])
    assert code, sent
    verified = api.post(f"{methods}/{added.json()['id']}/verify", json={"code": code.group(1)})
    assert verified.status_code == 200, verified.text
    return user_id
