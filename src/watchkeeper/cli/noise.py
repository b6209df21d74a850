"""`watchkeeper rules test` and `watchkeeper silence`: try the noise rules on a sample
payload, and create, list and expire silences on a running server."""

from __future__ import annotations

import enum
import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.client import Api, ClientError, resolve_target
from watchkeeper.cli.common import clock, console, err, fail, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url

rules_app = typer.Typer(
    help="Routing rules on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)
silence_app = typer.Typer(
    help="Silences on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)

SILENCES = "/api/v1/silences"
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


class SampleType(enum.StrEnum):
    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"
    PAGERDUTY = "pagerduty"
    GENERIC = "generic"


class NoiseApi(Api):
    """The API client, plus DELETE (expiring a silence answers 204)."""

    def delete(self, path: str) -> Any:
        return self._send("DELETE", path)


def _api(url: str | None, token: str | None, config: Path | None) -> NoiseApi:
    return NoiseApi(resolve_target(url=url, token=token, config=config))


def _say(text: str) -> None:
    """Plain output: labels and comments are users' words, never rich markup."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _when(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")


def _matchers(items: list[Any]) -> str:
    return " ".join(f'{m["name"]}{m["op"]}"{m["value"]}"' for m in items)


def read_sample(path: Path) -> Any:
    """The JSON in `path` (`-` is standard input)."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClientError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClientError(f"{path} is not JSON: {exc}") from exc


def _effects(rule: Any) -> str:
    parts = [
        f"{name} {rule[key]}"
        for name, key in (
            ("service", "set_service_id"),
            ("impact", "set_impact"),
            ("urgency", "set_urgency"),
            ("category", "set_category_id"),
        )
        if rule[key] is not None
    ]
    if rule["add_tags"]:
        parts.append("tags " + ",".join(rule["add_tags"]))
    parts += [word for word in ("drop", "suppress") if rule[word]]
    if rule["continue_matching"]:
        parts.append("continue")
    return f"#{rule['id']} {rule['name']!r}" + (f" ({', '.join(parts)})" if parts else "")


def _explanation(result: Any) -> None:
    for event in result["events"]:
        _say(f"event {event['index'] + 1}: {event['action']} {event['summary']}")
        grid = Table.grid(padding=(0, 2))
        labels = " ".join(f'{k}="{v}"' for k, v in sorted(event["labels"].items()))
        routing = event["routing"]
        rows = [
            ("labels", labels),
            ("rules", " -> ".join(_effects(rule) for rule in routing["rules"]) or "none match"),
            ("not reached", ", ".join(_effects(rule) for rule in routing["unreached"])),
            ("verdict", f"{event['verdict']}: {event['reason']}"),
        ]
        if event["verdict"] == "page":
            rows.append(("levels", f"impact {event['impact']}, urgency {event['urgency']}"))
        for name, value in rows:
            if value:
                grid.add_row(Text(name, style="bold"), Text(value))
        console.print(grid)


@rules_app.command("test")
@friendly
def try_rules(
    file: Annotated[
        Path, typer.Argument(help="A sample payload (JSON); - reads stdin", metavar="FILE")
    ],
    type_: Annotated[SampleType, typer.Option("--type", help="The payload's format")],
    service: Annotated[int, typer.Option("--service", help="Service id that receives it")],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Show, per event of the sample, its labels, the routing rules it hits and what would
    happen to it now (page, repeat, suppressed and why, dropped). Changes nothing."""
    body = {"type": type_.value, "service_id": service, "payload": read_sample(file)}
    with _api(url, token, config) as api:
        result = api.post("/api/v1/rules/test", body)
    if as_json:
        print_json(result)
    else:
        _explanation(result)


def parse_duration(text: str) -> timedelta:
    """`90m`, `2h`, `1d`, `1h30m`: days, hours and minutes, in that order."""
    found = _DURATION.match(text.strip())
    if not text.strip() or not found:
        raise ClientError(f"not a duration: {text!r} (write e.g. 30m, 2h, 1d or 1h30m)")
    days, hours, minutes = (int(part or 0) for part in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def _until(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ClientError(f"not a time: {text!r} (write e.g. 2026-03-14T18:00:00+01:00)") from None
    if moment.tzinfo is None:
        raise ClientError(f"--until {text} needs a time zone offset, such as Z or +01:00")
    return moment


def _line(silence: Any) -> None:
    state, ends = silence["state"], _when(silence["ends_at"])
    when = {
        "active": f"until {ends}",
        "pending": f"from {_when(silence['starts_at'])} until {ends}",
        "expired": f"at {ends}",
    }[state]
    _say(f"silence #{silence['id']} {state} {when}: {_matchers(silence['matchers'])}")


@silence_app.command("create")
@friendly
def create(
    matcher: Annotated[
        list[str], typer.Option("--matcher", help='name="value" (or != =~ !~); repeat for more')
    ],
    comment: Annotated[str, typer.Option(help="Why; shown to everyone")],
    duration: Annotated[str | None, typer.Option(help="How long from now: 30m, 2h, 1d")] = None,
    until: Annotated[str | None, typer.Option(help="When it ends (ISO 8601 with offset)")] = None,
    service: Annotated[int | None, typer.Option(help="Only this service's alerts (id)")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Silence matching alerts from now on: they are kept but never page. Silences always
    end (at most 90 days)."""
    if (duration is None) == (until is None):
        fail("give either --duration or --until")
    ends_at = clock.now() + parse_duration(duration) if duration else _until(until or "")
    body: dict[str, Any] = {"matchers": matcher, "ends_at": ends_at.isoformat(), "comment": comment}
    if service is not None:
        body["service_id"] = service
    with _api(url, token, config) as api:
        silence = api.post(SILENCES, body)
    if as_json:
        print_json(silence)
    else:
        _line(silence)


def _table(items: list[Any]) -> None:
    if not items:
        err.print("no silences")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("#", "state", "matchers", "service", "starts (UTC)", "ends (UTC)", "comment"):
        table.add_column(name, no_wrap=name not in ("matchers", "comment"))
    for item in items:
        cells = (
            str(item["id"]),
            item["state"],
            _matchers(item["matchers"]),
            str(item["service_id"] or "any"),
            _when(item["starts_at"]).removesuffix(" UTC"),
            _when(item["ends_at"]).removesuffix(" UTC"),
            item["comment"],
        )
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)


@silence_app.command("list")
@friendly
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Expired ones too")] = False,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """List silences that have not ended (in effect or starting later), newest first."""
    params = {"state": "all" if all_ else "active", "limit": 200}
    with _api(url, token, config) as api:
        items = list(api.pages(SILENCES, params))
    if as_json:
        print_json(items)
    else:
        _table(items)


@silence_app.command("expire")
@friendly
def expire(
    silence_id: Annotated[int, typer.Argument(help="Silence id", min=1, metavar="ID")],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """End a silence now; alerts that match it page again from now on."""
    with _api(url, token, config) as api:
        api.delete(f"{SILENCES}/{silence_id}")
        silence = api.get(f"{SILENCES}/{silence_id}")
    if as_json:
        print_json(silence)
    else:
        _line(silence)
