"""`watchkeeper status-page`: list pages and components, set a component's status by
hand, and post public incidents and their updates on a running server, through its API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.client import Api, ClientError, resolve_target
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url

app = typer.Typer(
    help="Status pages on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)
PAGES = "/api/v1/status-pages"
PageRef = Annotated[str, typer.Argument(help="Page slug or id", metavar="PAGE")]
Affected = Annotated[
    list[str] | None,
    typer.Option(
        "--affected",
        help="COMPONENT=STATUS (component id), e.g. 3=partial_outage; repeat for more",
    ),
]
Draft = Annotated[bool, typer.Option("--draft", help="Keep it as a draft for review")]


class PageApi(Api):
    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("PUT", path, json=body)

    def page_id(self, ref: str) -> int:
        if ref.isdigit():
            return int(ref)
        for page in self.get(PAGES):
            if page["slug"] == ref:
                return int(page["id"])
        raise ClientError(f"no status page {ref!r}")


def _api(url: str | None, token: str | None, config: Path | None) -> PageApi:
    return PageApi(resolve_target(url=url, token=token, config=config))


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _affected(items: list[str] | None) -> dict[str, str] | None:
    if not items:
        return None
    found: dict[str, str] = {}
    for item in items:
        key, sep, status = item.partition("=")
        if not sep or not key.strip().isdigit() or not status.strip():
            raise ClientError(f"--affected {item!r}: write COMPONENT=STATUS, e.g. 3=major_outage")
        found[key.strip()] = status.strip()
    return found


@app.command("list")
@friendly
def list_(
    url: Url = None, token: Token = None, config: Config = None, as_json: AsJson = False
) -> None:
    """List status pages."""
    with _api(url, token, config) as api:
        items = api.get(PAGES)
    if as_json:
        print_json(items)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("#", "slug", "title", "visibility", "domain"):
        table.add_column(name)
    for page in items:
        cells = (str(page["id"]), page["slug"], page["title"], page["visibility"])
        table.add_row(*(Text(cell) for cell in (*cells, page["custom_domain"] or "")))
    console.print(table)


@app.command("components")
@friendly
def components(
    page: PageRef,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """A page's components with their status and 90-day uptime."""
    with _api(url, token, config) as api:
        items = api.get(f"{PAGES}/{api.page_id(page)}/components")
    if as_json:
        print_json(items)
        return
    for item in items:
        uptime = "—" if item["uptime_90d"] is None else f"{item['uptime_90d']:.2f} %"
        hand = " (by hand)" if item["manual_status"] else ""
        _say(f"{item['id']:>4}  {item['name']}  {item['status']}{hand}  uptime {uptime}")


@app.command("set-status")
@friendly
def set_status(
    page: PageRef,
    component: Annotated[int, typer.Argument(help="Component id", min=1)],
    status: Annotated[
        str,
        typer.Argument(
            help="operational, degraded_performance, partial_outage, "
            "major_outage, under_maintenance, or `follow` to clear"
        ),
    ],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Set a component's status by hand (kept until cleared with `follow`)."""
    body = {"status": None if status == "follow" else status}
    with _api(url, token, config) as api:
        item = api.put(f"{PAGES}/{api.page_id(page)}/components/{component}/status", body)
    if as_json:
        print_json(item)
    else:
        _say(f"{item['name']}: {item['status']}" + (" (by hand)" if item["manual_status"] else ""))


@app.command("post")
@friendly
def post(
    page: PageRef,
    name: Annotated[str, typer.Option("--name", help="Public title")],
    body: Annotated[str, typer.Option("--body", help="What visitors read (Markdown)")],
    state: Annotated[str, typer.Option("--state", help="investigating, identified, ...")] = (
        "investigating"
    ),
    incident: Annotated[int | None, typer.Option("--incident", help="Internal incident")] = None,
    affected: Affected = None,
    draft: Draft = False,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Open a public incident with its first update (published unless --draft)."""
    update: dict[str, Any] = {"state": state, "body": body, "publish": not draft}
    if (chosen := _affected(affected)) is not None:
        update["affected"] = chosen
    data: dict[str, Any] = {"name": name, "update": update}
    if incident is not None:
        data["incident_id"] = incident
    with _api(url, token, config) as api:
        item = api.post(f"{PAGES}/{api.page_id(page)}/incidents", data)
    if as_json:
        print_json(item)
    else:
        _say(f"public incident #{item['id']} {item['state']}: {item['name']}")


@app.command("update")
@friendly
def update(
    page: PageRef,
    incident: Annotated[int, typer.Argument(help="Public incident id", min=1)],
    state: Annotated[str, typer.Option("--state", help="investigating .. resolved")],
    body: Annotated[str, typer.Option("--body", help="What visitors read (Markdown)")],
    affected: Affected = None,
    draft: Draft = False,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Add an update to a public incident (published unless --draft)."""
    data: dict[str, Any] = {"state": state, "body": body, "publish": not draft}
    if (chosen := _affected(affected)) is not None:
        data["affected"] = chosen
    with _api(url, token, config) as api:
        item = api.post(f"{PAGES}/{api.page_id(page)}/incidents/{incident}/updates", data)
    if as_json:
        print_json(item)
    else:
        _say(f"public incident #{item['id']} {item['state']}: {item['name']}")
