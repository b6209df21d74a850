"""`watchkeeper import pagerduty` on both databases, from saved API responses written from
PagerDuty's documented shapes: a dry run first, then apply, then a second run that
changes nothing; the next four weeks of shifts equal PagerDuty's rendering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import START
from watchkeeper.catalog.users.models import User
from watchkeeper.config import queries
from watchkeeper.config.importers import common, pagerduty
from watchkeeper.db.session import Database
from watchkeeper.oncall.schedules.models import Override, Schedule

SAVED = Path(__file__).parent.parent / "payloads" / "import" / "pagerduty"


def dry_run(db: Database, directory: Path = SAVED) -> common.ImportPlan:
    with db.transaction(write=False) as session:
        return common.plan(session, pagerduty.read(directory, {}), now=START)


def apply(db: Database, directory: Path = SAVED) -> common.ImportPlan:
    with db.transaction() as session:
        emails = {e: login for login, e in session.execute(select(User.login, User.email)) if e}
        imported = pagerduty.read(directory, emails)
        return common.apply(session, imported, now=START, base_url="https://wk.example.com")


def test_the_dry_run_plans_everything_and_writes_nothing(db: Database) -> None:
    made = dry_run(db)
    assert sorted((c.kind, c.key) for c in made.config.changes) == [
        ("escalation_policies", "Platform default"),
        ("services", "API gateway"),
        ("teams", "Platform"),
        ("users", "alice"),
        ("users", "bob"),
        ("users", "carol"),
    ]
    assert made.schedules == [("Platform primary", "create", "1 layers")]
    assert [name for name, step, _ in made.integrations if step == "create"] == [
        "Prometheus",
        "Email",
    ]
    assert any("Email" in w and "generic" in w for w in made.warnings)
    assert any("contact methods" in w for w in made.warnings)
    assert made.errors == []
    [check] = made.checks
    assert check.equal, check.detail
    with db.transaction(write=False) as session:
        assert session.scalars(select(Schedule)).all() == []


def test_apply_brings_it_over_and_the_stored_shifts_equal_pagerdutys(db: Database) -> None:
    made = apply(db)
    [check] = made.checks
    assert check.equal, check.detail
    assert [(service, type_) for service, _, type_, _ in made.keys] == [
        ("API gateway", "pagerduty"),
        ("API gateway", "generic"),
    ]
    with db.transaction(write=False) as session:
        exported = queries.export(session)
        overrides = session.scalars(select(Override)).all()
    assert {u["login"]: u["role"] for u in exported["users"]} == {
        "alice": "responder",
        "bob": "admin",
        "carol": "responder",
    }
    assert exported["teams"][0]["members"] == ["alice", "bob"]
    [policy] = exported["escalation_policies"]
    assert policy["repeat"] == 2
    assert policy["levels"][0] == {
        "targets": [{"schedule": "Platform primary"}],
        "delay_minutes": 15,
    }
    assert exported["services"][0]["escalation_policy"] == "Platform default"
    assert len(overrides) == 1  # the one still to come


def test_a_second_run_changes_nothing(db: Database) -> None:
    apply(db)
    made = dry_run(db)
    assert made.config.empty
    assert {step for _, step, _ in made.schedules + made.integrations} == {"skip"}
    apply(db)
    with db.transaction(write=False) as session:
        assert len(session.scalars(select(Schedule)).all()) == 1


def test_a_rotation_that_cannot_be_represented_stops_the_import(
    db: Database, tmp_path: Path
) -> None:
    directory = tmp_path / "pagerduty"
    shutil.copytree(SAVED, directory)
    path = directory / "schedules" / "PS1.json"
    data = json.loads(path.read_text())
    data["schedule"]["schedule_layers"][0]["rotation_turn_length_seconds"] = 5400
    path.write_text(json.dumps(data))
    made = dry_run(db, directory)
    assert made.errors == [
        "schedule 'Platform primary': layer 'Weekly': a turn of 5400 s is not a whole number "
        "of hours"
    ]
    with pytest.raises(ValueError, match="5400"):
        apply(db, directory)
    with db.transaction(write=False) as session:
        assert session.scalars(select(User)).all() == []


def test_the_shift_check_names_the_first_difference(db: Database, tmp_path: Path) -> None:
    directory = tmp_path / "pagerduty"
    shutil.copytree(SAVED, directory)
    path = directory / "schedules" / "PS1.json"
    data = json.loads(path.read_text())
    entries = data["schedule"]["final_schedule"]["rendered_schedule_entries"]
    entries[0]["user"]["id"] = "PU1"  # PagerDuty says alice, the layers say bob
    path.write_text(json.dumps(data))
    [check] = dry_run(db, directory).checks
    assert not check.equal
    assert check.detail.startswith("first difference: ours bob 2026-01-15T09:00:00+00:00")
