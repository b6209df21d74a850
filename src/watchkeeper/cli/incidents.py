"""`watchkeeper incident`: declare, list, show and move incidents on a running server."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.client import Api, ClientError, Target, resolve_target
from watchkeeper.cli.common import console, err, fail, friendly, print_json
from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.schemas import ResolutionCode

app = typer.Typer(
    help="Incidents on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)

INCIDENTS = "/api/v1/incidents"
TIMELINE_BATCH = 1000
_SERVER = "Server"


class PriorityLabel(enum.StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


Url = Annotated[
    str | None,
    typer.Option("--url", help="Server URL (else WATCHKEEPER_URL)", rich_help_panel=_SERVER),
]
Token = Annotated[
    str | None,
    typer.Option("--token", help="API token (else WATCHKEEPER_TOKEN)", rich_help_panel=_SERVER),
]
Config = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Client config file with url and token (else WATCHKEEPER_CLIENT_CONFIG, "
        "else ~/.config/watchkeeper/client.toml)",
        rich_help_panel=_SERVER,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the API's JSON instead")]
Number = Annotated[int, typer.Argument(help="Incident number, e.g. 42", min=1)]


def _target(url: str | None, token: str | None, config: Path | None) -> Target:
    return resolve_target(url=url, token=token, config=config)


def _emit(data: Any, as_json: bool, show: Callable[[Any], None]) -> None:
    if as_json:
        print_json(data)
    else:
        show(data)


def _say(text: str) -> None:
    """Plain output: titles and notes are the users' words, never rich markup."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _line(incident: Any) -> None:
    _say(f"#{incident['number']} {incident['priority']} {incident['status']}: {incident['title']}")


def _when(value: str | None, zone: str = " UTC") -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M") + zone


def _duration(seconds: int) -> str:
    minutes = seconds // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m" if mins else f"{seconds}s"


def _clock(clock: Any) -> str:
    state, left = clock.get("state"), clock.get("seconds_left")
    if state != "pending" or left is None:
        return str(state)
    paused = " (paused)" if clock.get("paused") else ""
    return (f"{_duration(left)} left" if left >= 0 else f"{_duration(-left)} overdue") + paused


def _sla(sla: Any) -> str:
    if not sla:
        return ""
    return f"ack {_clock(sla['acknowledge'])}, resolve {_clock(sla['resolve'])}"


def _sla_brief(sla: Any) -> str:
    """The clock that runs now, and any breach: what a list needs."""
    if not sla:
        return ""
    clocks = {"ack": sla["acknowledge"], "resolve": sla["resolve"]}
    running = [f"{name} {_clock(c)}" for name, c in clocks.items() if c["state"] == "pending"]
    breached = [name for name, c in clocks.items() if c["state"] == "breached"]
    notes = running[:1] + ([f"{' and '.join(breached)} breached"] if breached else [])
    return ", ".join(notes) or "met"


def _service_id(api: Api, service: str) -> int:
    """An id as given, or the id of the service with exactly this slug."""
    if service.isdigit():
        return int(service)
    found = list(api.pages("/api/v1/services", {"q": service, "limit": 200}))
    for item in found:
        if item["slug"] == service:
            return int(item["id"])
    near = ", ".join(item["slug"] for item in found[:5])
    raise ClientError(f"no service with slug {service!r}" + (f"; similar: {near}" if near else ""))


def _creation(
    title: str,
    impact: int | None,
    urgency: int | None,
    description: str | None,
    priority: PriorityLabel | None,
    reason: str | None,
) -> dict[str, Any]:
    if (priority is None) != (reason is None):
        fail("--priority and --reason go together: an override needs a reason")
    optional = {
        "impact": impact,
        "urgency": urgency,
        "description": description,
        "priority": priority.value if priority else None,
        "priority_reason": reason,
    }
    return {"title": title, **{key: value for key, value in optional.items() if value is not None}}


