"""The coverage checks: each finds one kind of hole in the paging set-up, read-only.

Schedules are resolved once for the whole horizon with the schedule resolver (the same
code that says who is on call when a level fires); everything else is a few queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.readiness.schemas import Finding
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import TeamMembership
from watchkeeper.catalog.users.models import User
from watchkeeper.oncall.schedules import queries as schedule_queries
from watchkeeper.oncall.schedules import resolver
from watchkeeper.oncall.schedules.gaps import Gap, gaps
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.oncall.schedules.resolver import Shift
from watchkeeper.pipeline.escalation.models import EscalationLevel, EscalationPolicy
from watchkeeper.pipeline.ingest.models import Integration, RawPayload
from watchkeeper.pipeline.notify.models import ContactMethod, Notification, NotificationRule

HORIZON = timedelta(days=14)
WEEK = timedelta(days=7)
SILENT = timedelta(days=7)
FAILED_IN_A_ROW = 3  # a method whose last three finished deliveries all failed
RECENT_DELIVERIES = timedelta(days=30)


@dataclass
class World:
    """What the checks share: every schedule's shifts over the horizon, active users."""

    now: datetime
    schedules: dict[int, Schedule]
    shifts: dict[int, list[Shift]]
    active: set[int]
    logins: dict[int, str]
    members: dict[int, set[int]] = field(default_factory=dict)  # team -> active users

    @property
    def end(self) -> datetime:
        return self.now + HORIZON

    def who(self, user_id: int | None) -> str:
        return self.logins.get(user_id, f"user {user_id}") if user_id is not None else "nobody"


def load(session: Session, now: datetime) -> World:
    rows = list(session.scalars(select(Schedule).order_by(Schedule.name)))
    specs = schedule_queries.specs(session, schedules=rows, start=now, end=now + HORIZON)
    users = session.execute(select(User.id, User.login, User.is_active)).all()
    members: dict[int, set[int]] = defaultdict(set)
    active = {user_id for user_id, _, is_active in users if is_active}
    for team_id, user_id in session.execute(select(TeamMembership.team_id, TeamMembership.user_id)):
        if user_id in active:
            members[team_id].add(user_id)
    return World(
        now=now,
        schedules={row.id: row for row in rows},
        shifts={
            schedule_id: [
                s for s in resolver.shifts(spec, now, now + HORIZON) if s.user_id in active
            ]
            for schedule_id, spec in specs.items()
        },
        active=active,
        logins={user_id: login for user_id, login, _ in users},
        members=members,
    )


def _span(gap: Gap, zone: str) -> str:
    tz = ZoneInfo(zone)
    return f"{gap.start.astimezone(tz):%a %d %b %H:%M} to {gap.end.astimezone(tz):%a %d %b %H:%M}"


def _user(shift: Shift | None) -> int | None:
    return shift.user_id if shift is not None else None


def schedule_gaps(world: World) -> list[Finding]:
    found = []
    for schedule_id, schedule in world.schedules.items():
        shifts = world.shifts.get(schedule_id, [])
        for gap in gaps(shifts, world.now, world.end):
            before = max(
                (s for s in shifts if s.end <= gap.start), key=lambda s: s.end, default=None
            )
            after = min(
                (s for s in shifts if s.start >= gap.end), key=lambda s: s.start, default=None
            )
            start = "now" if gap.start <= world.now else gap.start.isoformat()
            found.append(
                Finding(
                    key=f"schedule_gap:{schedule_id}:{start}",
                    kind="schedule_gap",
                    team_id=schedule.owner_team_id,
                    subject=f"schedule {schedule.name}",
                    detail=f"nobody on call {_span(gap, schedule.time_zone)} "
                    f"({schedule.time_zone}); after {world.who(_user(before))}, "
                    f"before {world.who(_user(after))}",
                    starts_at=gap.start,
                    ends_at=gap.end,
                    fix_url=f"/schedules/{schedule_id}",
                )
            )
    return found


