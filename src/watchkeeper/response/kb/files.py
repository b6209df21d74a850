"""Articles as Markdown files with YAML front matter (`watchkeeper kb import/export`).

    ---
    title: Disk full
    tags: [storage]
    team: Storage
    links:
      services: [database]
      categories: [Hardware]
      alerts: ['alertname="DiskFull"']
    ---
    Free space first, then ...

Pure: text in, values out, so the CLI can refuse a bad folder before sending anything."""

from __future__ import annotations

from typing import Any

import yaml

from watchkeeper.response.kb.schemas import ImportFile

_FENCE = "---"
_LINKS = ("services", "categories", "alerts")


class FileError(ValueError):
    """A file that cannot be imported; the message names the file and the field."""


def parse(path: str, text: str) -> ImportFile:
    meta, body = _split(path, text)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise FileError(f"{path}: title: missing; give it in the front matter (title: ...)")
    links = meta.get("links") or {}
    if not isinstance(links, dict):
        raise FileError(f"{path}: links: must be a mapping of services, categories, alerts")
    unknown = sorted(set(meta) - {"title", "tags", "team", "links"}) + sorted(
        f"links.{key}" for key in set(links) - set(_LINKS)
    )
    if unknown:
        raise FileError(f"{path}: {unknown[0]}: not a known field")
    team = meta.get("team") or ""
    if not isinstance(team, str):
        raise FileError(f"{path}: team: must be a team name")
    return ImportFile(
        path=path,
        title=title.strip(),
        body=body,
        tags=_strings(path, "tags", meta.get("tags")),
        team=team.strip(),
        services=_strings(path, "links.services", links.get("services")),
        categories=_strings(path, "links.categories", links.get("categories")),
        alerts=_strings(path, "links.alerts", links.get("alerts")),
    )


def render(file: ImportFile) -> str:
    """The file for an article; parsing it gives the same values back."""
    meta: dict[str, Any] = {"title": file.title}
    if file.tags:
        meta["tags"] = file.tags
    if file.team:
        meta["team"] = file.team
    links = {key: getattr(file, key) for key in _LINKS if getattr(file, key)}
    if links:
        meta["links"] = links
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).strip()
    body = file.body if file.body.endswith("\n") or not file.body else file.body + "\n"
    return f"{_FENCE}\n{head}\n{_FENCE}\n{body}"


def _split(path: str, text: str) -> tuple[dict[str, Any], str]:
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not text.startswith(_FENCE + "\n"):
        return {}, text
    end = text.find(f"\n{_FENCE}", len(_FENCE))
    if end < 0:
        raise FileError(f"{path}: front matter: no closing ---")
    try:
        meta = yaml.safe_load(text[len(_FENCE) + 1 : end]) or {}
    except yaml.YAMLError as exc:
        raise FileError(f"{path}: front matter: not YAML ({exc})") from exc
    if not isinstance(meta, dict):
        raise FileError(f"{path}: front matter: must be a mapping (title: ...)")
    rest = text[end + len(_FENCE) + 1 :]
    return meta, rest[1:] if rest.startswith("\n") else rest


def _strings(path: str, field: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise FileError(f"{path}: {field}: must be a list of names")
    return [str(v).strip() for v in value if str(v).strip()]
