"""`watchkeeper check coverage` and `watchkeeper simulate`: is paging ready, and who would
be paged, when and how, for an alert; through a running server's API (docs/readiness.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from watchkeeper.cli.client import Api, ClientError, resolve_target
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@friendly
def coverage(
    team: Annotated[int | None, typer.Option(help="Only what this team owns (id)")] = None,
    fail: Annotated[
        bool, typer.Option("--fail/--no-fail", help="Exit 1 when there are findings (for CI)")
    ] = False,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Holes in on-call coverage: schedule gaps in the next 14 days, unreachable people,
    policies that reach nobody, services without a policy, silent integrations."""
    with Api(resolve_target(url=url, token=token, config=config)) as api:
        found = api.get("/api/v1/readiness/coverage", {"team_id": team} if team else None)
    if as_json:
        print_json(found)
    else:
        _table(found, api.url)
    if fail and found["findings"]:
        raise typer.Exit(1)


def _table(found: dict[str, Any], base: str) -> None:
    if not found["findings"]:
        _say("no findings: every schedule, policy and service is covered")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("kind", "subject", "detail", "fix"):
        table.add_column(name, no_wrap=name in ("kind", "fix"))
    for finding in found["findings"]:
        table.add_row(
            finding["kind"], finding["subject"], finding["detail"], base + finding["fix_url"]
        )
    console.print(table, markup=False, highlight=False)
    _say(f"{len(found['findings'])} findings")


def _read_payload(path: Path) -> Any:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClientError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClientError(f"{path} is not JSON: {exc}") from exc


@friendly
def simulate(
    service: Annotated[int | None, typer.Option(help="The receiving service (id)")] = None,
    policy: Annotated[int | None, typer.Option(help="Or: page through this policy (id)")] = None,
    payload: Annotated[
        Path | None, typer.Option(help="An alert payload (JSON file; - reads stdin)")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--type", help="The payload's format: alertmanager, grafana, pagerduty, generic"
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="When, e.g. 2026-03-01T03:00 (wall time in --zone)")
    ] = None,
    zone: Annotated[str, typer.Option(help="IANA time zone of --at")] = "UTC",
    severity: Annotated[str, typer.Option(help="Without a payload: the alert's severity")] = (
        "critical"
    ),
    hours: Annotated[int, typer.Option(help="How far ahead to follow it", min=1)] = 24,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Who would be paged, when and through what, for an alert at a moment; runs the real
    routing, noise rules and escalation on the server, and changes nothing."""
    body: dict[str, Any] = {"zone": zone, "hours": hours, "severity": severity}
    for name, value in (("service_id", service), ("policy_id", policy), ("at", at)):
        if value is not None:
            body[name] = value
    if payload is not None:
        body["payload"], body["type"] = _read_payload(payload), kind
    with Api(resolve_target(url=url, token=token, config=config)) as api:
        result = api.post("/api/v1/simulations", body)
    if as_json:
        print_json(result)
        return
    for event in result["events"]:
        _say(f"event {event['index'] + 1} {event['summary']!r}: {event['reason']}")
    for step in result["steps"]:
        _say(step["reason"])
        for page in step["pages"]:
            ways = ", ".join(f"{d['kind']} {d['label']!r} at {d['at']}" for d in page["deliveries"])
            _say(f"  {page['login']} ({page['urgency']}): {ways or 'cannot be reached'}")
    for note in result["notes"]:
        _say(note)
    if not result["steps"]:
        _say("nobody would be paged")
