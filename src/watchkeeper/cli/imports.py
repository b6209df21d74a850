"""`watchkeeper import pagerduty|opsgenie DIR`: a dry-run plan, then `--apply` in one
transaction, with a report (counts, warnings, keys to hand out, the shift check)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.cli.common import (
    clock,
    console,
    err,
    fail,
    friendly,
    load_settings,
    ready_database,
)
from watchkeeper.config.importers import common, opsgenie, pagerduty

app = typer.Typer(
    help="Bring users, teams, schedules, policies and services over.", no_args_is_help=True
)
Directory = Annotated[
    Path, typer.Argument(help="A directory of saved API responses (docs/import.md)")
]
Apply = Annotated[bool, typer.Option("--apply", help="Carry the plan out (default: dry run)")]
Reader = Callable[[Path, dict[str, str]], common.Imported]


def _run(directory: Path, apply: bool, reader: Reader) -> None:
    if not directory.is_dir():
        fail(f"{directory} is not a directory")
    now = clock.now()
    base_url = load_settings().resolved_base_url
    with ready_database() as database:

        def work(session: Session) -> common.ImportPlan:
            emails = {
                email.lower(): login
                for login, email in session.execute(select(User.login, User.email)).all()
                if email
            }
            imported = reader(directory, emails)
            if not apply:
                return common.plan(session, imported, now=now)
            return common.apply(session, imported, now=now, base_url=base_url)

        try:
            made = database.run(work, write=apply)
        except ValueError as exc:
            fail(f"nothing was imported: {exc}")
    _report(made, applied=apply, base_url=base_url)
    if made.errors:
        raise typer.Exit(2)


def _report(made: common.ImportPlan, *, applied: bool, base_url: str) -> None:
    verb = "imported" if applied else "would import"
    for change in made.config.changes:
        console.print(f"  {change.op} {change.kind} {escape(change.key)}", highlight=False)
    for kind, steps in (("schedule", made.schedules), ("integration", made.integrations)):
        for name, step, why in steps:
            console.print(f"  {step} {kind} {escape(name)} ({escape(why)})", highlight=False)
    counts = made.config.counts()
    created = sum(1 for _, step, _ in made.schedules + made.integrations if step == "create")
    console.print(
        f"{verb}: {counts['create'] + created} new, {counts['update']} changed, "
        f"{sum(1 for _, step, _ in made.schedules + made.integrations if step == 'skip')} skipped",
        highlight=False,
    )
    for warning in made.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    for error in made.errors:
        err.print(f"[bold red]error:[/] {escape(error)}", highlight=False)
    for check in made.checks:
        unchecked = check.detail.startswith("not checked")
        mark = "[green]ok[/] " if check.equal else "" if unchecked else "[red]differs[/] "
        console.print(f"shifts {escape(check.schedule)}: {mark}{escape(check.detail)}")
    from watchkeeper.web.api.v1.integrations import endpoint_url

    for service, name, type_, key in made.keys:
        if made.source == "opsgenie":
            where = f"Opsgenie API URL {base_url}/ with this key as GenieKey"
        else:
            where = endpoint_url(base_url, type_, key)
        # soft_wrap: a key is copied from the terminal, so it must stay on one line.
        console.print(
            f"key for {escape(service)} / {escape(name)}: {key}  {where}",
            highlight=False,
            soft_wrap=True,
        )


@app.command("pagerduty")
@friendly
def import_pagerduty(directory: Directory, apply: Apply = False) -> None:
    """From PagerDuty's REST API v2 responses saved in DIRECTORY."""
    _run(directory, apply, pagerduty.read)


@app.command("opsgenie")
@friendly
def import_opsgenie(directory: Directory, apply: Apply = False) -> None:
    """From Opsgenie's REST API v2 responses saved in DIRECTORY."""
    _run(directory, apply, opsgenie.read)
