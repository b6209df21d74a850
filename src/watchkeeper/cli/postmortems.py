"""`watchkeeper postmortem`: draft, show and export an incident's postmortem on a running
server, through its API."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from watchkeeper.cli.client import Api
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Number, Token, Url, _target

app = typer.Typer(
    help="Postmortems on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)


class Format(enum.StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _line(postmortem: Any) -> None:
    status, number = postmortem["status"].replace("_", " "), postmortem["incident_id"]
    _say(f"postmortem {postmortem['id']} of #{number} ({status}): {postmortem['title']}")


def _details(postmortem: Any) -> None:
    _line(postmortem)
    for duration in postmortem["durations"]:
        seconds = duration["seconds"]
        shown = "—" if seconds is None else f"{seconds // 60} min"
        _say(f"  {duration['name']}: {shown}")
    for review in postmortem["reviews"]:
        _say(f"  reviewer {review['login']}: {'approved' if review['approved_at'] else 'waiting'}")
    _say("")
    _say(postmortem["body"])


@app.command("create")
@friendly
def create(
    number: Number,
    owner_id: Annotated[int | None, typer.Option(help="Owner's user id (default: you)")] = None,
    also: Annotated[
        list[int] | None, typer.Option("--also", help="Another incident it covers (repeat)")
    ] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Draft the postmortem of a resolved or closed incident from its record."""
    body: dict[str, Any] = {"also_incident_ids": also or []}
    if owner_id is not None:
        body["owner_id"] = owner_id
    with Api(_target(url, token, config)) as api:
        postmortem = api.post(f"/api/v1/incidents/{number}/postmortem", body)
    print_json(postmortem) if as_json else _line(postmortem)


@app.command("show")
@friendly
def show(
    number: Number,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Show an incident's postmortem: status, durations, reviewers and the document."""
    with Api(_target(url, token, config)) as api:
        postmortem = api.get(f"/api/v1/incidents/{number}/postmortem")
    print_json(postmortem) if as_json else _details(postmortem)


@app.command("export")
@friendly
def export(
    number: Number,
    format: Annotated[
        Format, typer.Option("--format", help="markdown, or printable html")
    ] = Format.MARKDOWN,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout)")
    ] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """Export an incident's postmortem as Markdown or as a printable HTML page."""
    with Api(_target(url, token, config)) as api:
        postmortem = api.get(f"/api/v1/incidents/{number}/postmortem")
        text = api.get_text(
            f"/api/v1/postmortems/{postmortem['id']}/export", {"format": format.value}
        )
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        _say(f"wrote {output}")
