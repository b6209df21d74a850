"""The notification outbox around delivery (`pipeline.notify.send`) and the engine module
that delivers it (`engine.modules.notify_send`): leases that run out, late answers,
bundles that fail for good, and a hanging channel that holds up nothing else."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import declare, make_service, make_user
from tests.scenarios.recording import RecordingChannel
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.session import Database
from watchkeeper.engine.metrics import EngineMetrics
from watchkeeper.engine.modules.notify_send import NotifySend
from watchkeeper.engine.runner import Runner
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.pipeline.notify import send
from watchkeeper.pipeline.notify import service as notify
from watchkeeper.pipeline.notify.channels.base import Channel, Delivery, Outgoing
from watchkeeper.pipeline.notify.links import Linker
from watchkeeper.pipeline.notify.models import ContactMethod, Notification

LINKER = Linker("http://testserver", "engine test secret")
SEALER = Sealer("engine test secret")
NO_THROTTLE = timedelta(0)  # each page its own message
THROTTLE = timedelta(minutes=1)  # pages due together are bundled
WAIT = 10.0


@dataclass(frozen=True)
class World:
    """One user, reachable by email and by webhook, and three triggered incidents (the
    first P1, the others of the default priority)."""

    user_id: int
    email_id: int
    webhook_id: int
    incidents: tuple[int, int, int]


def _method(session: Session, user_id: int, kind: str, address: str, clock: FrozenClock) -> int:
    method = ContactMethod(
        user_id=user_id,
        kind=kind,
        address=SEALER.seal(address),
        label=kind,
        secret=None,
        verified_at=clock.now(),
        created_at=clock.now(),
    )
    session.add(method)
    session.flush()
    return method.id


@pytest.fixture
def world(db: Database, clock: FrozenClock) -> World:
    def work(session: Session) -> World:
        now = clock.now()
        user = make_user(session, now=now, login="alice")
        service = make_service(session, now=now, name="Checkout")
        first = declare(session, now=now, service_id=service.id, impact=1, urgency=1).id
        second, third = (declare(session, now=now, service_id=service.id).id for _ in "23")
        return World(
            user_id=user.id,
            email_id=_method(session, user.id, "email", "alice@example.com", clock),
            webhook_id=_method(session, user.id, "webhook", "https://hooks.example/a", clock),
            incidents=(first, second, third),
        )

    return db.run(work)


def _queue(
    session: Session,
    world: World,
    key: str,
    clock: FrozenClock,
    *,
    incident_id: int | None = None,
    method_id: int | None = None,
) -> int:
    """A page about `incident_id`, or (without one) a plain test message."""
    row = notify.queue(
        session,
        key=key,
        kind="page" if incident_id else "test",
        user_id=world.user_id,
        method_id=method_id or world.email_id,
        now=clock.now(),
        subject=f"message {key}",
        body=f"body of {key}",
        incident_id=incident_id,
    )
    return row.id


def _rows(db: Database) -> dict[int, Notification]:
    with db.transaction(write=False) as session:
        return {row.id: row for row in session.scalars(select(Notification))}


def _failures(db: Database) -> list[tuple[int, str, str]]:
    with db.transaction(write=False) as session:
        stmt = select(TimelineEntry).where(TimelineEntry.kind == "notify_failed")
        return [(e.incident_id, e.actor, e.summary) for e in session.scalars(stmt)]


# -- recover ------------------------------------------------------------------------------


def test_recover_takes_back_messages_whose_lease_ran_out(
    db: Database, clock: FrozenClock, world: World
) -> None:
    one, two, three = world.incidents
    now = clock.now()
    expired = now - timedelta(seconds=1)

    def setup(session: Session) -> dict[str, int]:
        ids = {
            "retry": _queue(session, world, "retry", clock, incident_id=one),
            "retry+": _queue(session, world, "retry+", clock, incident_id=two),
            "spent": _queue(session, world, "spent", clock, incident_id=two),
            "spent+": _queue(session, world, "spent+", clock, incident_id=three),
            "live": _queue(session, world, "live", clock, incident_id=three),
        }
        rows = {name: session.get(Notification, id_) for name, id_ in ids.items()}
        for name, attempts, lease in [
            ("retry", 3, expired),
            ("spent", send.MAX_ATTEMPTS, expired),
            ("live", 1, now + timedelta(minutes=1)),
        ]:
            row = rows[name]
            assert row is not None
            row.status, row.attempts, row.lease_until, row.attempted_at = (
                "sending",
                attempts,
                lease,
                now - send.LEASE,
            )
        for carried, carrier in [("retry+", "retry"), ("spent+", "spent")]:
            row = rows[carried]
            assert row is not None
            row.status, row.carried_by_id = "bundled", ids[carrier]
        return ids

    ids = db.run(setup)
    assert db.run(lambda session: send.recover(session, now)) == 2
    rows = _rows(db)

    for name in ("retry", "retry+"):  # due again at once, as separate messages
        row = rows[ids[name]]
        assert (row.status, row.due_at, row.lease_until, row.carried_by_id) == (
            "pending",
            now,
            None,
            None,
        )
    assert rows[ids["retry"]].attempts == 3
    for name in ("spent", "spent+"):  # the last attempt is gone: failed, bundle and all
        row = rows[ids[name]]
        assert row.status == "failed"
        assert row.answer == "no answer: the sender stopped during the last attempt"
    assert rows[ids["live"]].status == "sending"
    why = (
        "could not notify alice via email 'email': "
        "no answer: the sender stopped during the last attempt"
    )
    assert sorted(_failures(db)) == [(two, "engine", why), (three, "engine", why)]

    # What was recovered goes out again, on its next attempt (bundled, as throttling does).
    minute = timedelta(minutes=1)
    jobs = db.run(lambda session: send.take_due(session, now, throttle=minute, linker=LINKER))
    assert [job.notification_id for job in jobs] == [ids["retry"]]
    assert [card["id"] for card in jobs[0].message.payload["incidents"]] == [one, two]
    assert _rows(db)[ids["retry"]].attempts == 4
    assert db.run(lambda session: send.recover(session, now)) == 0


# -- settle -------------------------------------------------------------------------------


def test_a_late_answer_for_a_message_taken_back_is_ignored(
    db: Database, clock: FrozenClock, world: World
) -> None:
    page = db.run(lambda s: _queue(s, world, "page", clock, incident_id=world.incidents[0]))
    [job] = db.run(
        lambda session: send.take_due(session, clock.now(), throttle=NO_THROTTLE, linker=LINKER)
    )
    assert job.notification_id == page
    clock.advance(send.LEASE + timedelta(seconds=1))  # the sender went quiet
    assert db.run(lambda session: send.recover(session, clock.now())) == 1
    before = _rows(db)[page]

    late = [
        send.Result(page, Delivery(ok=False, retryable=False, detail="HTTP 410")),
        send.Result(page + 1000, Delivery(ok=True, detail="HTTP 204")),  # no such row
    ]
    assert db.run(lambda session: send.settle(session, late, clock.now())) == 0

    after = _rows(db)[page]
    assert (after.status, after.answer, after.due_at, after.attempts) == (
        before.status,
        before.answer,
        before.due_at,
        before.attempts,
    )
    assert after.status == "pending"
    assert _failures(db) == []


def test_an_answer_for_a_message_already_settled_is_ignored(
    db: Database, clock: FrozenClock, world: World
) -> None:
    test_id = db.run(lambda s: _queue(s, world, "test", clock))
    [job] = db.run(
        lambda session: send.take_due(session, clock.now(), throttle=NO_THROTTLE, linker=LINKER)
    )
    sent = [send.Result(job.notification_id, Delivery(ok=True, detail="HTTP 204"))]
    assert db.run(lambda session: send.settle(session, sent, clock.now())) == 1
    clock.advance(minutes=1)
    again = [send.Result(test_id, Delivery(ok=False, retryable=True, detail="HTTP 503"))]
    assert db.run(lambda session: send.settle(session, again, clock.now())) == 0
    row = _rows(db)[test_id]
    assert (row.status, row.answer, row.sent_at) == (
        "sent",
        "HTTP 204",
        clock.now() - timedelta(minutes=1),
    )


def test_a_late_answer_from_an_earlier_attempt_does_not_settle_the_next_one(
    db: Database, clock: FrozenClock, world: World
) -> None:
    page = db.run(lambda s: _queue(s, world, "page", clock, incident_id=world.incidents[0]))
    [first] = db.run(
        lambda session: send.take_due(session, clock.now(), throttle=NO_THROTTLE, linker=LINKER)
    )
    clock.advance(send.LEASE + timedelta(seconds=1))
    db.run(lambda session: send.recover(session, clock.now()))
    [second] = db.run(
        lambda session: send.take_due(session, clock.now(), throttle=NO_THROTTLE, linker=LINKER)
    )
    assert (first.attempt, second.attempt) == (1, 2)
    late = [send.Result(page, Delivery(ok=False, detail="HTTP 410"), first.attempt)]
    assert db.run(lambda session: send.settle(session, late, clock.now())) == 0
    assert _rows(db)[page].status == "sending"
    answer = [send.Result(page, Delivery(ok=True, detail="HTTP 204"), second.attempt)]
    assert db.run(lambda session: send.settle(session, answer, clock.now())) == 1
    assert _rows(db)[page].status == "sent"


# -- bundles ------------------------------------------------------------------------------


@pytest.fixture
def bundle(db: Database, clock: FrozenClock, world: World) -> tuple[send.Job, list[int]]:
    """Three pages to one contact method, about two incidents, taken as one message."""
    one, two, _ = world.incidents

    def setup(session: Session) -> list[int]:
        return [
            _queue(session, world, "a", clock, incident_id=one),
            _queue(session, world, "b", clock, incident_id=two),
            _queue(session, world, "c", clock, incident_id=two),  # paged twice
        ]

    ids = db.run(setup)
    [job] = db.run(
        lambda session: send.take_due(session, clock.now(), throttle=THROTTLE, linker=LINKER)
    )
    assert job.notification_id == ids[0]
    assert (job.channel, SEALER.open(job.address)) == ("email", "alice@example.com")
    assert job.message.subject == "[Watchkeeper] 2 incidents need you (worst P1)"
    assert [card["id"] for card in job.message.payload["incidents"]] == [one, two]
    rows = _rows(db)
    assert [(rows[i].status, rows[i].carried_by_id) for i in ids] == [
        ("sending", None),
        ("bundled", ids[0]),
        ("bundled", ids[0]),
    ]
    return job, ids


def test_a_bundle_that_fails_for_good_fails_all_its_pages_once_per_incident(
    db: Database, clock: FrozenClock, world: World, bundle: tuple[send.Job, list[int]]
) -> None:
    job, ids = bundle
    one, two, _ = world.incidents
    clock.advance(seconds=3)
    gone = [send.Result(job.notification_id, Delivery(ok=False, detail="HTTP 410"))]
    assert db.run(lambda session: send.settle(session, gone, clock.now())) == 1
    rows = _rows(db)
    assert [(rows[i].status, rows[i].answer) for i in ids] == [("failed", "HTTP 410")] * 3
    assert rows[ids[0]].lease_until is None
    why = "could not notify alice via email 'email': HTTP 410"
    assert sorted(_failures(db)) == [(one, "engine", why), (two, "engine", why)]
    with db.transaction(write=False) as session:
        entry = session.scalar(select(TimelineEntry).where(TimelineEntry.kind == "notify_failed"))
        assert entry is not None
        assert entry.at == clock.now()
        assert entry.data == {"user_id": world.user_id, "notification_id": ids[0]}


def test_a_bundle_that_may_get_through_later_is_released_whole(
    db: Database, clock: FrozenClock, bundle: tuple[send.Job, list[int]]
) -> None:
    job, ids = bundle
    busy = [send.Result(job.notification_id, Delivery(ok=False, retryable=True, detail="503"))]
    assert db.run(lambda session: send.settle(session, busy, clock.now(), rng=lambda: 0.0)) == 1
    retry_at = clock.now() + timedelta(seconds=7.5)
    rows = _rows(db)
    assert [(rows[i].status, rows[i].due_at, rows[i].carried_by_id) for i in ids] == [
        ("pending", retry_at, None)
    ] * 3
    assert _failures(db) == []
    clock.set(retry_at)
    [again] = db.run(
        lambda session: send.take_due(session, clock.now(), throttle=THROTTLE, linker=LINKER)
    )
    assert again.notification_id == ids[0]
    assert again.message.message_id == job.message.message_id  # receivers can drop repeats
    assert _rows(db)[ids[0]].attempts == 2


def test_a_bundle_that_got_through_marks_every_page_sent(
    db: Database, clock: FrozenClock, bundle: tuple[send.Job, list[int]]
) -> None:
    job, ids = bundle
    ok = [send.Result(job.notification_id, Delivery(ok=True, detail="accepted"))]
    assert db.run(lambda session: send.settle(session, ok, clock.now())) == 1
    rows = _rows(db)
    assert rows[ids[0]].status == "sent"
    assert [rows[i].sent_at for i in ids] == [clock.now()] * 3
    assert _failures(db) == []


# -- the engine module --------------------------------------------------------------------


class BlockingChannel:
    """A channel that hangs until released, like a server that never answers."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.sent: list[str] = []

    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        self.started.set()
        if not self.release.wait(WAIT * 3):
            return Delivery(ok=False, retryable=True, detail="never released")
        self.sent.append(address)
        return Delivery(ok=True, detail="HTTP 204")

    def close(self) -> None:
        """Nothing is kept open."""


