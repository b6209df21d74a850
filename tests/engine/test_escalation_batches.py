"""Batched escalation pages the same people at the same times: a model-based property test.

Random set-ups (four responders, some inactive, with zero to two contact methods, some
unverified, and notification rules per urgency; an admin, sometimes inactive; two teams;
two schedules rotating hourly; three services whose policies have one to three levels of
users, teams and schedules, delays and repeats, or no policy at all) go through random
steps: incidents are declared, acknowledged, resolved, reopened and assigned, the clock
moves on, and the escalation and planning stages run as the engine runs them, again and
again at the same moment until a run handles fewer rows than its batch, with batch sizes
drawn per step (BATCH of both modules patched: 1, 2, 3, 7 or 500).

A plain reference model then applies the escalation rules one incident at a time, at the
same moments: who is paged for which incident, by which level and when; what reaches
the outbox and when it is due; the timeline entries that say so; and where each
escalation stands in the end, must all come out exactly the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import START, empty_all_tables
from tests.factories import declare, make_service, make_team, make_user
from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.session import Database
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents import transitions
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.incidents.schemas import IncidentUpdate, Source
from watchkeeper.incidents.timeline import SYSTEM
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.schemas import LayerCreate, ScheduleCreate
from watchkeeper.pipeline.escalation import cycle
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.models import Escalation, Page
from watchkeeper.pipeline.escalation.schemas import LevelIn, PolicyCreate, Target
from watchkeeper.pipeline.notify import plan
from watchkeeper.pipeline.notify.models import ContactMethod, Notification, NotificationRule

SEALER = Sealer("escalation batches test secret")
PEOPLE = 4
TURN = timedelta(hours=1)  # the schedules' rotation
MAX_TURNS = 1_000  # runs of the stages at one moment before the test gives up
NO_POLICY = "its service has no escalation policy: nobody is paged automatically"
UNROUTABLE = "escalation level {} reached nobody (no one on call or no active users)"

Kind = Literal["user", "team", "schedule"]
Ref = tuple[Kind, int]  # a target by index: person 0-3, team 0-1, schedule 0-1


@dataclass(frozen=True)
class Member:
    """A responder: contact methods (verified or not) and rules per urgency."""

    active: bool
    methods: tuple[bool, ...]
    high: tuple[tuple[int, int], ...]  # (method index, delay in minutes)
    low: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class PolicySpec:
    levels: tuple[tuple[tuple[Ref, ...], int], ...]  # (targets, delay in minutes)
    repeat: int


@dataclass(frozen=True)
class Setup:
    people: tuple[Member, ...]
    admin_active: bool
    teams: tuple[tuple[int, ...], ...]  # members (person indexes)
    schedules: tuple[tuple[int, ...], ...]  # participants in turn order, one an hour
    policies: tuple[PolicySpec | None, ...]  # per service


@dataclass(frozen=True)
class Act:
    """Something a person does between engine runs. `arg`: the service and severity of a
    new incident, the person an incident is assigned to; `incident` counts modulo those
    declared so far."""

    kind: Literal["declare", "acknowledge", "resolve", "reopen", "assign"]
    incident: int
    arg: int


@dataclass(frozen=True)
class Step:
    acts: tuple[Act, ...]
    minutes: int  # until the stages run
    batch: int  # escalation's BATCH for the runs of this step
    plan_batch: int  # planning's BATCH


rules = st.lists(st.tuples(st.integers(0, 1), st.sampled_from([0, 0, 2, 5])), max_size=2)
members = st.builds(
    Member,
    active=st.sampled_from([True, True, True, False]),
    methods=st.lists(st.sampled_from([True, True, False]), max_size=2).map(tuple),
    high=rules.map(tuple),
    low=rules.map(tuple),
)
refs: st.SearchStrategy[Ref] = st.one_of(
    st.tuples(st.just("user"), st.integers(0, PEOPLE - 1)),
    st.tuples(st.just("team"), st.integers(0, 1)),
    st.tuples(st.just("schedule"), st.integers(0, 1)),
)
levels = st.tuples(
    st.lists(refs, min_size=1, max_size=2).map(tuple), st.sampled_from([1, 5, 10, 30])
)
policies = st.builds(
    PolicySpec, levels=st.lists(levels, min_size=1, max_size=3).map(tuple), repeat=st.integers(0, 2)
)


def people(min_size: int) -> st.SearchStrategy[tuple[int, ...]]:
    return st.lists(st.integers(0, PEOPLE - 1), min_size=min_size, max_size=3, unique=True).map(
        tuple
    )


setups = st.builds(
    Setup,
    people=st.lists(members, min_size=PEOPLE, max_size=PEOPLE).map(tuple),
    admin_active=st.sampled_from([True, True, True, False]),
    teams=st.lists(people(0), min_size=2, max_size=2).map(tuple),
    schedules=st.lists(people(1), min_size=2, max_size=2).map(tuple),
    policies=st.lists(st.one_of(policies, policies, st.none()), min_size=3, max_size=3).map(tuple),
)
declares = st.builds(Act, kind=st.just("declare"), incident=st.just(0), arg=st.integers(0, 5))
acts = st.one_of(
    declares,
    declares,
    st.builds(
        Act,
        kind=st.sampled_from(["acknowledge", "resolve", "reopen", "assign"]),
        incident=st.integers(0, 20),
        arg=st.integers(0, PEOPLE - 1),
    ),
)
batches = st.sampled_from([1, 2, 3, 7, 500])
steps = st.lists(
    st.builds(
        Step,
        acts=st.lists(acts, min_size=1, max_size=5).map(tuple),
        minutes=st.sampled_from([0, 1, 4, 5, 9, 10, 30, 45, 60]),
        batch=batches,
        plan_batch=batches,
    ),
    min_size=2,
    max_size=8,
)


@dataclass(frozen=True)
class World:
    """The set-up's database ids, and who its targets mean at a moment, by the rules."""

    setup: Setup
    users: tuple[int, ...]  # person index -> user id
    admin: int
    team_ids: tuple[int, ...]
    schedule_ids: tuple[int, ...]
    services: tuple[int, ...]
    methods: dict[int, list[tuple[int, bool]]]  # user id -> (method id, verified)
    rules: dict[tuple[int, str], list[tuple[int, int]]]  # (user, urgency) -> (method, delay)

    def login(self, user_id: int) -> str:
        return "admin" if user_id == self.admin else f"p{self.users.index(user_id)}"

    def active(self, person: int) -> bool:
        return self.setup.people[person].active

    def meant(self, ref: Ref, at: datetime) -> list[int]:
        kind, index = ref
        if kind == "user":
            chosen = [index]
        elif kind == "team":  # members in login order: p0, p1, ...
            chosen = sorted(self.setup.teams[index])
        else:
            turns = self.setup.schedules[index]
            chosen = [turns[((at - START) // TURN) % len(turns)]]
        return [self.users[p] for p in chosen if self.active(p)]

    def admins(self) -> list[int]:
        return [self.admin] if self.setup.admin_active else []

    def steps(self, user_id: int, urgency: str) -> list[tuple[int, int]]:
        """The rules for the urgency that name a verified method, each once; without
        any, every verified method at once."""
        verified = [m for m, ok in self.methods.get(user_id, []) if ok]
        chosen: list[tuple[int, int]] = []
        for step in self.rules.get((user_id, urgency), []):
            if step[0] in verified and step not in chosen:
                chosen.append(step)
        return chosen or [(m, 0) for m in sorted(verified)]


def prepare(database: Database, setup: Setup) -> World:
    empty_all_tables(database)

    def work(session: Session) -> World:
        users = [make_user(session, now=START, login=f"p{i}").id for i in range(PEOPLE)]
        admin = make_user(session, now=START, login="admin", role=Role.ADMIN).id
        methods: dict[int, list[tuple[int, bool]]] = {}
        found_rules: dict[tuple[int, str], list[tuple[int, int]]] = {}
        for user_id, member in zip(users, setup.people, strict=True):
            for n, verified in enumerate(member.methods):
                method = ContactMethod(
                    user_id=user_id,
                    kind="email",
                    address=SEALER.seal(f"p{user_id}-{n}@example.com"),
                    label=f"email {n}",
                    secret=None,
                    verified_at=START if verified else None,
                    created_at=START,
                )
                session.add(method)
                session.flush()
                methods.setdefault(user_id, []).append((method.id, verified))
            for urgency, chosen in (("high", member.high), ("low", member.low)):
                for index, delay in chosen if member.methods else ():
                    method_id = methods[user_id][index % len(member.methods)][0]
                    session.add(
                        NotificationRule(
                            user_id=user_id,
                            urgency=urgency,
                            contact_method_id=method_id,
                            delay_minutes=delay,
                        )
                    )
                    session.flush()  # rules are taken in id order
                    found_rules.setdefault((user_id, urgency), []).append((method_id, delay))
        team_ids = []
        for n, member_indexes in enumerate(setup.teams):
            team = make_team(session, now=START, name=f"Team {n}")
            for p in member_indexes:
                teams.add_member(session, team_id=team.id, user_id=users[p], now=START)
            team_ids.append(team.id)
        schedule_ids = []
        for n, turns in enumerate(setup.schedules):
            named = ScheduleCreate(name=f"Schedule {n}", time_zone="UTC")
            schedule = schedules.create(session, data=named, now=START)
            layer = LayerCreate(
                name="hourly",
                participants=[users[p] for p in turns],
                rotation="hours",
                rotation_length=1,
                start=START.replace(tzinfo=None),
            )
            schedules.add_layer(session, schedule_id=schedule.id, data=layer, now=START)
            schedule_ids.append(schedule.id)
        ids = {"user": users, "team": team_ids, "schedule": schedule_ids}
        services = []
        for n, spec in enumerate(setup.policies):
            service = make_service(session, now=START, name=f"Service {n}")
            if spec is not None:
                data = PolicyCreate(
                    name=f"Policy {n}",
                    repeat=spec.repeat,
                    levels=[
                        LevelIn(
                            targets=[Target(type=kind, id=ids[kind][i]) for kind, i in targets],
                            delay_minutes=delay,
                        )
                        for targets, delay in spec.levels
                    ],
                )
                policy = escalation.create_policy(session, data=data, now=START)
                service.escalation_policy_id = policy.id
            services.append(service.id)
        # Only now, so that teams and schedules may name them: some people have left.
        gone = [users[p] for p, m in enumerate(setup.people) if not m.active]
        gone += [] if setup.admin_active else [admin]
        if gone:
            session.execute(update(User).where(User.id.in_(gone)).values(is_active=False))
        session.flush()
        return World(
            setup,
            tuple(users),
            admin,
            tuple(team_ids),
            tuple(schedule_ids),
            tuple(services),
            methods,
            found_rules,
        )

    return database.run(work)


# -- the reference model --------------------------------------------------------------


@dataclass
class ModelEscalation:
    policy: PolicySpec | None
    generation: int
    next_at: datetime | None
    status: str
    level: int = 0
    round: int = 0
    last_assignee: int | None = None


@dataclass
class ModelIncident:
    id: int
    service: int  # index
    priority: int
    status: str = "triggered"
    reopened: int = 0
    assignee: int | None = None
    escalation: ModelEscalation | None = None


PageKey = tuple[int, int, int | None, datetime, str, str]  # incident, user, level, at, ...
Entry = tuple[int, str, str, datetime, str]  # incident, kind, summary, at, data as JSON


@dataclass
class Model:
    """Escalation as the product describes it, one incident at a time."""

    world: World
    incidents: list[ModelIncident] = field(default_factory=list)
    pages: list[PageKey] = field(default_factory=list)
    outbox: list[tuple[PageKey, int, datetime, datetime]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def note(self, incident: int, kind: str, summary: str, at: datetime, **data: Any) -> None:
        self.entries.append((incident, kind, summary, at, json.dumps(data, sort_keys=True)))

    def page(
        self,
        incident: ModelIncident,
        users: Sequence[int],
        reason: str,
        at: datetime,
        level: int | None,
    ) -> None:
        if not users:
            return
        urgency = "high" if incident.priority <= 2 else "low"
        for user_id in users:
            key = (incident.id, user_id, level, at, urgency, reason)
            self.pages.append(key)
            planned = self.world.steps(user_id, urgency)
            if not planned:
                summary = (
                    f"{self.world.login(user_id)} cannot be notified: no verified contact method"
                )
                self.note(incident.id, "notify_failed", summary, at, user_id=user_id)
            for method_id, delay in planned:
                self.outbox.append((key, method_id, at + timedelta(minutes=delay), at))
        names = ", ".join(self.world.login(u) for u in users)
        self.note(
            incident.id,
            "paged",
            f"paged {names} ({reason})",
            at,
            user_ids=list(users),
            level=level,
            urgency=urgency,
        )

    def run(self, now: datetime) -> None:
        for incident in self.incidents:
            self.start(incident, now)
            escalation = incident.escalation
            if escalation is None:
                continue
            if escalation.status == "active" and incident.status != "triggered":
                escalation.status, escalation.next_at = "stopped", None
            while (
                escalation.status == "active"
                and escalation.next_at is not None
                and escalation.next_at <= now
            ):
                self.fire(incident, escalation, now)
            # Whoever an open incident is (re)assigned to is paged, once per assignee: as
            # built, only once its escalation has started (one acknowledged before the
            # engine first saw it has none), and a reopened incident keeps its last one.
            open_ = incident.status in ("triggered", "acknowledged", "on_hold")
            if open_ and incident.assignee not in (None, escalation.last_assignee):
                assert incident.assignee is not None
                self.page(incident, [incident.assignee], "assigned to the incident", now, None)
                escalation.last_assignee = incident.assignee

    def start(self, incident: ModelIncident, now: datetime) -> None:
        """A triggered incident escalates once per trigger, by its service's policy."""
        escalation = incident.escalation
        if incident.status != "triggered":
            return
        if escalation is not None and escalation.generation >= incident.reopened:
            return
        policy = self.world.setup.policies[incident.service]
        renewed = ModelEscalation(
            policy,
            generation=incident.reopened,
            next_at=now if policy is not None else None,
            status="active" if policy is not None else "done",
            last_assignee=escalation.last_assignee if escalation is not None else None,
        )
        incident.escalation = renewed
        if policy is None:  # every incident here comes from an alert
            self.note(incident.id, "escalation", NO_POLICY, now)

    def fire(self, incident: ModelIncident, escalation: ModelEscalation, now: datetime) -> None:
        """The due level pages whoever its targets mean now and waits its delay; one that
        reaches nobody pages the admins and moves on at once; then the next round."""
        assert escalation.policy is not None
        targets, delay = escalation.policy.levels[escalation.level]
        number = escalation.level + 1
        users: list[int] = []
        for ref in targets:
            users += [u for u in self.world.meant(ref, now) if u not in users]
        if users:
            rounds = f", round {escalation.round + 1}" if escalation.round else ""
            self.page(incident, users, f"escalation level {number}{rounds}", now, number)
            wait = timedelta(minutes=delay)
        else:
            self.note(incident.id, "unroutable", UNROUTABLE.format(number), now, level=number)
            reason = f"escalation level {number} reached nobody"
            self.page(incident, self.world.admins(), reason, now, number)
            wait = timedelta(0)
        escalation.level += 1
        escalation.next_at = now + wait
        last = len(escalation.policy.levels)
        if escalation.level == last and escalation.round < escalation.policy.repeat:
            escalation.level, escalation.round = 0, escalation.round + 1
        if escalation.level == last:  # the last level of the last round has fired
            escalation.status, escalation.next_at = "done", None


# -- the real stages ------------------------------------------------------------------


def act(database: Database, world: World, model: Model, act: Act, now: datetime) -> None:
    """Do `act` through the real services, and to the model; skip what is not allowed."""
    if act.kind == "declare":
        service, severity = act.arg % 3, 1 if act.arg < 3 else 4

        def work(session: Session) -> tuple[int, int]:
            made = declare(
                session,
                now=now,
                service_id=world.services[service],
                source=Source.ALERT,
                impact=severity,
                urgency=severity,
            )
            return made.id, made.priority

        incident_id, priority = database.run(work)
        model.incidents.append(ModelIncident(incident_id, service, priority))
        return
    if not model.incidents:
        return
    incident = model.incidents[act.incident % len(model.incidents)]
    change: Callable[[Session], object]
    if act.kind == "acknowledge" and incident.status == "triggered":
        change = partial(transitions.acknowledge, actor=SYSTEM)
        incident.status = "acknowledged"
    elif act.kind == "resolve" and incident.status in ("triggered", "acknowledged"):
        change = partial(transitions.resolve, actor=SYSTEM)
        incident.status = "resolved"
    elif act.kind == "reopen" and incident.status == "resolved":
        change = partial(transitions.reopen, actor=SYSTEM)
        incident.status, incident.reopened = "triggered", incident.reopened + 1
    elif act.kind == "assign" and world.active(act.arg):
        user_id = world.users[act.arg]
        data = IncidentUpdate(assignee_id=user_id)
        change = partial(incidents.update, data=data, actor=SYSTEM)
        incident.assignee = user_id
    else:
        return
    database.run(partial(change, incident_id=incident.id, now=now))


def run_stages(database: Database, now: datetime) -> None:
    """The escalation and planning stages as the engine runs them at one moment: turn
    after turn while either handled a full batch (its `batch_limit`)."""
    for _ in range(MAX_TURNS):
        escalated = database.run(partial(cycle.run_once, now=now))
        planned = database.run(partial(plan.plan_pages, now=now))
        if escalated < cycle.BATCH and planned < plan.BATCH:
            break
    else:
        pytest.fail(f"the stages were still busy after {MAX_TURNS} turns")
    # A run that handled less than a batch left nothing behind: the engine trusts that.
    assert database.run(partial(cycle.run_once, now=now)) == 0
    assert database.run(partial(plan.plan_pages, now=now)) == 0


def check(
    database: Database, monkeypatch: pytest.MonkeyPatch, setup: Setup, plan_: list[Step]
) -> None:
    world = prepare(database, setup)
    model = Model(world)
    now = START
    for step in plan_:
        for one in step.acts:
            act(database, world, model, one, now)
        now += timedelta(minutes=step.minutes)
        monkeypatch.setattr(cycle, "BATCH", step.batch)
        monkeypatch.setattr(plan, "BATCH", step.plan_batch)
        run_stages(database, now)
        model.run(now)

    with database.transaction(write=False) as session:
        pages = session.execute(
            select(
                Page.id,
                Page.incident_id,
                Page.user_id,
                Page.level,
                Page.created_at,
                Page.urgency,
                Page.reason,
                Page.planned,
            )
        ).all()
        outbox = session.execute(
            select(
                Notification.page_id,
                Notification.contact_method_id,
                Notification.due_at,
                Notification.created_at,
                Notification.kind,
                Notification.status,
                Notification.incident_id,
                Notification.user_id,
            )
        ).all()
        entries = session.execute(
            select(
                TimelineEntry.incident_id,
                TimelineEntry.kind,
                TimelineEntry.summary,
                TimelineEntry.at,
                TimelineEntry.data,
            ).where(TimelineEntry.kind.in_(["paged", "unroutable", "escalation", "notify_failed"]))
        ).all()
        escalations = session.execute(
            select(
                Escalation.incident_id,
                Escalation.generation,
                Escalation.level,
                Escalation.round,
                Escalation.status,
                Escalation.next_at,
                Escalation.last_assignee_id,
            ).order_by(Escalation.incident_id)
        ).all()

    assert all(page.planned for page in pages), "every page is planned in the same moment"
    keys: dict[int, PageKey] = {
        page.id: (
            page.incident_id,
            page.user_id,
            page.level,
            page.created_at,
            page.urgency,
            page.reason,
        )
        for page in pages
    }
    assert sorted(keys.values(), key=repr) == sorted(model.pages, key=repr)
    got_outbox = []
    for page_id, method_id, due_at, created_at, kind, status, incident_id, user_id in outbox:
        assert page_id is not None
        assert (kind, status) == ("page", "pending")
        assert (incident_id, user_id) == keys[page_id][:2]
        got_outbox.append((keys[page_id], method_id, due_at, created_at))
    assert sorted(got_outbox, key=repr) == sorted(model.outbox, key=repr)
    got_entries = [
        (incident_id, kind, summary, at, json.dumps(data, sort_keys=True))
        for incident_id, kind, summary, at, data in entries
    ]
    assert sorted(got_entries, key=repr) == sorted(model.entries, key=repr)
    expected = [
        (
            i.id,
            e.generation,
            e.level,
            e.round,
            e.status,
            e.next_at,
            e.last_assignee,
        )
        for i in model.incidents
        if (e := i.escalation) is not None
    ]
    assert [tuple(row) for row in escalations] == expected


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_batched_escalation_pages_like_the_rules_say(
    engine: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    database: Database = request.getfixturevalue(f"{engine}_database")

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(setup=setups, plan_=steps)
    def run(setup: Setup, plan_: list[Step]) -> None:
        check(database, monkeypatch, setup, plan_)

    run()
