"""`watchkeeper action`: action items on a running server, through its API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from watchkeeper.cli.client import Api
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, PriorityLabel, Token, Url, _target

app = typer.Typer(
    help="Action items on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)
ITEMS = "/api/v1/action-items"
ItemId = Annotated[int, typer.Argument(help="Action item id", min=1)]


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _line(item: Any) -> None:
    due = f" due {item['due_on']}" if item["due_on"] else ""
    late = " OVERDUE" if item["overdue"] else ""
    status = item["status"].replace("_", " ")
    _say(f"{item['id']} {item['priority']} {status}{due}{late} {item['owner']}: {item['title']}")


def _lines(items: Any) -> None:
    for item in items:
        _line(item)
    if not items:
        _say("no action items")


@app.command("create")
@friendly
def create(
    title: Annotated[str, typer.Argument(help="What is to be done")],
    owner: Annotated[int, typer.Option("--owner", help="Owner's user id")],
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD")] = None,
    priority: Annotated[PriorityLabel, typer.Option(help="P1..P5")] = PriorityLabel.P3,
    incident: Annotated[int | None, typer.Option(help="Incident number it comes from")] = None,
    postmortem: Annotated[int | None, typer.Option(help="Postmortem id it comes from")] = None,
    link: Annotated[str | None, typer.Option(help="Tracker link (https://...)")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Create an action item (alone, or from an incident or a postmortem)."""
    body: dict[str, Any] = {"title": title, "owner_id": owner, "priority": priority.value}
    extra = {
        "due_on": date.fromisoformat(due).isoformat() if due else None,
        "incident_id": incident,
        "postmortem_id": postmortem,
        "external_url": link,
    }
    body.update({key: value for key, value in extra.items() if value is not None})
    with Api(_target(url, token, config)) as api:
        item = api.post(ITEMS, body)
    print_json(item) if as_json else _line(item)


@app.command("list")
@friendly
def list_(
    mine: Annotated[bool, typer.Option("--mine", help="Only mine")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue ones")] = False,
    team: Annotated[int | None, typer.Option(help="Only this team's (id)")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """List action items, soonest due first."""
    params: dict[str, Any] = {"mine": mine, "overdue": overdue}
    if team is not None:
        params["team_id"] = team
    with Api(_target(url, token, config)) as api:
        items = api.get(ITEMS, params)
    print_json(items) if as_json else _lines(items)


def _set(target: Any, item_id: int, body: dict[str, Any], as_json: bool) -> None:
    with Api(target) as api:
        item = api.patch(f"{ITEMS}/{item_id}", body)
    print_json(item) if as_json else _line(item)


@app.command("done")
@friendly
def done(
    item_id: ItemId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Mark an action item done (its time is kept)."""
    _set(_target(url, token, config), item_id, {"status": "done"}, as_json)


@app.command("wont-do")
@friendly
def wont_do(
    item_id: ItemId,
    reason: Annotated[str, typer.Option(help="Why it will not be done")],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Drop an action item, saying why."""
    body = {"status": "wont_do", "wont_do_reason": reason}
    _set(_target(url, token, config), item_id, body, as_json)
