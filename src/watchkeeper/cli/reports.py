"""`watchkeeper report ...`: the analytics reports of a running server, as a table or JSON."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from watchkeeper.cli.client import Api, resolve_target
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url

app = typer.Typer(
    help="Analytics reports from a running server, through its API (docs/analytics.md).",
    no_args_is_help=True,
)
REPORTS = "/api/v1/reports"


class By(enum.StrEnum):
    SERVICE = "service"
    TEAM = "team"
    CATEGORY = "category"
    PRIORITY = "priority"
    SOURCE = "source"
    ALL = "all"


Since = Annotated[str, typer.Option(help="Range back from now: 7d, 30d, 90d, 12h, 2w")]
Start = Annotated[str | None, typer.Option(help="Custom range start (ISO 8601); with --end")]
End = Annotated[str | None, typer.Option(help="Custom range end (ISO 8601), exclusive")]
GroupBy = Annotated[By, typer.Option("--by", help="Group by")]
Tz = Annotated[str | None, typer.Option("--tz", help="IANA time zone for days (UTC)")]


def duration(seconds: float | None) -> str:
    """A duration as people read it: 45s, 12m, 3h 20m, 2d 4h."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    minutes = whole // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m" if mins else f"{whole}s"


def change(trend: dict[str, Any]) -> str:
    """The trend against the previous period as an arrow and a percentage."""
    arrows = {"up": "↑", "down": "↓", "flat": "→"}
    if trend["percent"] is None:
        return "new" if trend["direction"] == "new" else "-"
    return f"{arrows[trend['direction']]} {trend['percent']:+.0f}%"


def _params(since: str, start: str | None, end: str | None, **more: Any) -> dict[str, Any]:
    window = {"start": start, "end": end} if start or end else {"since": since}
    return {k: v for k, v in {**window, **more}.items() if v is not None}


def _fetch(
    path: str, params: dict[str, Any], url: str | None, token: str | None, config: Any
) -> Any:
    with Api(resolve_target(url=url, token=token, config=config)) as api:
        return api.get(f"{REPORTS}/{path}", params)


Column = tuple[str, Callable[[dict[str, Any]], str]]


