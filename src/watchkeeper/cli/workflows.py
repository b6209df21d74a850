"""`watchkeeper workflow` and `watchkeeper drill`: automation and drills on a running
server, through its API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from watchkeeper.cli.client import Api
from watchkeeper.cli.common import console, fail, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url, _target

app = typer.Typer(
    help="Workflows on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)
drill_app = typer.Typer(
    help="Drills on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)
WORKFLOWS = "/api/v1/workflows"
DRILLS = "/api/v1/drills"
WorkflowId = Annotated[int, typer.Argument(help="Workflow id", min=1)]
DrillId = Annotated[int, typer.Argument(help="Drill id", min=1)]


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _line(flow: Any) -> None:
    state = "on" if flow["enabled"] else "off"
    value = f" {flow['trigger_value']}" if flow["trigger_value"] else ""
    kinds = ", ".join(action["kind"] for action in flow["actions"])
    _say(f"{flow['id']} [{state}] {flow['name']}: on {flow['trigger']}{value} -> {kinds}")


def _results(results: list[Any]) -> None:
    for result in results:
        mark = "ok " if result["ok"] else "FAILED"
        _say(f"  {result['position'] + 1}. {result['kind']} {mark} {result['detail']}")


@app.command("list")
@friendly
def list_(
    url: Url = None, token: Token = None, config: Config = None, as_json: AsJson = False
) -> None:
    """List workflows."""
    with Api(_target(url, token, config)) as api:
        found = api.get(WORKFLOWS)
    if as_json:
        print_json(found)
        return
    for flow in found:
        _line(flow)
    if not found:
        _say("no workflows")


@app.command("create")
@friendly
def create(
    file: Annotated[Path, typer.Argument(help="The workflow as JSON or YAML", exists=True)],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Create a workflow from a file; prints its webhook signing secret once."""
    try:
        body = yaml.safe_load(file.read_text())
    except yaml.YAMLError as exc:
        fail(f"{file} is not JSON or YAML: {exc}")
    with Api(_target(url, token, config)) as api:
        flow = api.post(WORKFLOWS, body)
    if as_json:
        print_json(flow)
        return
    _line(flow)
    _say(f"signing secret (shown once): {flow['secret']}")


@app.command("show")
@friendly
def show(
    workflow_id: WorkflowId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Show a workflow and its latest runs."""
    with Api(_target(url, token, config)) as api:
        flow = api.get(f"{WORKFLOWS}/{workflow_id}")
        runs = api.get(f"{WORKFLOWS}/{workflow_id}/runs", {"limit": 10})
    if as_json:
        print_json({**flow, "runs": runs})
        return
    _line(flow)
    _say("conditions: " + json.dumps(flow["conditions"]))
    for run in runs:
        _say(f"run {run['id']} on #{run['incident_id']} at {run['at'][:19].replace('T', ' ')}")
        _results(run["results"])


@app.command("test")
@friendly
def try_it(
    workflow_id: WorkflowId,
    incident: Annotated[int, typer.Option(help="The incident to try it on", min=1)],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Show what the workflow would do to an incident now, changing nothing."""
    with Api(_target(url, token, config)) as api:
        found = api.post(f"{WORKFLOWS}/{workflow_id}/test", {"incident_id": incident})
    if as_json:
        print_json(found)
        return
    _say(f"#{incident}: " + ("conditions hold" if found["matches"] else "conditions do not hold"))
    for said in found["not_matched"]:
        _say(f"  not: {said}")
    _results(found["actions"])


def _run_line(run: Any) -> None:
    when = run["fired_at"][:16].replace("T", " ")
    paged = ", ".join(p["login"] for p in run["paged"]) or "nobody yet"
    took = (
        f" in {run['ack_seconds']} s by {run['acknowledged_by']}"
        if run["ack_seconds"] is not None
        else ""
    )
    incident = f" #{run['incident_id']}" if run["incident_id"] else ""
    _say(f"{when}{incident} {run['status']}{took}; paged {paged}")


@drill_app.command("create")
@friendly
def drill_create(
    name: Annotated[str, typer.Argument(help="What the drill is called")],
    service: Annotated[int, typer.Option(help="Service id the test event goes into", min=1)],
    limit: Annotated[int, typer.Option(help="Minutes to acknowledge in", min=1)] = 15,
    cron: Annotated[str | None, typer.Option(help='Schedule, e.g. "0 10 1-7 * mon"')] = None,
    zone: Annotated[str, typer.Option(help="Zone the schedule is read in")] = "UTC",
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Create a drill (on a schedule with --cron)."""
    body = {"name": name, "service_id": service, "ack_limit_minutes": limit, "zone": zone}
    if cron:
        body["cron"] = cron
    with Api(_target(url, token, config)) as api:
        drill = api.post(DRILLS, body)
    if as_json:
        print_json(drill)
        return
    _say(
        f"drill {drill['id']} {drill['name']}"
        + (f", next at {drill['next_at']}" if drill["next_at"] else "")
    )


@drill_app.command("list")
@friendly
def drill_list(
    url: Url = None, token: Token = None, config: Config = None, as_json: AsJson = False
) -> None:
    """List drills."""
    with Api(_target(url, token, config)) as api:
        found = api.get(DRILLS)
    if as_json:
        print_json(found)
        return
    for drill in found:
        schedule = f" ({drill['cron']} {drill['zone']})" if drill["cron"] else ""
        _say(f"{drill['id']} {drill['name']} -> service {drill['service_id']}{schedule}")
    if not found:
        _say("no drills")


@drill_app.command("fire")
@friendly
def drill_fire(
    drill_id: DrillId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Fire a drill now."""
    with Api(_target(url, token, config)) as api:
        run = api.post(f"{DRILLS}/{drill_id}/fire", None)
    print_json(run) if as_json else _say(f"fired drill {drill_id}: run {run['id']}")


@drill_app.command("runs")
@friendly
def drill_runs(
    drill_id: DrillId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Who was paged by each firing, and how long the acknowledgement took."""
    with Api(_target(url, token, config)) as api:
        runs = api.get(f"{DRILLS}/{drill_id}/runs")
    if as_json:
        print_json(runs)
        return
    for run in runs:
        _run_line(run)
    if not runs:
        _say("never fired")