class RaisingChannel:
    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        raise RuntimeError("bug in a channel")

    def close(self) -> None:
        """Nothing is kept open."""


@dataclass
class Engine:
    runner: Runner
    module: NotifySend
    registry: CollectorRegistry

    def outcome(self, channel: str, outcome: str) -> float | None:
        return self.registry.get_sample_value(
            "watchkeeper_notifications_total", {"channel": channel, "outcome": outcome}
        )


@pytest.fixture
def engine_for(db: Database, clock: FrozenClock) -> Iterator[Callable[..., Engine]]:
    made: list[NotifySend] = []

    def make(channels: dict[str, Channel], workers: int) -> Engine:
        registry = CollectorRegistry()
        module = NotifySend(
            registry,
            channels=channels,
            linker=LINKER,
            sealer=SEALER,
            throttle=NO_THROTTLE,
            workers=workers,
        )
        made.append(module)
        runner = Runner(
            database=db, modules=[module], clock=clock, metrics=EngineMetrics(CollectorRegistry())
        )
        return Engine(runner, module, registry)

    yield make
    for module in made:
        for channel in module.channels.values():
            if isinstance(channel, BlockingChannel):
                channel.release.set()
        module.close()


def _until(done: Callable[[], bool], step: Callable[[], object] = lambda: None) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        assert time.monotonic() < deadline, "timed out"
        step()
        time.sleep(0.01)


