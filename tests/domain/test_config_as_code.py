"""Configuration as code on both databases: plan, apply (idempotent, one transaction),
prune, export, and errors that name the file's line and field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from tests.conftest import START
from watchkeeper.catalog.users.models import User
from watchkeeper.config import queries, service
from watchkeeper.config.loader import ConfigFileError, load
from watchkeeper.config.schemas import ConfigFile
from watchkeeper.core.errors import Invalid
from watchkeeper.db.session import Database
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.oncall.schedules.service import on_call

FILE = """\
version: 1
users:
  - login: alice
    name: Alice Martin
    email: alice@example.com
    time_zone: Europe/Paris
  - login: bob
    name: Bob Stone
    role: viewer
teams:
  - name: Payments
    description: Money in, money out
    members: [bob, alice]
categories:
  - path: Network
  - path: Network > DNS
    description: Resolvers and zones
escalation_policies:
  - name: Payments default
    team: Payments
    repeat: 1
    levels:
      - targets: [{user: alice}]
        delay_minutes: 15
      - targets: [{team: Payments}]
services:
  - name: Checkout
    owner_team: Payments
    escalation_policy: Payments default
    tags: [web, eu]
    depends_on: [Database]
    default_impact: 2
  - name: Database
    owner_team: Payments
"""


def document(text: str = FILE) -> ConfigFile:
    return load(text, "config.yaml")[1]


def apply(db: Database, doc: ConfigFile, *, prune: bool = False) -> Any:
    with db.transaction() as session:
        return service.apply(session, document=doc, prune=prune, now=START)


def plan(db: Database, doc: ConfigFile, *, prune: bool = False) -> Any:
    with db.transaction(write=False) as session:
        return service.plan(session, document=doc, prune=prune)


def test_applying_twice_leaves_the_second_plan_empty(db: Database) -> None:
    first = apply(db, document())
    assert first.counts() == {"create": 8, "update": 0, "delete": 0}
    assert plan(db, document()).empty


def test_export_of_an_applied_file_plans_no_change(db: Database) -> None:
    apply(db, document())
    with db.transaction(write=False) as session:
        exported = queries.export(session)
    assert [s["name"] for s in exported["services"]] == ["Checkout", "Database"]
    checkout = exported["services"][0]
    assert checkout["owner_team"] == "Payments"
    assert checkout["depends_on"] == ["Database"]
    assert exported["escalation_policies"][0]["levels"][1]["targets"] == [{"team": "Payments"}]
    again = yaml.safe_dump(exported, sort_keys=False)
    assert plan(db, document(again)).empty


def test_a_change_is_planned_field_by_field_and_applied(db: Database) -> None:
    apply(db, document())
    changed = FILE.replace("default_impact: 2", "default_impact: 3").replace(
        "members: [bob, alice]", "members: [alice]"
    )
    made = plan(db, document(changed))
    assert [(c.kind, c.key, c.op) for c in made.changes] == [
        ("teams", "Payments", "update"),
        ("services", "Checkout", "update"),
    ]
    assert [(f.name, f.old, f.new) for f in made.changes[1].fields] == [("default_impact", 2, 3)]
    apply(db, document(changed))
    with db.transaction(write=False) as session:
        exported = queries.export(session)
    assert exported["teams"][0]["members"] == ["alice"]
    assert plan(db, document(changed)).empty


def test_objects_not_in_the_file_are_left_alone_unless_pruned(db: Database) -> None:
    apply(db, document())
    smaller = document(
        "services:\n  - name: Checkout\n    owner_team: Payments\n"
        "    escalation_policy: Payments default\n    tags: [eu, web]\n"
        "    depends_on: [Database]\n    default_impact: 2\n  - name: Database\n"
        "    owner_team: Payments\n  - name: Search\n"
    )
    kept = plan(db, smaller)
    assert [(c.key, c.op) for c in kept.changes] == [("Search", "create")]
    only = document("services:\n  - name: Search\n")
    pruned = plan(db, only, prune=True)
    assert sorted((c.key, c.op) for c in pruned.changes) == [
        ("Checkout", "delete"),
        ("Database", "delete"),
        ("Search", "create"),
    ]
    apply(db, only, prune=True)
    with db.transaction(write=False) as session:
        exported = queries.export(session)
    assert [s["name"] for s in exported["services"]] == ["Search"]
    assert [t["name"] for t in exported["teams"]] == ["Payments"]  # a kind not listed


def test_an_unknown_reference_is_reported_with_its_line_and_nothing_is_applied(
    db: Database,
) -> None:
    text = FILE.replace(
        "owner_team: Payments\n    escalation_policy", "owner_team: Billing\n    escalation_policy"
    )
    source, doc = load(text, "config.yaml")
    made = plan(db, doc)
    [problem] = made.problems
    located = source.locate(problem.path, problem.message)
    assert str(located) == (
        "config.yaml:28: services.0.owner_team (Checkout): unknown team 'Billing'"
    )
    with pytest.raises(Invalid, match="unknown team"):
        apply(db, doc)
    with db.transaction(write=False) as session:
        assert queries.export(session)["users"] == []


def test_a_domain_refusal_rolls_the_whole_apply_back(db: Database) -> None:
    # Two teams whose names make the same slug: the second create is refused.
    doc = document(
        "users:\n  - login: carol\n    name: Carol\nteams:\n  - name: Ops\n  - name: OPS\n"
    )
    with pytest.raises(Invalid, match=r"teams\.1"):
        apply(db, doc)
    with db.transaction(write=False) as session:
        assert queries.export(session)["users"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("users:\n  - login: Bad Login!\n    name: x\n", "config.yaml:2: users.0.login"),
        (
            "users:\n  - login: dave\n    name: Dave\n    time_zone: Mars/Olympus\n",
            "config.yaml:4: users.0.time_zone (dave): unknown time zone",
        ),
        ("services:\n  - name: A\n    colour: red\n", "config.yaml:3: services.0.colour (A)"),
        ("teams: [\n", "config.yaml:2: file: not valid YAML"),
    ],
)
def test_file_errors_name_the_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigFileError) as refused:
        load(text, "config.yaml")
    assert str(refused.value.problems[0]).startswith(expected)


SCHEDULES = """\
users:
  - login: ana
    name: Ana
  - login: ben
    name: Ben
