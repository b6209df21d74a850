"""Knowledge-base pages: write through the editor, read, search, compare and restore."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.factories import Person, browser_login

BODY = "Free space.\n\n```bash\nrm /var/log/*.gz\n```\n\n<script>alert(1)</script>"


def _write(client: TestClient, csrf: str) -> str:
    made = client.post(
        "/kb",
        data={
            "csrf_token": csrf,
            "title": "Disk full",
            "body": BODY,
            "tags": "disk, linux",
            "matchers": 'alertname="DiskFull"',
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    return str(made.headers["location"])


def test_an_article_written_in_the_editor_reads_safely_with_highlighted_code(
    client: TestClient, responder: Person
) -> None:
    csrf = browser_login(client, responder.login)
    assert 'data-kb-preview="kb-preview"' in client.get("/kb/new").text
    page = client.get(_write(client, csrf)).text
    assert "<h1>Disk full</h1>" in page
    assert '<code class="language-bash">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert '<code>alertname="DiskFull"</code>' in page.replace("&#34;", '"')


def test_search_shows_marked_snippets(client: TestClient, responder: Person) -> None:
    csrf = browser_login(client, responder.login)
    _write(client, csrf)
    page = client.get("/kb", params={"q": "space"}).text
    assert "<mark>space</mark>" in page.lower()
    assert "Disk full</a>" in page


def test_history_compares_versions_and_restores_one(client: TestClient, responder: Person) -> None:
    csrf = browser_login(client, responder.login)
    url = _write(client, csrf)
    saved = client.post(
        url,
        data={"csrf_token": csrf, "title": "Disk full", "body": "Wrong.", "note": "oops"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    history = client.get(f"{url}/history").text
    assert '<span class="add">+Wrong.</span>' in history
    assert '<span class="del">-Free space.</span>' in history
    restored = client.post(f"{url}/restore", data={"csrf_token": csrf, "number": "1"})
    assert restored.status_code == 200
    assert "Version 3" in restored.text
    assert "Free space." in restored.text


def test_a_bad_matcher_in_the_editor_is_shown_and_nothing_saved(
    client: TestClient, responder: Person
) -> None:
    csrf = browser_login(client, responder.login)
    refused = client.post(
        "/kb", data={"csrf_token": csrf, "title": "X", "matchers": "alertname=Disk"}
    )
    assert refused.status_code == 422
    assert "not a matcher" in refused.text
    assert re.search(r"No articles yet", client.get("/kb").text)