def _status(db: Database, notification_id: int) -> str:
    return _rows(db)[notification_id].status


def test_a_hanging_channel_does_not_hold_up_another_channels_message(
    db: Database, clock: FrozenClock, world: World, engine_for: Callable[..., Engine]
) -> None:
    blocking, recording = BlockingChannel(), RecordingChannel()
    engine = engine_for({"webhook": blocking, "email": recording}, workers=2)

    def setup(session: Session) -> tuple[int, int]:
        hook = _queue(session, world, "to-webhook", clock, method_id=world.webhook_id)
        mail = _queue(session, world, "to-email", clock, method_id=world.email_id)
        return hook, mail

    hook, mail = db.run(setup)

    assert engine.runner.run_pending()["notify_send"] >= 2  # both taken and handed out
    assert blocking.started.wait(WAIT)
    _until(lambda: _status(db, mail) == "sent", step=engine.runner.run_pending)
    assert [sent.address for sent in recording.sent] == ["alice@example.com"]
    assert _status(db, hook) == "sending"  # still in the hanging channel's hands
    assert engine.outcome("email", "sent") == 1
    assert engine.outcome("webhook", "sent") is None

    blocking.release.set()
    _until(lambda: _status(db, hook) == "sent", step=engine.runner.run_pending)
    assert blocking.sent == ["https://hooks.example/a"]
    assert _rows(db)[hook].answer == "HTTP 204"
    assert engine.outcome("webhook", "sent") == 1
    assert recording.attempts == 1  # nothing was sent twice


