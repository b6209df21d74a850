"""`watchkeeper incident page`: page people about an incident, by login and name."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from watchkeeper.cli.client import Api, ClientError
from watchkeeper.cli.common import friendly
from watchkeeper.cli.incidents import (
    INCIDENTS,
    AsJson,
    Config,
    Number,
    Token,
    Url,
    _emit,
    _say,
    _target,
)

Names = Annotated[list[str] | None, typer.Option(show_default=False)]


def _find(api: Api, path: str, name: str, keys: tuple[str, ...], kind: str) -> int:
    """An id as given, or the id of the one item whose `keys` equal `name`."""
    if name.isdigit():
        return int(name)
    found = list(api.pages(path, {"q": name, "limit": 200}))
    exact = [item for item in found if any(item.get(key) == name for key in keys)]
    if len(exact) == 1:
        return int(exact[0]["id"])
    near = ", ".join(str(item[keys[0]]) for item in found[:5])
    raise ClientError(f"no {kind} {name!r}" + (f"; similar: {near}" if near else ""))


def _policy(api: Api, name: str) -> int:
    if name.isdigit():
        return int(name)
    for policy in api.get("/api/v1/escalation-policies"):
        if policy["name"] == name:
            return int(policy["id"])
    raise ClientError(f"no escalation policy {name!r}")


def _ids(
    api: Api, path: str, kind: str, keys: tuple[str, ...], names: list[str] | None
) -> list[int]:
    return [_find(api, path, name, keys, kind) for name in names or []]


@friendly
def page(
    number: Number,
    user: Names = None,
    team: Names = None,
    schedule: Names = None,
    policy: Annotated[str | None, typer.Option(help="A policy: pages its first level")] = None,
    message: Annotated[str, typer.Option(help="Shown in the page's reason")] = "",
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Page people about an incident: users (login), teams (name or slug), whoever a
    schedule has on call (name), or a policy's first level; each option repeats."""
    with Api(_target(url, token, config)) as api:
        body: dict[str, Any] = {
            "user_ids": _ids(api, "/api/v1/users", "user", ("login",), user),
            "team_ids": _ids(api, "/api/v1/teams", "team", ("name", "slug"), team),
            "schedule_ids": _ids(api, "/api/v1/schedules", "schedule", ("name",), schedule),
            "message": message,
        }
        if policy:
            body["policy_id"] = _policy(api, policy)
        pages = api.post(f"{INCIDENTS}/{number}/page", body)
        logins = [api.get(f"/api/v1/users/{page['user_id']}")["login"] for page in pages]
    _emit(pages, as_json, lambda _: _say(f"paged {', '.join(logins)} about #{number}"))
