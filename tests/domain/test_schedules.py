"""Schedule use cases on both databases: CRUD, who is on call, shifts, feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import make_team, make_user
from watchkeeper.core.errors import Conflict, Invalid, NotFound
from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.session import Database
from watchkeeper.oncall.schedules import feeds
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.models import LayerMember, Override, Schedule
from watchkeeper.oncall.schedules.schemas import (
    LayerCreate,
    LayerUpdate,
    OverrideCreate,
    ScheduleCreate,
    ScheduleUpdate,
)

DAY = timedelta(days=1)


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def make_schedule(session: Session, name: str = "Primary", zone: str = "Europe/Berlin") -> int:
    return schedules.create(session, data=ScheduleCreate(name=name, time_zone=zone), now=START).id


def daily(participants: list[int], **fields: object) -> LayerCreate:
    values: dict[str, object] = {
        "name": "Daily",
        "participants": participants,
        "rotation": "daily",
        "handoff_time": "09:00",
        "start": "2026-01-12T09:00",
    }
    values.update(fields)
    return LayerCreate.model_validate(values)


def test_a_schedule_is_created_listed_changed_and_deleted(db: Database) -> None:
    with db.transaction() as session:
        team = make_team(session, now=START)
        schedule_id = make_schedule(session)
        schedules.update(
            session,
            schedule_id=schedule_id,
            data=ScheduleUpdate(owner_team_id=team.id, description="Web tier"),
            now=START,
        )
        rows, cursor = schedules.list_(session, page=PageRequest(), owner_team_id=team.id)
        assert [(row.name, row.description) for row in rows] == [("Primary", "Web tier")]
        assert cursor is None
        assert schedules.find(session, ref="primary").id == schedule_id
        schedules.delete_(session, schedule_id=schedule_id)
        with pytest.raises(NotFound):
            schedules.get(session, schedule_id=schedule_id)


def test_a_duplicate_name_is_a_conflict_and_creates_nothing(db: Database) -> None:
    with db.transaction() as session:
        make_schedule(session)
    with pytest.raises(Conflict, match="Primary"), db.transaction() as session:
        make_schedule(session)
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Schedule)) == 1


def test_an_unknown_owner_team_is_refused(db: Database) -> None:
    data = ScheduleCreate(name="Ops", time_zone="UTC", owner_team_id=99)
    with pytest.raises(Invalid, match="team"), db.transaction() as session:
        schedules.create(session, data=data, now=START)


def test_layers_keep_participants_in_turn_order_with_repeats(db: Database) -> None:
    with db.transaction() as session:
        alice, bob = make_user(session, now=START), make_user(session, now=START)
        schedule_id = make_schedule(session)
        order = [alice.id, bob.id, alice.id]
        layer = schedules.add_layer(session, schedule_id=schedule_id, data=daily(order), now=START)
        assert layer.position == 1
        turns = session.scalars(
            select(LayerMember.user_id)
            .where(LayerMember.layer_id == layer.id)
            .order_by(LayerMember.turn)
        ).all()
        assert list(turns) == order
        found = schedules.shifts(
            session, schedule_id=schedule_id, start=utc(2026, 1, 12, 8), end=utc(2026, 1, 15, 8)
        )
        assert [shift.user_id for shift in found] == order


def test_a_second_layer_goes_on_top_and_a_taken_position_is_a_conflict(db: Database) -> None:
    with db.transaction() as session:
        alice = make_user(session, now=START)
        schedule_id = make_schedule(session)
        schedules.add_layer(session, schedule_id=schedule_id, data=daily([alice.id]), now=START)
        second = schedules.add_layer(
            session, schedule_id=schedule_id, data=daily([alice.id]), now=START
        )
        assert second.position == 2
    with pytest.raises(Conflict, match="position 1"), db.transaction() as session:
        schedules.add_layer(
            session, schedule_id=schedule_id, data=daily([alice.id], position=1), now=START
        )


def test_a_layer_change_is_checked_as_a_whole(db: Database) -> None:
    with db.transaction() as session:
        alice, bob = make_user(session, now=START), make_user(session, now=START)
        schedule_id = make_schedule(session)
        layer = schedules.add_layer(
            session,
            schedule_id=schedule_id,
            data=daily([alice.id], end="2026-02-01T09:00"),
            now=START,
        )
        layer_id = layer.id
    with pytest.raises(Invalid, match="end must come after start"), db.transaction() as session:
        schedules.update_layer(
            session,
            schedule_id=schedule_id,
            layer_id=layer_id,
            data=LayerUpdate.model_validate({"start": "2026-03-01T09:00"}),
            now=START,
        )
    with db.transaction() as session:
        changed = schedules.update_layer(
            session,
            schedule_id=schedule_id,
            layer_id=layer_id,
            data=LayerUpdate.model_validate({"participants": [bob.id], "end": None}),
            now=START,
        )
        assert changed.ends_at_local is None
        assert schedules.on_call(session, schedule_id=schedule_id, at=utc(2026, 6, 1)) == [bob.id]


def test_unknown_participants_are_refused(db: Database) -> None:
    with db.transaction() as session:
        schedule_id = make_schedule(session)
    with pytest.raises(Invalid, match="404"), db.transaction() as session:
        schedules.add_layer(session, schedule_id=schedule_id, data=daily([404]), now=START)


def test_an_override_puts_someone_on_call_and_an_empty_one_is_refused(db: Database) -> None:
    with db.transaction() as session:
        alice, bob = make_user(session, now=START), make_user(session, now=START)
        schedule_id = make_schedule(session)
        schedules.add_layer(session, schedule_id=schedule_id, data=daily([alice.id]), now=START)
        span = OverrideCreate(
            user_id=bob.id, starts_at=utc(2026, 1, 20, 10), ends_at=utc(2026, 1, 20, 18)
        )
        override = schedules.add_override(
            session, schedule_id=schedule_id, data=span, now=START, created_by_id=alice.id
        )
        assert schedules.on_call(session, schedule_id=schedule_id, at=utc(2026, 1, 20, 12)) == [
            bob.id
        ]
        assert schedules.on_call(session, schedule_id=schedule_id, at=utc(2026, 1, 20, 18)) == [
            alice.id
        ]
        listed = schedules.list_overrides(
            session, schedule_id=schedule_id, ending_after=utc(2026, 1, 20, 17)
        )
        assert [row.id for row in listed] == [override.id]
        empty = span.model_copy(update={"ends_at": span.starts_at})
        with pytest.raises(Invalid, match="ends after it starts"):
            schedules.add_override(session, schedule_id=schedule_id, data=empty, now=START)
        schedules.delete_override(session, schedule_id=schedule_id, override_id=override.id)
        assert session.scalar(select(func.count()).select_from(Override)) == 0


def test_users_on_call_for_answers_several_schedules_and_skips_unknown_ones(
    db: Database,
) -> None:
    with db.transaction() as session:
        alice, bob = make_user(session, now=START), make_user(session, now=START)
        first, second = make_schedule(session, "First"), make_schedule(session, "Second", "UTC")
        schedules.add_layer(session, schedule_id=first, data=daily([alice.id]), now=START)
        schedules.add_layer(session, schedule_id=second, data=daily([bob.id, alice.id]), now=START)
        empty = make_schedule(session, "Empty")
        found = schedules.users_on_call_for(
            session, schedule_ids=[first, second, empty, 999], at=utc(2026, 1, 13, 12)
        )
        assert found == {first: [alice.id], second: [alice.id], empty: []}


def test_on_call_for_an_unknown_schedule_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound), db.transaction(write=False) as session:
        schedules.on_call(session, schedule_id=123, at=START)


def test_the_outlook_says_who_is_on_call_until_when_and_who_is_next(db: Database) -> None:
    with db.transaction() as session:
        alice, bob = make_user(session, now=START), make_user(session, now=START)
        schedule_id = make_schedule(session)
        schedules.add_layer(
            session, schedule_id=schedule_id, data=daily([alice.id, bob.id]), now=START
        )
        seen = schedules.outlook(session, schedule_ids=[schedule_id], at=utc(2026, 1, 15, 12))
        view = seen[schedule_id]
        assert [shift.user_id for shift in view.current] == [bob.id]
        assert view.until == utc(2026, 1, 16, 8)
        assert [(shift.user_id, shift.start) for shift in view.next] == [
            (alice.id, utc(2026, 1, 16, 8))
        ]


def test_a_users_shifts_span_every_schedule_they_are_in(db: Database) -> None:
    with db.transaction() as session:
        alice, bob = make_user(session, now=START), make_user(session, now=START)
        first, second = make_schedule(session, "First"), make_schedule(session, "Second")
        schedules.add_layer(session, schedule_id=first, data=daily([alice.id, bob.id]), now=START)
        span = OverrideCreate(
            user_id=alice.id, starts_at=utc(2026, 1, 13, 20), ends_at=utc(2026, 1, 13, 22)
        )
        schedules.add_override(session, schedule_id=second, data=span, now=START)
        mine = schedules.user_shifts(
            session, user_id=alice.id, start=utc(2026, 1, 12), end=utc(2026, 1, 15)
        )
        assert [(schedule.name, shift.start) for schedule, shift in mine] == [
            ("First", utc(2026, 1, 12, 8)),
            ("Second", utc(2026, 1, 13, 20)),
            ("First", utc(2026, 1, 14, 8)),
        ]


def test_a_range_longer_than_a_year_or_backwards_is_refused(db: Database) -> None:
    with db.transaction() as session:
        schedule_id = make_schedule(session)
        with pytest.raises(Invalid, match="366"):
            schedules.shifts(session, schedule_id=schedule_id, start=START, end=START + 400 * DAY)
        with pytest.raises(Invalid, match="after start"):
            schedules.shifts(session, schedule_id=schedule_id, start=START, end=START)


def test_a_feed_token_opens_its_feed_until_it_is_rotated(db: Database) -> None:
    with db.transaction() as session:
        alice = make_user(session, now=START)
        schedule_id = make_schedule(session)
        old = feeds.rotate_schedule_token(session, schedule_id=schedule_id, now=START)
        schedule = feeds.schedule_for(session, token=old)
        assert schedule is not None
        assert schedule.id == schedule_id
        new = feeds.rotate_schedule_token(session, schedule_id=schedule_id, now=START)
        assert feeds.schedule_for(session, token=old) is None
        assert feeds.schedule_for(session, token=new) is not None
        assert feeds.schedule_for(session, token="wk_ics_nonsense") is None
        user_token = feeds.rotate_user_token(session, user_id=alice.id, now=START)
        owner = feeds.user_for(session, token=user_token)
        assert owner is not None
        assert owner.id == alice.id
        feeds.rotate_user_token(session, user_id=alice.id, now=START)
        assert feeds.user_for(session, token=user_token) is None


def _events(document: bytes) -> dict[str, tuple[datetime, datetime, str]]:
    parsed = Calendar.from_ical(document)
    return {
        str(event["uid"]): (event.decoded("dtstart"), event.decoded("dtend"), str(event["summary"]))
        for event in parsed.walk("VEVENT")
    }


def test_a_users_feed_lists_60_days_of_shifts_with_stable_uids(db: Database) -> None:
    with db.transaction() as session:
        alice, bob = make_user(session, now=START), make_user(session, now=START)
        schedule_id = make_schedule(session)
        schedules.add_layer(
            session, schedule_id=schedule_id, data=daily([alice.id, bob.id]), now=START
        )
        now = utc(2026, 1, 15, 7)  # alice's turn since yesterday 09:00 Berlin
        today = _events(feeds.user_feed(session, user=alice, now=now))
        tomorrow = _events(feeds.user_feed(session, user=alice, now=now + DAY))
    assert len(today) == 31
    assert {summary for _, _, summary in today.values()} == {"On call: Primary"}
    spans = sorted((start, end) for start, end, _ in today.values())
    assert all(start.utcoffset() == timedelta(0) for start, _ in spans)
    assert spans[0] == (utc(2026, 1, 14, 8), utc(2026, 1, 15, 8))  # running: its real start
    assert spans[-1][1] == now + 60 * DAY  # the last one is cut at the horizon
    # A day later the running shift is over and one more is in sight; the others keep
    # their UIDs (the one cut at the horizon too: its start did not move).
    assert set(today) - set(tomorrow) == {min(today, key=lambda uid: today[uid][0])}
    assert len(set(tomorrow) - set(today)) == 0