schedules:
  - name: Primary
    time_zone: Europe/Paris
    layers:
      - name: Nights
        participants: [ben]
        rotation: daily
        handoff_time: "18:00"
        start: 2026-01-05T18:00
        restrictions: [{days: [0, 1, 2, 3, 4], start: "18:00", end: "09:00"}]
      - name: Weekly
        participants: [ana, ben]
        rotation: weekly
        start: 2026-01-05T09:00
escalation_policies:
  - name: Primary first
    levels: [{targets: [{schedule: Primary}]}]
"""


def test_schedules_with_layers_apply_idempotently_and_page_as_written(db: Database) -> None:
    apply(db, document(SCHEDULES))
    assert plan(db, document(SCHEDULES)).empty
    with db.transaction(write=False) as session:
        exported = queries.export(session)
        [schedule] = exported["schedules"]
        assert [layer["name"] for layer in schedule["layers"]] == ["Nights", "Weekly"]
        assert schedule["layers"][0]["restrictions"][0]["end"] == "09:00"
        # Tuesday 20:00 in Paris: the night layer (listed first, so highest) has ben.
        schedule_id = session.scalars(select(Schedule.id)).one()
        night = datetime(2026, 1, 13, 19, 0, tzinfo=UTC)
        assert on_call(session, schedule_id=schedule_id, at=night) == [
            session.scalar(select(User.id).where(User.login == "ben"))
        ]
    changed = SCHEDULES.replace("participants: [ana, ben]", "participants: [ben, ana]")
    [change] = plan(db, document(changed)).changes
    assert (change.kind, change.op, [f.name for f in change.fields]) == (
        "schedules",
        "update",
        ["layers"],
    )
    apply(db, document(changed))
    assert plan(db, document(changed)).empty


def test_a_schedule_naming_an_unknown_user_is_refused(db: Database) -> None:
    doc = document(SCHEDULES.replace("participants: [ben]", "participants: [zoe]"))
    [problem] = plan(db, doc).problems
    assert problem.path == ("schedules", 0, "layers", 0, "participants", 0)
    assert problem.message == "unknown user 'zoe'"
