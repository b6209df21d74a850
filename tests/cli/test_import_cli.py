"""`watchkeeper import pagerduty DIR`: the dry run, then `--apply` with its report."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli

SAVED = Path(__file__).parent.parent / "payloads" / "import" / "pagerduty"


def test_a_dry_run_then_apply_then_a_run_that_skips_everything(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    dry = cli.ok("import", "pagerduty", str(SAVED))
    assert "would import: 9 new" in dry.output
    assert "create schedule Platform primary" in dry.output
    assert "warning:" in dry.output
    assert cli.ok("user", "list", "--json").stdout.strip() == "[]"

    applied = cli.ok("import", "pagerduty", str(SAVED), "--apply")
    assert "imported: 9 new" in applied.output
    assert "key for API gateway / Prometheus: wk_int_" in applied.output
    assert "/v2/enqueue" in applied.output
    # The saved rendering is of January 2026: too old to compare with today's shifts.
    assert "shifts Platform primary: not checked" in applied.output

    again = cli.ok("import", "pagerduty", str(SAVED), "--apply")
    assert "imported: 0 new, 0 changed, 3 skipped" in again.output


def test_opsgenie_too(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    saved = SAVED.parent / "opsgenie"
    applied = cli.ok("import", "opsgenie", str(saved), "--apply")
    assert "create schedule Checkout on call" in applied.output
    assert "key for Checkout API / Checkout Prometheus: wk_int_" in applied.output
    assert "Opsgenie API URL http://127.0.0.1:8080/ with this key as GenieKey" in applied.output
    again = cli.ok("import", "opsgenie", str(saved))
    assert "would import: 0 new, 0 changed, 3 skipped" in again.output
