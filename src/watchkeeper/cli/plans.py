"""`watchkeeper response-plan`: response plans on a running server, through its API; `apply`
writes a plan from a YAML file (by name: a second run changes the same plan)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from watchkeeper.cli.client import Api
from watchkeeper.cli.common import console, fail, friendly, print_json
from watchkeeper.cli.incidents import AsJson, Config, Token, Url, _target

app = typer.Typer(
    help="Response plans on a running server (needs its URL and an API token).",
    no_args_is_help=True,
)
PLANS = "/api/v1/response-plans"
PlanId = Annotated[int, typer.Argument(help="Plan id", min=1)]


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _line(plan: Any) -> None:
    when = [f"P{plan['priority_min']}-P{plan['priority_max']}"]
    if plan["service_id"]:
        when.append(f"service {plan['service_id']}")
    if plan["category_id"]:
        when.append(f"category {plan['category_id']}")
    when.extend(plan["matchers"])
    off = "" if plan["enabled"] else " (off)"
    _say(f"{plan['id']:>4} {plan['name']}{off}: {', '.join(when)}; {len(plan['steps'])} steps")


@app.command("list")
@friendly
def list_(
    url: Url = None, token: Token = None, config: Config = None, as_json: AsJson = False
) -> None:
    """List response plans by name."""
    with Api(_target(url, token, config)) as api:
        found = api.get(PLANS)
    if as_json:
        print_json(found)
        return
    for plan in found:
        _line(plan)
    if not found:
        _say("no response plans")


@app.command("show")
@friendly
def show(
    plan_id: PlanId,
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """A plan with its steps."""
    with Api(_target(url, token, config)) as api:
        plan = api.get(f"{PLANS}/{plan_id}")
    if as_json:
        print_json(plan)
        return
    _line(plan)
    for number, step in enumerate(plan["steps"], start=1):
        role = f" ({step['role']})" if step["role"] else ""
        article = f" [article {step['article_id']}]" if step["article_id"] else ""
        _say(f"  {number}. {step['text']}{role}{article}")


@app.command("apply")
@friendly
def apply(
    file: Annotated[
        Path, typer.Argument(help="YAML file with the plan's fields (name, steps, ...)")
    ],
    url: Url = None,
    token: Token = None,
    config: Config = None,
    as_json: AsJson = False,
) -> None:
    """Write the plan in `file`: a new one, or the one with its name changed to match."""
    try:
        body = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        fail(f"{file}: {exc}")
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        fail(f"{file}: name: missing; a plan file is a mapping with at least a name")
    with Api(_target(url, token, config)) as api:
        existing = next((p for p in api.get(PLANS) if p["name"] == body["name"]), None)
        if existing is None:
            plan = api.post(PLANS, body)
        else:
            plan = api.patch(f"{PLANS}/{existing['id']}", body)
    print_json(plan) if as_json else _line(plan)


@app.command("delete")
@friendly
def delete(plan_id: PlanId, url: Url = None, token: Token = None, config: Config = None) -> None:
    """Delete a plan (the tasks it gave incidents stay)."""
    with Api(_target(url, token, config)) as api:
        api.delete(f"{PLANS}/{plan_id}")
    _say(f"deleted plan {plan_id}")
