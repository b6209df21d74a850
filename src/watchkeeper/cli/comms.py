"""`watchkeeper subscriber` (a status page's subscribers) and `watchkeeper stakeholder`
(an incident's stakeholders and their updates), on a running server through its API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from watchkeeper.cli.client import ClientError
from watchkeeper.cli.common import console, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Number, Token, Url
from watchkeeper.cli.statuspage import PAGES, PageRef, _api

subscribers_app = typer.Typer(
    help="A status page's subscribers, through the API (admins).", no_args_is_help=True
)
stakeholders_app = typer.Typer(
    help="An incident's stakeholders and the updates sent to them, through the API.",
    no_args_is_help=True,
)
UserOpt = Annotated[int | None, typer.Option("--user", help="User id", min=1)]
TeamOpt = Annotated[int | None, typer.Option("--team", help="Team id", min=1)]
EmailOpt = Annotated[str | None, typer.Option("--email", help="Email address")]


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _target(user: int | None, team: int | None, email: str | None) -> dict[str, Any]:
    given = {k: v for k, v in (("user_id", user), ("team_id", team), ("email", email)) if v}
    if len(given) != 1:
        raise ClientError("give one of --user, --team and --email")
    return given


@subscribers_app.command("list")
@friendly
def list_subscribers(
    page: PageRef,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """List a page's subscribers (the first 500)."""
    with _api(url, token, config) as api:
        items = api.get(f"{PAGES}/{api.page_id(page)}/subscribers", {"limit": 500})
    if as_json:
        print_json(items)
        return
    for item in items:
        state = "confirmed" if item["confirmed"] else "waiting for confirmation"
        only = f"  components {item['component_ids']}" if item["component_ids"] else ""
        _say(f"{item['id']:>6}  {item['kind']:<7}  {item['address']}  {state}{only}")


@subscribers_app.command("add")
@friendly
def add_subscriber(
    page: PageRef,
    email: EmailOpt = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="Webhook URL")] = None,
    component: Annotated[
        list[int] | None, typer.Option("--component", help="Only this component; repeat")
    ] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Subscribe an address (an email address still gets the confirmation link)."""
    body: dict[str, Any] = {"component_ids": component or []}
    if email:
        body["email"] = email
    if webhook:
        body["webhook_url"] = webhook
    with _api(url, token, config) as api:
        item = api.post(f"{PAGES}/{api.page_id(page)}/subscribers", body)
    if as_json:
        print_json(item)
    elif item["secret"]:
        _say(f"subscribed; webhooks are signed with {item['secret']}")
    else:
        _say("confirmation link sent")


@subscribers_app.command("remove")
@friendly
def remove_subscriber(
    page: PageRef,
    subscriber: Annotated[int, typer.Argument(help="Subscriber id", min=1)],
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """Remove a subscriber (messages not yet sent to it are dropped)."""
    with _api(url, token, config) as api:
        api.delete(f"{PAGES}/{api.page_id(page)}/subscribers/{subscriber}")
    _say(f"subscriber {subscriber} removed")


@subscribers_app.command("export")
@friendly
def export_subscribers(
    page: PageRef,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """Every subscriber of a page as CSV."""
    with _api(url, token, config) as api:
        text = api.get_text(f"{PAGES}/{api.page_id(page)}/subscribers.csv")
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text)
        _say(f"wrote {output}")


@stakeholders_app.command("list")
@friendly
def list_stakeholders(
    number: Number,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """An incident's stakeholders, and when the next update is due."""
    with _api(url, token, config) as api:
        items = api.get(f"/api/v1/incidents/{number}/stakeholders")
        due = api.get(f"/api/v1/incidents/{number}/stakeholder-cadence")
    if as_json:
        print_json({"stakeholders": items, "cadence": due})
        return
    for item in items:
        how = " (by rule)" if item["rule_id"] else ""
        _say(f"{item['id']:>5}  {item['kind']:<5}  {item['name']}{how}")
    minutes = due["due_in_minutes"]
    if minutes is not None:
        _say(f"next update due in {minutes} min" if minutes >= 0 else f"update {-minutes} min late")


@stakeholders_app.command("add")
@friendly
def add_stakeholder(
    number: Number,
    user: UserOpt = None,
    team: TeamOpt = None,
    email: EmailOpt = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """Add a user, a team or an external email address."""
    with _api(url, token, config) as api:
        item = api.post(f"/api/v1/incidents/{number}/stakeholders", _target(user, team, email))
    _say(f"stakeholder {item['id']} added: {item['name']}")


@stakeholders_app.command("remove")
@friendly
def remove_stakeholder(
    number: Number,
    stakeholder: Annotated[int, typer.Argument(help="Stakeholder id", min=1)],
    url: Url = None,
    token: Token = None,
    config: Config = None,
) -> None:
    """Remove a stakeholder from an incident."""
    with _api(url, token, config) as api:
        api.delete(f"/api/v1/incidents/{number}/stakeholders/{stakeholder}")
    _say(f"stakeholder {stakeholder} removed")


@stakeholders_app.command("update")
@friendly
def send_update(
    number: Number,
    template: Annotated[int | None, typer.Option("--template", help="Template id")] = None,
    subject: Annotated[str | None, typer.Option("--subject")] = None,
    body: Annotated[str | None, typer.Option("--body")] = None,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Send an update to the incident's stakeholders (typed, or from a template)."""
    data = {k: v for k, v in (("template_id", template), ("subject", subject), ("body", body)) if v}
    with _api(url, token, config) as api:
        item = api.post(f"/api/v1/incidents/{number}/stakeholder-updates", data)
    if as_json:
        print_json(item)
    else:
        _say(f"sent to {item['recipients']} addresses: {item['subject']}")
