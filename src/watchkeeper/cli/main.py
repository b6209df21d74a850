"""The `watchkeeper` command: one entry point, one sub-command module per concern."""

from __future__ import annotations

from typing import Annotated

import typer

from watchkeeper import __version__
from watchkeeper.cli import (
    actions,
    anomaly,
    audit,
    checks,
    comms,
    config,
    db,
    imports,
    incident_page,
    incidents,
    kb,
    noise,
    oncall,
    plans,
    postmortems,
    problems,
    readiness,
    reports,
    serve,
    statuspage,
    tokens,
    users,
    workflows,
)

app = typer.Typer(
    name="watchkeeper",
    help="Watchkeeper: self-hosted incident management.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.command("engine")(serve.engine)
app.add_typer(db.app, name="db")
app.add_typer(kb.app, name="kb")
app.add_typer(plans.app, name="response-plan")
app.add_typer(users.app, name="user")
app.add_typer(tokens.app, name="token")
incidents.app.command("page")(incident_page.page)
app.add_typer(incidents.app, name="incident")
app.add_typer(noise.rules_app, name="rules")
app.add_typer(noise.silence_app, name="silence")
app.add_typer(oncall.app, name="oncall")
app.add_typer(oncall.schedule_app, name="schedule")
app.add_typer(audit.app, name="audit")
checks.app.command("coverage")(readiness.coverage)
app.add_typer(checks.app, name="check")
app.command("simulate")(readiness.simulate)
app.add_typer(anomaly.app, name="anomaly")
app.command("export")(config.export)
app.command("plan")(config.plan)
app.command("apply")(config.apply)
app.add_typer(imports.app, name="import")
app.add_typer(postmortems.app, name="postmortem")
app.add_typer(actions.app, name="action")
app.add_typer(problems.app, name="problem")
app.add_typer(statuspage.app, name="status-page")
app.add_typer(comms.subscribers_app, name="subscriber")
app.add_typer(comms.stakeholders_app, name="stakeholder")
app.add_typer(reports.app, name="report")
app.add_typer(workflows.app, name="workflow")
app.add_typer(workflows.drill_app, name="drill")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"watchkeeper {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version")
    ] = False,
) -> None:
    """Settings come from WATCHKEEPER_* variables (docs/configuration.md)."""


def main() -> None:
    app()