def policies(
    session: Session,
) -> dict[int, tuple[EscalationPolicy, list[list[dict[str, int | str]]]]]:
    """Every policy with its levels' targets, in order."""
    levels: dict[int, list[list[dict[str, int | str]]]] = defaultdict(list)
    for level in session.scalars(
        select(EscalationLevel).order_by(EscalationLevel.policy_id, EscalationLevel.position)
    ):
        levels[level.policy_id].append(list(level.targets))
    return {
        policy.id: (policy, levels[policy.id])
        for policy in session.scalars(select(EscalationPolicy).order_by(EscalationPolicy.name))
    }


def _always(world: World, targets: Iterable[dict[str, int | str]]) -> set[int]:
    """The people a level reaches at any hour: active users and team members."""
    people: set[int] = set()
    for target in targets:
        kind, ref = target["type"], int(target["id"])
        if kind == "user" and ref in world.active:
            people.add(ref)
        elif kind == "team":
            people |= world.members.get(ref, set())
    return people


def _schedule_ids(levels: Sequence[Iterable[dict[str, int | str]]]) -> set[int]:
    return {int(t["id"]) for targets in levels for t in targets if t["type"] == "schedule"}


def reach(
    world: World, levels: Sequence[Iterable[dict[str, int | str]]]
) -> tuple[set[int], list[Gap]]:
    """Everyone a policy can reach over the next week, and when it reaches nobody."""
    people: set[int] = set()
    for targets in levels:
        people |= _always(world, targets)
    shifts = [
        s
        for schedule_id in _schedule_ids(levels)
        for s in world.shifts.get(schedule_id, [])
        if s.start < world.now + WEEK
    ]
    people |= {s.user_id for s in shifts}
    if any(_always(world, targets) for targets in levels):
        return people, []
    return people, gaps(shifts, world.now, world.now + WEEK)


def policy_findings(
    world: World, found: dict[int, tuple[EscalationPolicy, list[list[dict[str, int | str]]]]]
) -> list[Finding]:
    result = []
    for policy_id, (policy, levels) in found.items():
        _, holes = reach(world, levels)
        if not holes:
            continue
        hours = sum((gap.end - gap.start).total_seconds() for gap in holes) / 3600
        first = holes[0]
        result.append(
            Finding(
                key=f"policy_reaches_nobody:{policy_id}",
                kind="policy_reaches_nobody",
                team_id=policy.team_id,
                subject=f"escalation policy {policy.name}",
                detail=f"reaches nobody for {hours:.0f} h of the next 7 days, first "
                f"{_span(first, 'UTC')} UTC: the admins are paged instead",
                starts_at=first.start,
                ends_at=first.end,
                fix_url=f"/admin/escalation-policies/{policy_id}",
            )
        )
    return result


def service_findings(
    session: Session,
    world: World,
    found: dict[int, tuple[EscalationPolicy, list[list[dict[str, int | str]]]]],
) -> list[Finding]:
    result = []
    for service in session.scalars(select(Service).order_by(Service.name)):
        fix = f"/admin/services/{service.id}"
        entry = found.get(service.escalation_policy_id or 0)
        if entry is None:
            result.append(
                Finding(
                    key=f"service_without_policy:{service.id}",
                    kind="service_without_policy",
                    team_id=service.owner_team_id,
                    subject=f"service {service.name}",
                    detail="no escalation policy: its alerts open incidents that page nobody",
                    fix_url=fix,
                )
            )
            continue
        people, _ = reach(world, entry[1])
        if len(people) <= 1:
            who = world.who(next(iter(people))) if people else "nobody"
            result.append(
                Finding(
                    key=f"single_person_policy:{service.id}",
                    kind="single_person_policy",
                    team_id=service.owner_team_id,
                    subject=f"service {service.name}",
                    detail=f"its policy {entry[0].name} reaches only {who} in the next 7 days",
                    fix_url=f"/admin/escalation-policies/{entry[0].id}",
                )
            )
    return result


def on_call_people(
    world: World, found: dict[int, tuple[EscalationPolicy, list[list[dict[str, int | str]]]]]
) -> dict[int, int | None]:
    """Users on call in the horizon (schedules, or named by a policy), with a team each."""
    people: dict[int, int | None] = {}
    for schedule_id, shifts in world.shifts.items():
        for shift in shifts:
            people.setdefault(shift.user_id, world.schedules[schedule_id].owner_team_id)
    for policy, levels in found.values():
        for targets in levels:
            for user_id in _always(world, [t for t in targets if t["type"] == "user"]):
                people.setdefault(user_id, policy.team_id)
    return people


