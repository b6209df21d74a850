"""Every setting, every CLI command and every Apprise service we send through is
documented; a new one without docs fails here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from starlette.testclient import TestClient

from watchkeeper.catalog.services.schemas import ServiceCreate, ServiceOut
from watchkeeper.cli.main import app
from watchkeeper.pipeline.notify.channels.addresses import REVIEWED_APPRISE_SCHEMES
from watchkeeper.settings import ClientSettings, Settings

DOCS = Path(__file__).parent.parent / "docs"


def _commands(group: Any, prefix: str) -> list[str]:
    if not hasattr(group, "commands"):
        return [prefix]
    found: list[str] = []
    for name, command in group.commands.items():
        if not getattr(command, "hidden", False):
            found += _commands(command, f"{prefix} {name}")
    return found


ALL_COMMANDS = _commands(typer.main.get_command(app), "watchkeeper")


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_configuration_docs(field: str) -> None:
    assert f"WATCHKEEPER_{field.upper()}" in (DOCS / "configuration.md").read_text()


@pytest.mark.parametrize("field", sorted(ClientSettings.model_fields))
def test_every_client_setting_is_in_the_command_line_client_docs(field: str) -> None:
    text = (DOCS / "configuration.md").read_text()
    section = text[text.index("## Command-line client") :]
    assert f"### `WATCHKEEPER_{field.upper()}`" in section


def test_the_paging_docs_list_exactly_the_reviewed_apprise_schemes() -> None:
    text = (DOCS / "paging.md").read_text()
    section = text[text.index("| | schemes |") : text.index("A vendor's own URL")]
    listed = {cell.strip("`") for cell in section.replace(",", " ").split() if cell[0] == "`"}
    assert listed == REVIEWED_APPRISE_SCHEMES


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_every_cli_command_is_in_the_cli_docs(command: str) -> None:
    assert f"`{command}`" in (DOCS / "cli.md").read_text()


def test_the_command_list_is_complete() -> None:
    assert {
        "watchkeeper serve",
        "watchkeeper engine",
        "watchkeeper db upgrade",
        "watchkeeper user create",
        "watchkeeper token revoke",
    } <= set(ALL_COMMANDS)


def test_the_readme_starts_with_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    head = readme[: readme.index("## What you get")]
    assert "make run" in head
    assert "make test" in head


def _documented(text: str) -> str:
    """Path parameters differ in name between code and prose: compare them as `{}`."""
    return re.sub(r"\{[^}]*\}", "{}", text)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_every_route_in_the_openapi_is_in_the_api_docs(client: TestClient) -> None:
    api = _documented((DOCS / "api.md").read_text())
    paths = client.get("/openapi.json").json()["paths"]
    routes = [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops]
    assert len(routes) > 100
    assert [route for route in routes if f"`{_documented(route)}" not in api] == []


def _services_section() -> str:
    text = (DOCS / "api.md").read_text()
    start = text.index("### Services: ")
    return text[start : text.index("\n### ", start)]


@pytest.mark.parametrize("field", sorted(ServiceCreate.model_fields))
def test_every_service_field_one_can_set_is_explained_in_the_api_docs(field: str) -> None:
    assert f"`{field}`" in _services_section()


@pytest.mark.parametrize("field", sorted(ServiceOut.model_fields))
def test_every_service_field_returned_is_in_the_api_docs(field: str) -> None:
    section = _services_section()
    assert f'"{field}":' in section or f"`{field}`" in section