def _table(title: str, columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for name, _ in columns:
        table.add_column(name, justify="left" if name in ("group", "alert") else "right")
    for row in rows:
        table.add_row(*(show(row) for _, show in columns))
    console.print(table)


def _range_title(name: str, data: dict[str, Any]) -> str:
    return f"{name}, {data['start'][:16]} to {data['end'][:16]} UTC"


def _summary_columns(name: str) -> list[Column]:
    def stat(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda g: duration(g[name][key])

    return [
        (f"{name} mean", stat("mean")),
        (f"{name} median", stat("median")),
        (f"{name} p90", stat("p90")),
        (f"{name} vs before", lambda g: change(g[f"{name}_trend"])),
    ]


def _figure_columns(figure: str) -> list[Column]:
    columns: list[Column] = [
        ("group", lambda g: str(g["label"])),
        ("incidents", lambda g: str(g["count"])),
    ]
    for name in ("mtta", "mttr") if figure == "response" else (figure,):
        columns += _summary_columns(name)
    if figure == "response":
        columns.append(("mtbf", lambda g: duration(g["mtbf_seconds"])))
    return columns


def _response(
    figure: str, since: str, start: str | None, end: str | None, by: By, **server: Any
) -> None:
    as_json = server.pop("as_json")
    data = _fetch("response", _params(since, start, end, by=by.value), **server)
    if as_json:
        print_json(data)
        return
    rows = data["groups"]
    if by is not By.ALL:
        rows = [*rows, {**data["total"], "label": "all"}]
    title = "Response" if figure == "response" else figure.upper()
    _table(_range_title(title, data), _figure_columns(figure), rows)


@app.command("mtta")
@friendly
def mtta(
    since: Since = "30d",
    start: Start = None,
    end: End = None,
    by: GroupBy = By.SERVICE,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Mean, median and p90 time to acknowledge per group, against the period before."""
    _response("mtta", since, start, end, by, url=url, token=token, config=config, as_json=as_json)


@app.command("mttr")
@friendly
def mttr(
    since: Since = "30d",
    start: Start = None,
    end: End = None,
    by: GroupBy = By.SERVICE,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Mean, median and p90 time to resolve (hold excluded) per group."""
    _response("mttr", since, start, end, by, url=url, token=token, config=config, as_json=as_json)


@app.command("response")
@friendly
def response(
    since: Since = "30d",
    start: Start = None,
    end: End = None,
    by: GroupBy = By.SERVICE,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """MTTA, MTTR and MTBF per group: the whole response report."""
    _response(
        "response", since, start, end, by, url=url, token=token, config=config, as_json=as_json
    )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _both(group: dict[str, Any], key: str) -> str:
    return str(group["acknowledge"][key] + group["resolve"][key])


_SLA_COLUMNS: list[Column] = [
    ("group", lambda g: str(g["label"])),
    ("incidents", lambda g: str(g["count"])),
    ("ack met", lambda g: _percent(g["acknowledge"]["compliance_percent"])),
    ("ack breached", lambda g: str(g["acknowledge"]["breached"])),
    ("resolve met", lambda g: _percent(g["resolve"]["compliance_percent"])),
    ("resolve breached", lambda g: str(g["resolve"]["breached"])),
    ("warnings → breach", lambda g: _both(g, "warned_then_breached")),
    ("warnings → met", lambda g: _both(g, "warned_then_met")),
]


@app.command("sla")
@friendly
def sla(
    since: Since = "30d",
    start: Start = None,
    end: End = None,
    by: GroupBy = By.PRIORITY,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """SLA compliance per group (default priority) and the latest breaches."""
    data = _fetch("sla", _params(since, start, end, by=by.value), url, token, config)
    if as_json:
        print_json(data)
        return
    _table(_range_title("SLA", data), _SLA_COLUMNS, [*data["groups"], data["total"]])
    breaches = [
        ("incident", lambda b: f"#{b['incident_id']}"),
        ("priority", lambda b: str(b["priority"])),
        ("clock", lambda b: str(b["clock"])),
        ("late by", lambda b: duration(b["late_seconds"]) + ("" if b["stopped_at"] else " (open)")),
        ("service", lambda b: str(b["service"])),
    ]
    _table(f"Breaches ({data['breaches_total']}), longest first", breaches, data["breaches"][:20])


_NOISE_COLUMNS: list[Column] = [
    ("alert", lambda a: f"{a['name']} ({a['service']})"),
    ("alerts", lambda a: str(a["alerts"])),
    ("before", lambda a: str(a["previous_alerts"])),
    ("pages", lambda a: str(a["pages"])),
    ("gone by itself", lambda a: str(a["quick_resolved"])),
    ("never acked", lambda a: str(a["never_acknowledged"])),
    ("flapping", lambda a: str(a["flapping"])),
    ("no action", lambda a: str(a["no_action"])),
]


@app.command("noise")
@friendly
def noise(
    since: Since = "30d",
    start: Start = None,
    end: End = None,
    quick: Annotated[
        int, typer.Option(min=1, max=1440, help="'Gone by itself' within this many minutes")
    ] = 5,
    top: Annotated[int, typer.Option(min=1, max=100, help="How many alerts")] = 10,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """The noisiest alerts by name and service; the page of the same report has the fixes."""
    params = _params(since, start, end, quick_minutes=quick, top=top)
    data = _fetch("noise", params, url, token, config)
    if as_json:
        print_json(data)
        return
    _table(_range_title("Noisiest alerts", data), _NOISE_COLUMNS, data["by_alertname"])


_LOAD_COLUMNS: list[Column] = [
    ("person", lambda p: str(p["name"])),
    ("pages", lambda p: str(p["pages"])),
    ("at night", lambda p: str(p["night_pages"])),
    ("at weekends", lambda p: str(p["weekend_pages"])),
    ("nights broken", lambda p: str(p["interrupted_nights"])),
    ("hours on call", lambda p: f"{p['hours_on_call']:.0f}"),
    ("zone", lambda p: str(p["time_zone"])),
]


@app.command("load")
@friendly
def load(
    since: Since = "30d",
    start: Start = None,
    end: End = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Pages per person, at night and at weekends in their own zone, and each rotation's
    fairness (lowest load over highest)."""
    data = _fetch("load", _params(since, start, end), url, token, config)
    if as_json:
        print_json(data)
        return
    _table(_range_title("On-call load", data), _LOAD_COLUMNS, data["people"])
    rotation_columns: list[Column] = [
        ("schedule", lambda r: str(r["name"])),
        ("fairness", lambda r: "-" if r["fairness"] is None else f"{r['fairness']:.2f}"),
        ("people", lambda r: ", ".join(f"{t['name']} {t['pages']}" for t in r["people"])),
    ]
    _table("Rotations", rotation_columns, data["rotations"])


_FOLLOW_COLUMNS: list[Column] = [
    ("group", lambda a: str(a["label"])),
    ("created", lambda a: str(a["created"])),
    ("open", lambda a: str(a["open"])),
    ("overdue", lambda a: str(a["overdue"])),
    ("done", lambda a: str(a["done"])),
    ("won't do", lambda a: str(a["wont_do"])),
    ("median age (open)", lambda a: _days(a["median_open_age_days"])),
    ("median to done", lambda a: _days(a["median_days_to_done"])),
]


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}d"


@app.command("follow-through")
@friendly
def follow_through(
    since: Since = "30d",
    start: Start = None,
    end: End = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Postmortems owed and published, and action items per team with their age."""
    data = _fetch("follow-through", _params(since, start, end), url, token, config)
    if as_json:
        print_json(data)
        return
    p = data["postmortems"]
    console.print(
        f"Postmortems: {p['published']} of {p['required']} published "
        f"({p['published_on_time']} on time), {p['overdue']} overdue, "
        f"{p['not_yet_due']} not due yet; median {_days(p['median_days_to_publish'])} "
        "from closing to publishing"
    )
    title = _range_title("Action items", data)
    _table(title, _FOLLOW_COLUMNS, [*data["actions_by_team"], data["actions"]])