@app.command("create")
@friendly
def create(
    title: Annotated[str, typer.Argument(help="What is wrong, in a few words")],
    service: Annotated[str, typer.Option("--service", help="Affected service: id or slug")],
    impact: Annotated[
        int | None,
        typer.Option(min=1, max=4, help="1 extensive, 2 significant, 3 moderate, 4 minor"),
    ] = None,
    urgency: Annotated[
        int | None, typer.Option(min=1, max=4, help="1 critical, 2 high, 3 medium, 4 low")
    ] = None,
    description: Annotated[str | None, typer.Option(help="Details (Markdown)")] = None,
    priority: Annotated[
        PriorityLabel | None, typer.Option(help="Override the priority matrix; needs --reason")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why the priority is overridden")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Declare an incident; prints its number, priority and status."""
    body = _creation(title, impact, urgency, description, priority, reason)
    with Api(_target(url, token, config)) as api:
        body["service_id"] = _service_id(api, service)
        incident = api.post(INCIDENTS, body)
    _emit(incident, as_json, _line)


def _filters(
    status: list[Status] | None,
    priority: list[PriorityLabel] | None,
    service: int | None,
    assignee: int | None,
    q: str | None,
    limit: int,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "status": [item.value for item in status or []],
        "priority": [item.value for item in priority or []],
        "service_id": service,
        "assignee_id": assignee,
        "q": q,
        "limit": limit,
    }
    return {key: value for key, value in params.items() if value not in (None, [])}


def _columns(*names: str, title: str | None = None) -> Table:
    """A compact table in which only free text (title, SLA, summary) wraps."""
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        title=title,
        title_justify="left",
    )
    for name in names:
        table.add_column(name, no_wrap=name not in ("title", "SLA", "summary"))
    return table


def _table(page: Any) -> None:
    if not page["items"]:
        err.print("no incidents match")
        return
    table = _columns("#", "priority", "status", "title", "service", "created (UTC)", "SLA")
    for item in page["items"]:
        cells = (
            str(item["number"]),
            item["priority"],
            item["status"],
            item["title"],
            str(item["service_id"]),
            _when(item["created_at"], zone=""),
            _sla_brief(item.get("sla")),
        )
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    if page.get("next_cursor"):
        err.print(f"more incidents match than these {page['limit']}: raise --limit or filter")


@app.command("list")
@friendly
def list_(
    status: Annotated[list[Status] | None, typer.Option(help="Repeat for several")] = None,
    priority: Annotated[list[PriorityLabel] | None, typer.Option(help="Repeat for several")] = None,
    service: Annotated[int | None, typer.Option(help="Service id")] = None,
    assignee: Annotated[int | None, typer.Option(help="Assignee's user id")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Words in title or description")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="At most this many")] = 20,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """List incidents, newest first."""
    params = _filters(status, priority, service, assignee, q, limit)
    with Api(_target(url, token, config)) as api:
        page = api.get(INCIDENTS, params)
    _emit(page, as_json, _table)


def _timeline(api: Api, number: int) -> list[Any]:
    entries: list[Any] = []
    while True:
        after = {"after_id": entries[-1]["id"]} if entries else {}
        batch = api.get(f"{INCIDENTS}/{number}/timeline", {"limit": TIMELINE_BATCH, **after})
        entries += batch
        if len(batch) < TIMELINE_BATCH:
            return entries


def _user(user_id: int | None) -> str:
    return f"user {user_id}" if user_id is not None else ""


def _facts(incident: Any) -> list[tuple[str, str]]:
    overridden = " (overridden)" if incident.get("priority_overridden") else ""
    facts = [
        ("priority", f"{incident['priority']}{overridden}"),
        ("status", incident["status"]),
        ("service", str(incident["service_id"])),
        ("impact / urgency", f"{incident['impact']} / {incident['urgency']}"),
        ("source", incident.get("source") or ""),
        ("created", _when(incident["created_at"])),
        ("acknowledged", _when(incident.get("acknowledged_at"))),
        ("resolved", _when(incident.get("resolved_at"))),
        ("closed", _when(incident.get("closed_at"))),
        ("assignee", _user(incident.get("assignee_id"))),
        ("commander", _user(incident.get("commander_id"))),
        ("tags", ", ".join(incident.get("tags") or [])),
        ("SLA", _sla(incident.get("sla"))),
        ("next actions", ", ".join(incident.get("allowed_actions") or []) or "none: final"),
        ("resolution", incident.get("resolution_code") or ""),
        ("resolution notes", incident.get("resolution_notes") or ""),
        ("root cause", incident.get("root_cause") or ""),
        ("merged into", f"#{incident['merged_into_id']}" if incident.get("merged_into_id") else ""),
        ("description", incident.get("description") or ""),
    ]
    return [(name, value) for name, value in facts if value]


def _details(shown: Any) -> None:
    incident = shown["incident"]
    _say(f"#{incident['number']} {incident['title']}")
    grid = Table.grid(padding=(0, 2))
    for name, value in _facts(incident):
        grid.add_row(Text(name, style="bold"), Text(value))
    console.print(grid)
    timeline = _columns("at (UTC)", "who", "what", "summary", title="Timeline")
    for entry in shown["timeline"]:
        cells = (_when(entry["at"], zone=""), entry["actor"], entry["kind"], entry["summary"])
        timeline.add_row(*(Text(cell) for cell in cells))
    console.print(timeline)


@app.command("show")
@friendly
def show(
    number: Number,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Show an incident's fields and its timeline."""
    with Api(_target(url, token, config)) as api:
        shown = {"incident": api.get(f"{INCIDENTS}/{number}"), "timeline": _timeline(api, number)}
    _emit(shown, as_json, _details)


def _act(target: Target, number: int, action: str, body: dict[str, Any] | None) -> Any:
    with Api(target) as api:
        return api.post(f"{INCIDENTS}/{number}/{action}", body)


@app.command("ack")
@friendly
def ack(
    number: Number,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Acknowledge an incident: someone is on it, escalation stops."""
    incident = _act(_target(url, token, config), number, "acknowledge", None)
    _emit(incident, as_json, _line)


@app.command("resolve")
@friendly
def resolve(
    number: Number,
    note: Annotated[str | None, typer.Option(help="Added to the timeline")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Resolve an incident: service is restored."""
    body = {"note": note} if note else None
    incident = _act(_target(url, token, config), number, "resolve", body)
    _emit(incident, as_json, _line)


@app.command("close")
@friendly
def close(
    number: Number,
    code: Annotated[
        ResolutionCode | None, typer.Option(help="Resolution code (needed for P1 and P2)")
    ] = None,
    notes: Annotated[
        str | None, typer.Option(help="Resolution notes (needed for P1 and P2)")
    ] = None,
    root_cause: Annotated[str | None, typer.Option(help="What caused it")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Close a resolved incident for good."""
    fields = {"resolution_code": code, "resolution_notes": notes, "root_cause": root_cause}
    body = {key: value for key, value in fields.items() if value is not None}
    incident = _act(_target(url, token, config), number, "close", body)
    _emit(incident, as_json, _line)
