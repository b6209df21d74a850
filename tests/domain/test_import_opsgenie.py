"""`watchkeeper import opsgenie` on both databases, from saved API responses written from
Opsgenie's documented shapes: plan, apply, a second run that changes nothing, and the
next four weeks of shifts equal to Opsgenie's final timeline."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.conftest import START
from watchkeeper.catalog.users.models import User
from watchkeeper.config import queries
from watchkeeper.config.importers import common, opsgenie
from watchkeeper.db.session import Database
from watchkeeper.pipeline.ingest.models import Integration

SAVED = Path(__file__).parent.parent / "payloads" / "import" / "opsgenie"


def dry_run(db: Database) -> common.ImportPlan:
    with db.transaction(write=False) as session:
        return common.plan(session, opsgenie.read(SAVED, {}), now=START)


def apply(db: Database) -> common.ImportPlan:
    with db.transaction() as session:
        emails = {e: login for login, e in session.execute(select(User.login, User.email)) if e}
        imported = opsgenie.read(SAVED, emails)
        return common.apply(session, imported, now=START, base_url="https://wk.example.com")


def test_the_plan_names_what_comes_over_and_the_shifts_match(db: Database) -> None:
    made = dry_run(db)
    assert made.errors == []
    assert made.schedules == [("Checkout on call", "create", "1 layers")]
    assert any("Checkout email" in w and "generic" in w for w in made.warnings)
    [check] = made.checks
    assert check.equal, check.detail


def test_apply_then_a_second_run_changes_nothing(db: Database) -> None:
    made = apply(db)
    [check] = made.checks
    assert check.equal, check.detail
    with db.transaction(write=False) as session:
        exported = queries.export(session)
        types = session.scalars(select(Integration.type)).all()
    assert {u["login"]: u["role"] for u in exported["users"]} == {
        "dana": "admin",
        "eli": "responder",
        "frank": "viewer",
    }
    [policy] = exported["escalation_policies"]
    assert policy["repeat"] == 2
    assert policy["levels"] == [
        {"targets": [{"schedule": "Checkout on call"}], "delay_minutes": 5},
        {"targets": [{"user": "eli"}, {"team": "Checkout"}], "delay_minutes": 10},
    ]
    assert exported["services"][0]["owner_team"] == "Checkout"
    assert sorted(types) == ["generic", "generic"]  # both speak the Opsgenie drop-in

    again = dry_run(db)
    assert again.config.empty
    assert {step for _, step, _ in again.schedules + again.integrations} == {"skip"}
