"""`watchkeeper check ...`: synthetic checks on a running server, through its API.

`check add FILE` takes YAML (or JSON, which is YAML too): one definition or a list of
them, with the same fields as the API (docs/checks.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich import box
from rich.table import Table

from watchkeeper.cli.client import Api, ClientError, resolve_target
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url

app = typer.Typer(
    help="Synthetic checks on a running server, through its API (needs its URL and an API token).",
    no_args_is_help=True,
)
CHECKS = "/api/v1/checks"
CheckId = Annotated[int, typer.Argument(help="Check id", min=1)]


class ChecksApi(Api):
    """The API client, plus DELETE."""

    def delete(self, path: str) -> Any:
        return self._send("DELETE", path)


def _api(url: str | None, token: str | None, config: Path | None) -> ChecksApi:
    return ChecksApi(resolve_target(url=url, token=token, config=config))


def _say(text: str) -> None:
    """Plain output: names and errors are users' words, never rich markup."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def read_definitions(path: Path) -> list[dict[str, Any]]:
    """The check definitions in `path` (`-` is standard input): a mapping or a list."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClientError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ClientError(f"{path} is not YAML: {exc}".splitlines()[0]) from exc
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise ClientError(f"{path} must hold a check (a mapping) or a list of checks")
    return items


def _latency(value: Any) -> str:
    return f"{value:.0f} ms" if isinstance(value, int | float) else "-"


@app.command("list")
@friendly
def list_checks(
    service: Annotated[int | None, typer.Option(help="Only this service's checks (id)")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Every check with its status, last latency and last error."""
    with _api(url, token, config) as api:
        rows = api.get(CHECKS, {"service_id": service} if service else None)
    if as_json:
        print_json(rows)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("id", "name", "kind", "target", "status", "latency", "error"):
        table.add_column(name, no_wrap=name not in ("target", "error"))
    for row in rows:
        status = "paused" if row["paused"] else row["status"]
        table.add_row(
            str(row["id"]),
            row["name"],
            row["kind"],
            row["target"],
            status,
            _latency(row["last_latency_ms"]),
            row["last_error"] or "",
        )
    console.print(table, markup=False, highlight=False)


@app.command("show")
@friendly
def show(
    check_id: CheckId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """One check: its state, uptime over 24 hours to a year, and its latest failures."""
    with _api(url, token, config) as api:
        check = api.get(f"{CHECKS}/{check_id}")
        uptime = api.get(f"{CHECKS}/{check_id}/uptime")
        failures = api.get(f"{CHECKS}/{check_id}/results", {"failed_only": "true"})
    if as_json:
        print_json({"check": check, "uptime": uptime["windows"], "failures": failures})
        return
    state = "paused" if check["paused"] else check["status"]
    _say(f"check #{check['id']} {check['name']} ({check['kind']} {check['target']}): {state}")
    _say(
        f"every {check['interval_seconds']} s, timeout {check['timeout_seconds']} s, "
        f"{check['retries']} {'retry' if check['retries'] == 1 else 'retries'}; "
        f"last latency {_latency(check['last_latency_ms'])}"
    )
    shown = ", ".join(
        f"{name} {value:.2f}%" if value is not None else f"{name} -"
        for name, value in uptime["windows"].items()
    )
    _say(f"uptime: {shown}")
    for failure in failures[:10]:
        _say(f"  {failure['started_at']}: {failure['error']}")


@app.command("add")
@friendly
def add(
    file: Annotated[
        Path, typer.Argument(help="YAML or JSON definitions; - reads stdin", metavar="FILE")
    ],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Add the checks in FILE (one, or a list). Stops at the first the server refuses."""
    made = []
    with _api(url, token, config) as api:
        for definition in read_definitions(file):
            made.append(api.post(CHECKS, definition))
    if as_json:
        print_json(made)
        return
    for check in made:
        _say(f"check #{check['id']} {check['name']} added ({check['kind']} {check['target']})")


def _set_paused(check_id: int, paused: bool, api: ChecksApi) -> None:
    check = api.patch(f"{CHECKS}/{check_id}", {"paused": paused})
    _say(f"check #{check['id']} {check['name']} {'paused' if paused else 'resumed'}")


@app.command("pause")
@friendly
def pause(check_id: CheckId, url: Url = None, token: Token = None, config: Config = None) -> None:
    """Stop running a check (its open alert, if any, is resolved)."""
    with _api(url, token, config) as api:
        _set_paused(check_id, True, api)


@app.command("resume")
@friendly
def resume(check_id: CheckId, url: Url = None, token: Token = None, config: Config = None) -> None:
    """Run a paused check again, from now."""
    with _api(url, token, config) as api:
        _set_paused(check_id, False, api)


@app.command("delete")
@friendly
def delete(check_id: CheckId, url: Url = None, token: Token = None, config: Config = None) -> None:
    """Delete a check and its history (its open alert, if any, is resolved)."""
    with _api(url, token, config) as api:
        api.delete(f"{CHECKS}/{check_id}")
    _say(f"check #{check_id} deleted")
