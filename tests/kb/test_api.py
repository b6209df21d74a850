"""The knowledge-base API: write, search, history, restore, preview, import and export."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.factories import Person, bearer

ARTICLES = "/api/v1/kb/articles"


def _article(client: TestClient, who: Person, **fields: Any) -> dict[str, Any]:
    body = {"title": "Disk full", "body": "Free space on `/var`.", **fields}
    made = client.post(ARTICLES, json=body, headers=bearer(who))
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_an_article_is_written_edited_and_its_history_diffed(
    client: TestClient, responder: Person
) -> None:
    article = _article(client, responder, tags=["disk"], matchers=['alertname="DiskFull"'])
    url = f"{ARTICLES}/{article['id']}"
    edited = client.patch(url, json={"body": "Delete old logs."}, headers=bearer(responder))
    assert edited.json()["version"] == 2
    history = client.get(f"{url}/versions", headers=bearer(responder)).json()
    assert [(v["number"], v["author"]) for v in history] == [
        (2, responder.login),
        (1, responder.login),
    ]
    diff = client.get(f"{url}/diff", params={"old": 1, "new": 2}, headers=bearer(responder))
    assert "+Delete old logs." in diff.json()["diff"]
    restored = client.post(f"{url}/restore", json={"number": 1}, headers=bearer(responder))
    assert (restored.json()["version"], restored.json()["body"]) == (3, "Free space on `/var`.")


def test_search_answers_with_marked_snippets(client: TestClient, responder: Person) -> None:
    article = _article(client, responder, body="When the disk fills, rotate the logs.")
    found = client.get("/api/v1/kb/search", params={"q": "rotate"}, headers=bearer(responder))
    [hit] = found.json()
    assert hit["id"] == article["id"]
    assert "<mark>rotate</mark>" in hit["snippet"]


def test_the_preview_renders_safely_and_highlights_code(
    client: TestClient, responder: Person
) -> None:
    markdown = (
        "<script>alert(1)</script>\n\n[bad](javascript:alert(1)) [ok](https://example.com)\n\n"
        "```python\nprint('hi')\n```\n"
    )
    html = client.post(
        "/api/v1/kb/render", json={"body": markdown}, headers=bearer(responder)
    ).json()["html"]
    assert "<script>" not in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.com">ok</a>' in html
    assert '<span class="nb">print</span>' in html


def test_an_unknown_service_is_refused_naming_the_field(
    client: TestClient, responder: Person
) -> None:
    refused = client.post(
        ARTICLES, json={"title": "X", "service_ids": [4242]}, headers=bearer(responder)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body.service_ids"
    assert client.get(ARTICLES, headers=bearer(responder)).json() == []


def test_a_matcher_that_does_not_parse_is_refused_naming_the_field(
    client: TestClient, responder: Person
) -> None:
    refused = client.post(
        ARTICLES, json={"title": "X", "matchers": ["alertname=Disk"]}, headers=bearer(responder)
    )
    assert refused.status_code == 422
    assert "body.matchers" in refused.json()["errors"][0]["location"]


def _file(path: str, **fields: Any) -> dict[str, Any]:
    return {"path": path, "title": f"About {path}", "body": "text", **fields}


def test_import_is_idempotent_by_path(client: TestClient, responder: Person) -> None:
    files = {"files": [_file("disk.md"), _file("net/dns.md", tags=["dns"])]}
    first = client.post("/api/v1/kb/import", json=files, headers=bearer(responder)).json()
    again = client.post("/api/v1/kb/import", json=files, headers=bearer(responder)).json()
    assert sorted(first["created"]) == ["disk.md", "net/dns.md"]
    assert sorted(again["unchanged"]) == ["disk.md", "net/dns.md"]
    files["files"][0]["body"] = "new text"
    third = client.post("/api/v1/kb/import", json=files, headers=bearer(responder)).json()
    assert third["updated"] == ["disk.md"]
    assert len(client.get(ARTICLES, headers=bearer(responder)).json()) == 2


def test_an_import_file_without_title_imports_nothing_and_names_the_file(
    client: TestClient, responder: Person
) -> None:
    files = {"files": [_file("good.md"), _file("bad.md", title="")]}
    refused = client.post("/api/v1/kb/import", json=files, headers=bearer(responder))
    assert refused.status_code == 422
    assert "bad.md: title: missing" in refused.json()["detail"]
    assert client.get(ARTICLES, headers=bearer(responder)).json() == []


def test_an_import_naming_an_unknown_service_imports_nothing(
    client: TestClient, responder: Person
) -> None:
    files = {"files": [_file("good.md"), _file("bad.md", services=["nowhere"])]}
    refused = client.post("/api/v1/kb/import", json=files, headers=bearer(responder))
    assert refused.status_code == 422
    assert "bad.md: links.services: no service 'nowhere'" in refused.json()["detail"]
    assert client.get(ARTICLES, headers=bearer(responder)).json() == []


def test_export_gives_the_files_an_import_takes(
    client: TestClient, admin: Person, responder: Person
) -> None:
    client.post("/api/v1/services", json={"name": "Database"}, headers=bearer(admin))
    files = {"files": [_file("db.md", services=["database"], alerts=['alertname="DiskFull"'])]}
    client.post("/api/v1/kb/import", json=files, headers=bearer(responder))
    [exported] = client.get("/api/v1/kb/export", headers=bearer(responder)).json()
    assert exported["services"] == ["Database"]
    assert exported["alerts"] == ['alertname="DiskFull"']
    again = client.post("/api/v1/kb/import", json={"files": [exported]}, headers=bearer(responder))
    assert again.json()["unchanged"] == ["db.md"]


def test_the_list_keeps_the_articles_with_a_tag(client: TestClient, responder: Person) -> None:
    _article(client, responder, title="One", tags=["disk"])
    _article(client, responder, title="Two", tags=["net"])
    _article(client, responder, title="Three", tags=["disk", "linux"])
    found = client.get(ARTICLES, params={"tag": "disk"}, headers=bearer(responder)).json()
    assert sorted(a["title"] for a in found) == ["One", "Three"]