def test_a_method_sealed_under_another_secret_key_fails_for_good_unsent(
    db: Database, clock: FrozenClock, world: World, engine_for: Callable[..., Engine]
) -> None:
    recording = RecordingChannel()
    engine = engine_for({"email": recording}, workers=0)

    def setup(session: Session) -> int:
        method = session.get(ContactMethod, world.email_id)
        assert method is not None
        method.address = Sealer("the key before it was changed").seal("alice@example.com")
        return _queue(session, world, "after-key-change", clock)

    mail = db.run(setup)
    engine.runner.run_pending()
    engine.runner.run_pending()
    assert recording.attempts == 0
    row = _rows(db)[mail]
    assert row.status == "failed"
    assert row.answer is not None
    assert "secret key" in row.answer


def test_closing_waits_for_deliveries_in_flight_and_records_them(
    db: Database, clock: FrozenClock, world: World, engine_for: Callable[..., Engine]
) -> None:
    blocking = BlockingChannel()
    engine = engine_for({"webhook": blocking}, workers=2)
    hook = db.run(lambda s: _queue(s, world, "to-webhook", clock, method_id=world.webhook_id))
    engine.runner.run_pending()
    assert blocking.started.wait(WAIT)
    db.run(lambda s: _queue(s, world, "later", clock, method_id=world.webhook_id))

    threading.Timer(0.2, blocking.release.set).start()
    engine.runner.close_modules()

    assert _status(db, hook) == "sent"
    statuses = {row.subject: row.status for row in _rows(db).values()}
    assert statuses == {"message to-webhook": "sent", "message later": "pending"}


