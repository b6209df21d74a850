"""The configuration file's JSON Schema in docs/ is the one the code publishes."""

from __future__ import annotations

import json
from pathlib import Path

from watchkeeper.config.schemas import config_schema

DOCS = Path(__file__).parent.parent.parent / "docs"


def test_the_committed_config_schema_is_the_generated_one() -> None:
    committed = json.loads((DOCS / "config-schema.json").read_text())
    command = "watchkeeper export --schema > docs/config-schema.json"
    assert committed == config_schema(), f"regenerate it: {command}"
