"""`watchkeeper export`, `plan -f` and `apply -f`: configuration as code, on the database
the settings point at. `apply` runs in one transaction: all of the plan, or nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import yaml
from rich.markup import escape

from watchkeeper.cli.common import clock, console, err, fail, friendly, ready_database
from watchkeeper.config import plan as planning
from watchkeeper.config import queries, service
from watchkeeper.config.loader import ConfigFileError, Source, load
from watchkeeper.config.schemas import ConfigFile, config_schema
from watchkeeper.core.errors import Invalid

FileOption = Annotated[
    Path, typer.Option("--file", "-f", help="The configuration file (YAML or JSON); - for stdin")
]
Prune = Annotated[
    bool, typer.Option("--prune", help="Delete what the file does not list (of the kinds it lists)")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the plan as JSON")]
_OPS = {"create": ("+", "green"), "update": ("~", "yellow"), "delete": ("-", "red")}


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


@friendly
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the file's JSON Schema instead")
    ] = False,
) -> None:
    """Write the whole configuration as YAML: names instead of ids, no secrets."""
    if schema:
        text = json.dumps(config_schema(), indent=2) + "\n"
    else:
        with ready_database() as database, database.transaction(write=False) as session:
            text = dump_yaml(queries.export(session))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text)


@friendly
def plan(file: FileOption, prune: Prune = False, as_json: AsJson = False) -> None:
    """Show what `apply` would change, field by field; exit 2 when it has errors."""
    source, document = _read(file)
    with ready_database() as database, database.transaction(write=False) as session:
        made = service.plan(session, document=document, prune=prune)
    if made.problems:
        _fail_with([source.locate(p.path, p.message) for p in made.problems])
    _show(made, as_json)


@friendly
def apply(file: FileOption, prune: Prune = False, as_json: AsJson = False) -> None:
    """Apply the file in one transaction; a second apply of the same file changes nothing."""
    source, document = _read(file)
    now = clock.now()
    try:
        with ready_database() as database:
            made = database.run(lambda s: service.apply(s, document=document, prune=prune, now=now))
    except Invalid as exc:
        located = [
            source.locate(tuple(_part(p) for p in e.location.split(".")), e.message)
            for e in exc.errors
        ]
        _fail_with(located or [source.locate((), exc.detail)])
    _show(made, as_json, applied=True)


def _read(file: Path) -> tuple[Source, ConfigFile]:
    name = "stdin" if str(file) == "-" else str(file)
    try:
        text = sys.stdin.read() if name == "stdin" else file.read_text()
    except OSError as exc:
        fail(f"cannot read {name}: {exc.strerror}")
    try:
        return load(text, name)
    except ConfigFileError as exc:
        _fail_with(exc.problems)


def _fail_with(problems: list[Any]) -> NoReturn:
    for problem in problems:
        err.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False)
    raise typer.Exit(2)


def _part(text: str) -> str | int:
    return int(text) if text.isdigit() else text


def _show(made: planning.Plan, as_json: bool, *, applied: bool = False) -> None:
    if as_json:
        sys.stdout.write(json.dumps(planning.to_data(made), indent=2) + "\n")
        return
    for change in made.changes:
        mark, colour = _OPS[change.op]
        label = "deactivate" if change.kind == "users" and change.op == "delete" else change.op
        console.print(
            f"[{colour}]{mark} {change.kind} {escape(change.key)!s}[/] ({label})", highlight=False
        )
        if change.op == "update":
            for field in change.fields:
                console.print(
                    f"    {field.name}: [red]{escape(json.dumps(field.old))}[/]"
                    f" -> [green]{escape(json.dumps(field.new))}[/]",
                    highlight=False,
                )
    counts = made.counts()
    verb = "applied" if applied else "plan"
    summary = ", ".join(f"{n} to {op}" for op, n in counts.items() if n) or "no changes"
    console.print(f"{verb}: {summary}", highlight=False)
    for kind, count in made.left_alone.items():
        console.print(f"  {count} {kind} not in the file left alone (--prune deletes them)")
