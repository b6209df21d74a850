"""Managing routing rules, silences, maintenance windows and inhibition rules; the rules test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import make_service
from watchkeeper.core.errors import Invalid, NotFound
from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.session import Database
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.correlate.noise import explain
from watchkeeper.pipeline.correlate.noise import service as noise
from watchkeeper.pipeline.correlate.noise.schemas import (
    InhibitionFields,
    InhibitionUpdate,
    RoutingRuleCreate,
    RoutingRuleUpdate,
    SilenceCreate,
    WindowCreate,
)

HOUR = timedelta(hours=1)


def _rule(session: Session, name: str, **fields: Any) -> int:
    data = RoutingRuleCreate.model_validate({"name": name, **fields})
    return noise.create_rule(session, data=data, now=START).id


def _order(session: Session) -> list[tuple[int, str]]:
    return [(rule.position, rule.name) for rule in noise.list_rules(session)]


def _silence(session: Session, **fields: Any) -> int:
    values = {"matchers": ['alertname="Disk"'], "ends_at": START + HOUR, "comment": "disk swap"}
    data = SilenceCreate.model_validate({**values, **fields})
    return noise.create_silence(session, data=data, now=START, created_by_id=None).id


def _window(session: Session, **fields: Any) -> int:
    data = WindowCreate.model_validate({"name": "patching", **fields})
    return noise.create_window(session, data=data, now=START, created_by_id=None).id


def test_rules_are_appended_inserted_moved_and_renumbered(db: Database) -> None:
    with db.transaction() as session:
        first = _rule(session, "first")
        second = _rule(session, "second")
        _rule(session, "zeroth", position=1)
        assert _order(session) == [(1, "zeroth"), (2, "first"), (3, "second")]
        noise.move_rule(session, rule_id=second, position=1, now=START)
        assert _order(session) == [(1, "second"), (2, "zeroth"), (3, "first")]
        noise.move_rule(session, rule_id=second, position=99, now=START)
        assert _order(session) == [(1, "zeroth"), (2, "first"), (3, "second")]
        noise.delete_rule(session, rule_id=first)
        assert _order(session) == [(1, "zeroth"), (2, "second")]


def test_a_rule_keeps_its_matchers_as_json_and_a_patch_changes_only_what_it_names(
    db: Database,
) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        rule_id = _rule(
            session,
            "db pages",
            matchers=['team="db"', {"name": "env", "op": "!=", "value": "dev"}],
            set_service_id=service.id,
            set_urgency=1,
            add_tags=["db", "db"],
        )
        later = START + HOUR
        data = RoutingRuleUpdate.model_validate({"set_urgency": None, "continue_matching": True})
        rule = noise.update_rule(session, rule_id=rule_id, data=data, now=later)
        assert rule.matchers == [
            {"name": "team", "op": "=", "value": "db"},
            {"name": "env", "op": "!=", "value": "dev"},
        ]
        assert (rule.set_service_id, rule.set_urgency, rule.continue_matching) == (
            service.id,
            None,
            True,
        )
        assert rule.add_tags == ["db"]
        assert rule.updated_at == later


@pytest.mark.parametrize(
    ("fields", "location"),
    [
        ({"drop": True, "suppress": True}, "body.suppress"),
        ({"set_service_id": 999}, "body.set_service_id"),
        ({"set_category_id": 999}, "body.set_category_id"),
    ],
)
def test_contradictory_or_dangling_rules_are_refused(
    db: Database, fields: dict[str, Any], location: str
) -> None:
    with pytest.raises(Invalid) as refused, db.transaction() as session:
        _rule(session, "bad", **fields)
    assert refused.value.errors[0].location == location


def test_a_patch_cannot_make_a_dropping_rule_suppress_too(db: Database) -> None:
    with db.transaction() as session:
        rule_id = _rule(session, "drop", drop=True)
    data = RoutingRuleUpdate(suppress=True)
    with pytest.raises(Invalid, match="not both"), db.transaction() as session:
        noise.update_rule(session, rule_id=rule_id, data=data, now=START)


def test_unknown_rules_are_not_found(db: Database) -> None:
    with db.transaction() as session:
        for call in (
            lambda: noise.get_rule(session, rule_id=7),
            lambda: noise.move_rule(session, rule_id=7, position=1, now=START),
            lambda: noise.get_silence(session, silence_id=7),
            lambda: noise.expire_silence(session, silence_id=7, now=START),
            lambda: noise.delete_window(session, window_id=7),
            lambda: noise.delete_inhibition(session, rule_id=7),
        ):
            with pytest.raises(NotFound):
                call()


def test_a_silence_starts_now_by_default_and_records_its_creator(db: Database) -> None:
    with db.transaction() as session:
        silence = noise.get_silence(session, silence_id=_silence(session))
        assert (silence.starts_at, silence.ends_at) == (START, START + HOUR)
        assert silence.matchers == [{"name": "alertname", "op": "=", "value": "Disk"}]
        assert noise.silence_state(silence, START) == "active"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_at": START + 2 * HOUR}, "end after it starts"),
        ({"starts_at": START - 3 * HOUR, "ends_at": START - HOUR}, "ended already"),
        ({"ends_at": START + timedelta(days=90, seconds=1)}, "at most 90 days"),
        ({"matchers": ['alertname=~".*"']}, "silence every alert"),
        ({"service_id": 999}, "no service 999"),
    ],
)
def test_silences_that_never_end_or_match_everything_are_refused(
    db: Database, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(Invalid, match=message), db.transaction() as session:
        _silence(session, **fields)


def test_a_silence_needs_a_matcher_an_end_and_a_comment() -> None:
    with pytest.raises(ValidationError) as refused:
        SilenceCreate.model_validate({"matchers": [], "comment": ""})
    assert {error["loc"][0] for error in refused.value.errors()} == {
        "matchers",
        "ends_at",
        "comment",
    }
    with pytest.raises(ValidationError, match="not a matcher"):
        SilenceCreate.model_validate(
            {"matchers": ["alertname=Disk"], "ends_at": START, "comment": "x"}
        )


def test_silences_are_listed_as_active_or_expired(db: Database) -> None:
    with db.transaction() as session:
        running = _silence(session)
        later = _silence(session, starts_at=START + HOUR, ends_at=START + 2 * HOUR)
        ended = _silence(session, ends_at=START + timedelta(minutes=5))
    now = START + timedelta(minutes=10)
    with db.transaction(write=False) as session:
        listed = {
            state: [
                s.id
                for s in noise.list_silences(session, state=state, now=now, page=PageRequest())[0]
            ]
            for state in ("active", "expired", "all")
        }
        states = [
            noise.silence_state(noise.get_silence(session, silence_id=i), now)
            for i in (
                running,
                later,
                ended,
            )
        ]
    assert listed == {
        "active": [running, later],
        "expired": [ended],
        "all": [running, later, ended],
    }
    assert states == ["active", "pending", "expired"]


def test_expiring_ends_a_silence_now_and_only_once(db: Database) -> None:
    with db.transaction() as session:
        running = _silence(session)
        pending = _silence(session, starts_at=START + HOUR, ends_at=START + 2 * HOUR)
    now = START + timedelta(minutes=10)
    with db.transaction() as session:
        expired = noise.expire_silence(session, silence_id=running, now=now)
        assert (expired.starts_at, expired.ends_at) == (START, now)
        again = noise.expire_silence(session, silence_id=running, now=now + HOUR)
        assert again.ends_at == now
        cancelled = noise.expire_silence(session, silence_id=pending, now=now)
        assert (cancelled.starts_at, cancelled.ends_at) == (now, now)
        assert noise.silence_state(cancelled, now) == "expired"


def test_a_one_off_window_is_active_between_its_times(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        window_id = _window(
            session, service_id=service.id, starts_at=START + HOUR, ends_at=START + 2 * HOUR
        )
        window = noise.get_window(session, window_id=window_id)
        assert noise.schedule(window, START) == (False, START + HOUR)
        assert noise.schedule(window, START + HOUR) == (True, None)
        assert noise.schedule(window, START + 2 * HOUR) == (False, None)


def test_a_weekly_window_starts_at_local_time_across_a_dst_change(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        window_id = _window(
            session,
            service_id=service.id,
            time_zone="Europe/Berlin",
            weekdays=[6, 6],
            start_time="03:00",
            duration_minutes=120,
        )
        window = noise.get_window(session, window_id=window_id)
        assert window.weekdays == [6]
        # Sunday 22 March 2026 is in winter time (UTC+1), Sunday 29 March in summer (UTC+2).
        saturday = datetime(2026, 3, 21, 12, 0, tzinfo=UTC)
        assert noise.schedule(window, saturday) == (False, datetime(2026, 3, 22, 2, tzinfo=UTC))
        during = datetime(2026, 3, 22, 3, 0, tzinfo=UTC)
        assert noise.schedule(window, during) == (True, datetime(2026, 3, 29, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("fields", "location"),
    [
        ({}, "body.starts_at"),
        ({"starts_at": START + HOUR}, "body.ends_at"),
        ({"starts_at": START + HOUR, "ends_at": START}, "body.ends_at"),
        ({"starts_at": START - 2 * HOUR, "ends_at": START - HOUR}, "body.ends_at"),
        ({"weekdays": [1], "start_time": "02:00"}, "body.duration_minutes"),
        ({"weekdays": [], "start_time": "02:00", "duration_minutes": 60}, "body.weekdays"),
        (
            {"weekdays": [1], "start_time": "02:00", "duration_minutes": 60, "ends_at": START},
            "body.ends_at",
        ),
    ],
)
def test_a_window_is_either_once_or_weekly_and_complete(
    db: Database, fields: dict[str, Any], location: str
) -> None:
    with db.transaction() as session:
        service_id = make_service(session, now=START).id
    with pytest.raises(Invalid) as refused, db.transaction() as session:
        _window(session, service_id=service_id, **fields)
    assert refused.value.errors[0].location == location


@pytest.mark.parametrize(
    "fields",
    [
        {"time_zone": "Mars/Olympus"},
        {"start_time": "24:00"},
        {"weekdays": [7]},
        {"duration_minutes": 7 * 24 * 60 + 1},
    ],
)
def test_a_weekly_window_needs_a_real_zone_time_day_and_length(fields: dict[str, Any]) -> None:
    weekly = {"weekdays": [1], "start_time": "02:00", "duration_minutes": 60}
    with pytest.raises(ValidationError):
        WindowCreate.model_validate({"service_id": 1, "name": "n", **weekly, **fields})


def test_windows_are_listed_per_service_and_deleted(db: Database) -> None:
    with db.transaction() as session:
        web = make_service(session, now=START).id
        api = make_service(session, now=START).id
        weekly = {"weekdays": [0], "start_time": "02:00", "duration_minutes": 60}
        first = _window(session, service_id=web, **weekly)
        second = _window(session, service_id=api, **weekly)
        assert [w.id for w in noise.list_windows(session, service_id=api)] == [second]
        assert [w.id for w in noise.list_windows(session)] == [first, second]
        noise.delete_window(session, window_id=first)
        assert [w.id for w in noise.list_windows(session)] == [second]
    with pytest.raises(Invalid, match="no service 999"), db.transaction() as session:
        _window(session, service_id=999, **weekly)


def test_inhibition_rules_are_created_changed_and_deleted(db: Database) -> None:
    with db.transaction() as session:
        data = InhibitionFields.model_validate(
            {
                "name": "node down hides its services",
                "source_matchers": ['alertname="NodeDown"'],
                "target_matchers": ['severity!="critical"'],
                "equal": ["instance", "instance"],
            }
        )
        rule = noise.create_inhibition(session, data=data, now=START)
        assert rule.equal == ["instance"]
        assert rule.target_matchers == [{"name": "severity", "op": "!=", "value": "critical"}]
        change = InhibitionUpdate.model_validate({"enabled": False, "equal": ["cluster"]})
        changed = noise.update_inhibition(session, rule_id=rule.id, data=change)
        assert (changed.enabled, changed.equal, changed.name) == (
            False,
            ["cluster"],
            "node down hides its services",
        )
        noise.delete_inhibition(session, rule_id=rule.id)
        assert noise.list_inhibitions(session) == []
    with pytest.raises(ValidationError):
        InhibitionFields.model_validate({"name": "x", "source_matchers": [], "target_matchers": []})


FIRING = {
    "version": "4",
    "alerts": [
        {"status": "firing", "labels": {"alertname": "Disk", "team": "db"}},
        {"status": "firing", "labels": {"alertname": "CPU", "team": "web"}},
    ],
}


def test_the_rules_test_explains_each_event_and_writes_nothing(db: Database) -> None:
    with db.transaction() as session:
        service_id = make_service(session, now=START, name="Web").id
        _rule(session, "db urgent", matchers=['team="db"'], set_urgency=1, continue_matching=True)
        _rule(session, "db tagged", matchers=['team="db"'], add_tags=["db"])
        _rule(session, "db never", matchers=['team="db"'], drop=True)
        silence_id = _silence(session, matchers=['alertname="CPU"'])
    with db.transaction() as session:
        result = explain.explain(
            session, sample_type="alertmanager", service_id=service_id, payload=FIRING, now=START
        )
        assert session.scalar(select(func.count()).select_from(Alert)) == 0
    disk, cpu = result.events
    assert disk.labels["service"] == "web"
    assert [rule.name for rule in disk.routing.rules] == ["db urgent", "db tagged"]
    assert [rule.name for rule in disk.routing.unreached] == ["db never"]
    assert (disk.verdict, disk.urgency, disk.routing.tags) == ("page", 1, ["db"])
    assert cpu.silence is not None
    assert cpu.silence.id == silence_id
    assert (cpu.verdict, cpu.reason) == (
        "suppressed",
        f"silenced by silence #{silence_id}",
    )


def test_the_rules_test_refuses_a_bad_payload_naming_its_field(db: Database) -> None:
    with db.transaction() as session:
        service_id = make_service(session, now=START).id
        broken = {"version": "4", "alerts": [{"status": "firing", "labels": {}}]}
        with pytest.raises(Invalid) as refused:
            explain.explain(
                session,
                sample_type="alertmanager",
                service_id=service_id,
                payload=broken,
                now=START,
            )
        assert refused.value.errors[0].location == "body.payload.alerts.0.labels"
        with pytest.raises(Invalid, match="no service 999"):
            explain.explain(session, sample_type="generic", service_id=999, payload={}, now=START)