def test_a_channel_that_raises_is_retried_and_a_missing_channel_fails(
    db: Database, clock: FrozenClock, world: World, engine_for: Callable[..., Engine]
) -> None:
    engine = engine_for({"webhook": RaisingChannel()}, workers=0)

    def setup(session: Session) -> tuple[int, int]:
        hook = _queue(session, world, "to-webhook", clock, method_id=world.webhook_id)
        mail = _queue(session, world, "to-email", clock, method_id=world.email_id)
        return hook, mail

    hook, mail = db.run(setup)
    engine.runner.run_pending()
    rows = _rows(db)
    assert (rows[hook].status, rows[hook].answer, rows[hook].attempts) == (
        "pending",
        "RuntimeError",
        1,
    )
    assert rows[hook].due_at > clock.now()
    assert (rows[mail].status, rows[mail].answer) == ("failed", "no email channel in this server")
    assert engine.outcome("webhook", "retry") == 1
    assert engine.outcome("email", "failed") == 1


def test_without_a_throttle_each_page_is_its_own_message(
    db: Database, clock: FrozenClock, world: World
) -> None:
    one, two, _ = world.incidents
    ids = db.run(
        lambda session: [
            _queue(session, world, "a", clock, incident_id=one),
            _queue(session, world, "b", clock, incident_id=two),
        ]
    )
    jobs = db.run(
        lambda session: send.take_due(session, clock.now(), throttle=NO_THROTTLE, linker=LINKER)
    )
    assert [job.notification_id for job in jobs] == ids
    assert [[card["id"] for card in job.message.payload["incidents"]] for job in jobs] == [
        [one],
        [two],
    ]
