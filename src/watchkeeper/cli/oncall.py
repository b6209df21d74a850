"""`watchkeeper oncall now` and `watchkeeper schedule export-ics`: who is on call, and a
schedule's shifts as iCalendar, from a running server."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx2
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from watchkeeper.cli.client import Api, ClientError, problem_error, resolve_target
from watchkeeper.cli.common import console, err, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url

app = typer.Typer(
    help="Who is on call, from a running server (needs its URL and an API token).",
    no_args_is_help=True,
)
schedule_app = typer.Typer(
    help="On-call schedules on a running server, through its API.", no_args_is_help=True
)

SCHEDULES = "/api/v1/schedules"
ScheduleRef = Annotated[str, typer.Argument(help="Schedule id or name")]


class OncallApi(Api):
    """The API client, plus downloads that are not JSON (calendars)."""

    def download(self, path: str, params: Mapping[str, Any]) -> bytes:
        try:
            response = self._http.get(path, params=params)
        except httpx2.RequestError as exc:
            raise ClientError(f"cannot reach {self.url}: {str(exc) or type(exc).__name__}") from exc
        if not response.is_success:
            raise problem_error(response, self.url)
        return response.content


def _api(url: str | None, token: str | None, config: Path | None) -> OncallApi:
    return OncallApi(resolve_target(url=url, token=token, config=config))


def _schedule(api: Api, ref: str) -> dict[str, Any]:
    """A schedule by id, or by its name in any case."""
    if ref.isdigit():
        found: dict[str, Any] = api.get(f"{SCHEDULES}/{ref}")
        return found
    candidates: list[dict[str, Any]] = list(api.pages(SCHEDULES, {"q": ref, "limit": 200}))
    for item in candidates:
        if item["name"].lower() == ref.lower():
            return item
    near = ", ".join(item["name"] for item in candidates[:5])
    raise ClientError(f"no schedule named {ref!r}" + (f"; similar: {near}" if near else ""))


def _user_id(api: Api, login: str) -> int:
    for item in api.pages("/api/v1/users", {"q": login, "limit": 200}):
        if item["login"] == login.lower():
            return int(item["id"])
    raise ClientError(f"no user with login {login!r}")


def _who(answer: Any) -> str:
    people = [f"{user['name']} ({user['login']})" for user in answer["users"]]
    return ", ".join(people) or "nobody"


def _until(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _table(answers: list[Any]) -> None:
    if not answers:
        err.print("no schedules yet")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("schedule", "on call", "until (UTC)"):
        table.add_column(name, no_wrap=name != "on call")
    for answer in answers:
        cells = (answer["schedule_name"], _who(answer), _until(answer["until"]))
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)


def _moment(text: str | None) -> dict[str, str]:
    if text is None:
        return {}
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ClientError(f"--at {text!r} is not a date and time; e.g. 2026-03-29T09:00Z") from None
    if moment.tzinfo is None:
        raise ClientError("--at needs an offset, e.g. Z or +02:00")
    return {"at": moment.isoformat()}


@app.command("now")
@friendly
def now(
    schedule: Annotated[
        str | None, typer.Option("--schedule", help="Only this schedule: id or name")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="Another moment (RFC 3339 with offset), e.g. 2026-03-29T09:00+02:00"),
    ] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Who is on call now (or --at), for every schedule or one."""
    params = _moment(at)
    with _api(url, token, config) as api:
        chosen = [_schedule(api, schedule)] if schedule else list(api.pages(SCHEDULES, {}))
        answers = [api.get(f"{SCHEDULES}/{item['id']}/on-call", params) for item in chosen]
    if as_json:
        print_json(answers)
    else:
        _table(answers)


@schedule_app.command("export-ics")
@friendly
def export_ics(
    schedule: ScheduleRef,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's shifts")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file (default: stdout)")
    ] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """The schedule's shifts of the next 60 days as an iCalendar (.ics) file."""
    with _api(url, token, config) as api:
        found = _schedule(api, schedule)
        params = {"user_id": _user_id(api, user)} if user else {}
        body = api.download(f"{SCHEDULES}/{found['id']}/shifts.ics", params)
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(body)
    except OSError as exc:
        raise ClientError(f"cannot write {output}: {exc.strerror}") from exc
    err.print(f"wrote {body.count(b'BEGIN:VEVENT')} shifts of {found['name']} to {output}")