def contact_findings(
    session: Session, world: World, people: dict[int, int | None]
) -> list[Finding]:
    ids = sorted(people)
    verified = set(
        session.scalars(
            select(ContactMethod.user_id).where(
                ContactMethod.user_id.in_(ids), ContactMethod.verified_at.is_not(None)
            )
        )
    )
    high = set(
        session.scalars(
            select(NotificationRule.user_id)
            .join(ContactMethod, ContactMethod.id == NotificationRule.contact_method_id)
            .where(
                NotificationRule.user_id.in_(ids),
                NotificationRule.urgency == "high",
                ContactMethod.verified_at.is_not(None),
            )
        )
    )
    result = []
    for user_id in ids:
        login = world.who(user_id)
        if user_id not in verified:
            result.append(
                Finding(
                    key=f"no_verified_contact:{user_id}",
                    kind="no_verified_contact",
                    team_id=people[user_id],
                    subject=f"user {login}",
                    detail="on call in the next 14 days without a verified contact method: "
                    "a page reaches nobody",
                    fix_url=f"/admin/users/{user_id}",
                )
            )
        elif user_id not in high:
            result.append(
                Finding(
                    key=f"no_high_urgency_rule:{user_id}",
                    kind="no_high_urgency_rule",
                    team_id=people[user_id],
                    subject=f"user {login}",
                    detail="on call without a high-urgency notification rule: urgent pages "
                    "go to every verified method at once, with no escalation between them",
                    fix_url="/account/notifications",
                )
            )
    return result


def silent_integrations(session: Session, now: datetime) -> list[Finding]:
    since = now - SILENT
    heard = set(
        session.scalars(
            select(RawPayload.integration_id).where(RawPayload.received_at >= since).distinct()
        )
    )
    rows = session.execute(
        select(Integration, Service.name, Service.owner_team_id)
        .join(Service, Service.id == Integration.service_id)
        .where(Integration.revoked_at.is_(None), Integration.created_at <= since)
        .order_by(Integration.id)
    ).all()
    return [
        Finding(
            key=f"silent_integration:{integration.id}",
            kind="silent_integration",
            team_id=team_id,
            subject=f"integration {integration.name} of {service_name}",
            detail="has sent nothing for 7 days: is the sender still pointed here?",
            fix_url=f"/admin/services/{integration.service_id}",
        )
        for integration, service_name, team_id in rows
        if integration.id not in heard
    ]


def failing_methods(session: Session, world: World, teams: dict[int, int | None]) -> list[Finding]:
    """Methods whose last finished deliveries all failed (a window per method)."""
    ranked = (
        select(
            Notification.contact_method_id,
            Notification.status,
            func.row_number()
            .over(partition_by=Notification.contact_method_id, order_by=Notification.id.desc())
            .label("n"),
        )
        .where(
            Notification.status.in_(("sent", "failed")),
            Notification.created_at >= world.now - RECENT_DELIVERIES,
        )
        .subquery()
    )
    rows = session.execute(
        select(
            ranked.c.contact_method_id,
            func.count(),
            func.sum(case((ranked.c.status == "failed", 1), else_=0)),
        )
        .where(ranked.c.n <= FAILED_IN_A_ROW)
        .group_by(ranked.c.contact_method_id)
    ).all()
    failing = [m for m, count, failed in rows if count == failed == FAILED_IN_A_ROW]
    if not failing:
        return []
    methods = session.execute(
        select(ContactMethod.id, ContactMethod.user_id, ContactMethod.kind, ContactMethod.label)
        .where(ContactMethod.id.in_(failing))
        .order_by(ContactMethod.id)
    ).all()
    return [
        Finding(
            key=f"failing_contact_method:{method_id}",
            kind="failing_contact_method",
            team_id=teams.get(user_id),
            subject=f"user {world.who(user_id)}",
            detail=f"the last {FAILED_IN_A_ROW} deliveries to {kind} {label!r} failed",
            fix_url=f"/admin/users/{user_id}",
        )
        for method_id, user_id, kind, label in methods
    ]
