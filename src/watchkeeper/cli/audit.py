"""`watchkeeper audit`: read the audit log of a running server, through its API."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.client import Api, resolve_target
from watchkeeper.cli.common import clock, console, err, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url
from watchkeeper.cli.noise import parse_duration

app = typer.Typer(
    help="The audit log of a running server, through its API (needs an admin's API token).",
    no_args_is_help=True,
)
PATH = "/api/v1/audit"
Actor = Annotated[str | None, typer.Option(help="Only what this login did")]
Query = Annotated[str | None, typer.Option("--what", help="Route or path contains, e.g. services")]
Since = Annotated[str | None, typer.Option(help="How far back: 30m, 12h, 7d")]


def _params(actor: str | None, what: str | None, since: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if actor:
        params["actor"] = actor
    if what:
        params["q"] = what
    if since:
        params["since"] = (clock.now() - parse_duration(since)).isoformat()
    return params


def _summary(entry: Any) -> str:
    changes = entry["changes"]
    if not changes:
        return "no change" if entry["status"] is None else f"refused ({entry['status']})"
    return ", ".join(f"{c['op']} {c['table']} {c['id']}" for c in changes[:5]) + (
        f" and {len(changes) - 5} more" if len(changes) > 5 else ""
    )


@app.command("list")
@friendly
def list_(
    actor: Actor = None,
    what: Query = None,
    since: Since = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many, newest first")] = 50,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Who changed what, newest first."""
    with Api(resolve_target(url=url, token=token, config=config)) as api:
        page = api.get(PATH, {**_params(actor, what, since), "limit": limit})
    items = page["items"]
    if as_json:
        print_json(items)
        return
    if not items:
        err.print("nothing recorded")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("when (UTC)", "who", "via", "request", "what changed"):
        table.add_column(name, no_wrap=name in ("when (UTC)", "who", "via"))
    for e in items:
        when = e["at"][:19].replace("T", " ")
        cells = (when, e["actor_login"], e["via"], f"{e['method']} {e['path']}", _summary(e))
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)


@app.command("export")
@friendly
def export(
    actor: Actor = None,
    what: Query = None,
    since: Since = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """Every matching entry as JSON lines, oldest first (redirect to a file to keep it)."""
    params = {**_params(actor, what, since), "sort": "at", "limit": 200}
    with Api(resolve_target(url=url, token=token, config=config)) as api:
        for entry in api.pages(PATH, params):
            typer.echo(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
