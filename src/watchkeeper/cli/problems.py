"""`watchkeeper problem`: problem records on a running server, through its API."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from watchkeeper.cli.client import Api
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url, _target
from watchkeeper.response.problems.schemas import Status

app = typer.Typer(
    help="Problem records on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)
PROBLEMS = "/api/v1/problems"
ProblemId = Annotated[int, typer.Argument(help="Problem number, e.g. 3 for PRB-3", min=1)]
Incidents = Annotated[
    list[int] | None, typer.Option("--incident", help="Incident number (repeat for several)")
]


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _line(problem: Any) -> None:
    status = problem["status"].replace("_", " ")
    count = len(problem["incidents"])
    _say(f"{problem['number']} {status} ({count} incidents): {problem['title']}")


def _details(problem: Any) -> None:
    _line(problem)
    for name in ("root_cause", "workaround"):
        if problem[name]:
            _say(f"{name.replace('_', ' ').capitalize()}: {problem[name]}")
    for i in problem["incidents"]:
        when = i["created_at"][:16].replace("T", " ")
        _say(f"  {when} #{i['id']} {i['priority']} {i['status']}: {i['title']}")


@app.command("create")
@friendly
def create(
    title: Annotated[str, typer.Argument(help="What the underlying problem is")],
    incident: Incidents = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Record a problem, from one or more incidents."""
    with Api(_target(url, token, config)) as api:
        problem = api.post(PROBLEMS, {"title": title, "incident_ids": incident or []})
    print_json(problem) if as_json else _line(problem)


@app.command("list")
@friendly
def list_(
    status: Annotated[list[Status] | None, typer.Option(help="Only these (repeat)")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """List problems, most recently changed first."""
    with Api(_target(url, token, config)) as api:
        found = api.get(PROBLEMS, {"status": [s.value for s in status or []]})
    if as_json:
        print_json(found)
        return
    for problem in found:
        _line(problem)
    if not found:
        _say("no problems")


@app.command("show")
@friendly
def show(
    problem_id: ProblemId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Show a problem with its root cause, workaround and incidents."""
    with Api(_target(url, token, config)) as api:
        problem = api.get(f"{PROBLEMS}/{problem_id}")
    print_json(problem) if as_json else _details(problem)


@app.command("link")
@friendly
def link(
    problem_id: ProblemId,
    incident: Incidents = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Link incidents to a problem."""
    with Api(_target(url, token, config)) as api:
        problem = api.post(f"{PROBLEMS}/{problem_id}/incidents", {"incident_ids": incident or []})
    print_json(problem) if as_json else _line(problem)
