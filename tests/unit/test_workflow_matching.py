"""The pure rules of workflows: which timeline entry fires which trigger, and conditions
in words, including a time window that runs past midnight in a zone."""

from __future__ import annotations

from datetime import UTC, datetime

from watchkeeper.core.matchers import Matcher, Op
from watchkeeper.response.workflows.matching import Entry, Facts, evaluate, fires, within
from watchkeeper.response.workflows.schemas import Conditions, Hours, Trigger

AT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # a Thursday


def _entry(kind: str, summary: str = "", actor: str = "alice", **data: object) -> Entry:
    return Entry(1, 7, kind, summary, actor, AT, data)


def test_a_note_fires_the_trigger_of_a_tag_it_contains_whatever_its_case() -> None:
    assert fires(Trigger.NOTE_TAGGED, "db", _entry("note", "replica lag, see #DB"))
    assert not fires(Trigger.NOTE_TAGGED, "db", _entry("note", "replica lag, see #dba"))
    assert not fires(Trigger.NOTE_TAGGED, "db", _entry("field", "#db"))


def test_a_priority_change_fires_only_for_the_priority_it_reaches() -> None:
    assert fires(Trigger.PRIORITY_CHANGED, "P1", _entry("priority_override", to="P1"))
    assert not fires(Trigger.PRIORITY_CHANGED, "P1", _entry("priority", to="P2"))


def test_a_status_change_fires_on_the_status_it_reaches() -> None:
    acked = _entry("acknowledged", status="acknowledged")
    assert fires(Trigger.STATUS_CHANGED, "acknowledged", acked)
    assert not fires(Trigger.STATUS_CHANGED, "resolved", acked)


def test_an_entry_written_by_a_workflow_names_it() -> None:
    assert _entry("note", actor="workflow #12 Page the DBAs").workflow_id() == 12
    assert _entry("note", actor="workflows-bot").workflow_id() is None


def test_a_night_window_in_a_zone_wraps_past_midnight_on_the_day_it_starts() -> None:
    night = Hours(zone="Europe/Paris", start="22:00", end="06:00", days=["thu"])
    assert within(night, datetime(2026, 1, 15, 21, 30, tzinfo=UTC))  # Thu 22:30 Paris
    assert within(night, datetime(2026, 1, 16, 4, 0, tzinfo=UTC))  # Fri 05:00, Thursday's night
    assert not within(night, datetime(2026, 1, 16, 21, 30, tzinfo=UTC))  # Friday's night
    assert not within(night, AT)  # Thu 10:00 Paris


def test_conditions_say_which_hold_and_which_do_not() -> None:
    conditions = Conditions(
        service_ids=[3],
        priorities=["P1", "P2"],
        labels=[Matcher(name="alertname", op=Op.RE, value="Postgres.*")],
    )
    facts = Facts(
        service_id=3,
        team_id=None,
        category_id=None,
        priority=3,
        labels=[{"alertname": "PostgresDown"}],
    )
    held, missing = evaluate(conditions, facts, AT)
    assert held == ["service is #3", 'an alert matches alertname=~"Postgres.*"']
    assert missing == ["priority is P1 or P2"]
