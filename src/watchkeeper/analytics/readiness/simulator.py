"""The escalation simulator: who would be paged, when and through what, for an alert.

It runs the real stages in the caller's session: intake's writer, correlation (routing,
silences, maintenance windows, inhibition, grouping), escalation (the policy snapshot,
schedules resolved at each level's moment, admins when a level reaches nobody) and
notification planning (each person's rules), stepping the clock from level to level
as the engine would. Then it reads back the pages and messages those stages wrote. The
caller runs it in a transaction that is rolled back (`Database.rehearsal`), so nothing
stays and the answer cannot drift from what the engine does. Nobody acknowledges in a
simulation, so every level that would fire does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.readiness import errors
from watchkeeper.analytics.readiness.schemas import (
    Delivery,
    EventStep,
    LevelStep,
    PageStep,
    SimulationIn,
    SimulationOut,
)
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.users.models import User
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.pipeline.correlate import cycle as correlate
from watchkeeper.pipeline.correlate.noise import explain
from watchkeeper.pipeline.correlate.noise.schemas import EventExplanation, SampleType
from watchkeeper.pipeline.correlate.service import Outcome
from watchkeeper.pipeline.escalation import cycle as escalate
from watchkeeper.pipeline.escalation.models import Escalation, EscalationPolicy, Page
from watchkeeper.pipeline.ingest.events import NormalizedEvent
from watchkeeper.pipeline.ingest.models import Event
from watchkeeper.pipeline.ingest.writer import Submission, write_batch
from watchkeeper.pipeline.notify import plan
from watchkeeper.pipeline.notify.models import ContactMethod, Notification

MAX_STEPS = 200  # levels x rounds is at most 20 x 10
CORRELATE_TRIES = 20  # other pending events may share the first batches


def moment(at: datetime | None, zone: str, now: datetime) -> datetime:
    """`at` in UTC: a naive time is a wall time in `zone`; none means now."""
    if at is None:
        return now
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(zone))
    return at.astimezone(UTC)


def simulate(session: Session, *, data: SimulationIn, now: datetime) -> SimulationOut:
    """Run the pipeline for `data` and say what it did; the caller rolls it all back."""
    at = moment(data.at, data.zone, now)
    service_id = _service(session, data, at)
    kind, payload = _payload(data)
    events = explain.parse(kind, payload, at)
    explained = explain.explain(
        session, sample_type=kind, service_id=service_id, payload=payload, now=at
    ).events
    outcomes = _correlate(session, service_id, events, at)
    opened = {o.incident_id for o in outcomes if o.kind == "opened" and o.incident_id}
    until = at + timedelta(hours=data.hours)
    _escalate(session, opened, at, until)
    steps = _steps(session, opened, data.zone)
    notes = _joined(outcomes) + _notes(session, opened, until)
    return SimulationOut(
        at=at,
        zone=data.zone,
        service_id=service_id,
        events=[_event_step(i, o, explained, data.zone) for i, o in enumerate(outcomes)],
        steps=steps,
        notes=notes,
    )


def _service(session: Session, data: SimulationIn, now: datetime) -> int:
    """The receiving service; a policy alone gets a stand-in service (rolled back too)."""
    if data.service_id is not None:
        if session.get(Service, data.service_id) is None:
            raise errors.unknown("service_id", "service", data.service_id)
        return data.service_id
    if data.policy_id is None:
        raise errors.invalid("service_id", "give a service_id or a policy_id")
    if session.get(EscalationPolicy, data.policy_id) is None:
        raise errors.unknown("policy_id", "escalation policy", data.policy_id)
    stand_in = Service(
        name="Simulation",
        slug=f"simulation-{data.policy_id}-{int(now.timestamp())}",
        description="",
        tags=[],
        group_by=[],
        escalation_policy_id=data.policy_id,
        created_at=now,
        updated_at=now,
    )
    session.add(stand_in)
    session.flush()
    return stand_in.id


def _payload(data: SimulationIn) -> tuple[SampleType, Any]:
    """The payload as given, or one generic trigger event standing for "an alert"."""
    if data.payload is not None:
        if data.type is None:
            raise errors.invalid("type", "say which format the payload is in")
        return data.type, data.payload
    generic = {
        "action": "trigger",
        "summary": data.summary,
        "severity": data.severity,
        "dedup_key": f"simulation-{data.severity}-{data.summary}"[:255],
    }
    return "generic", generic


def _correlate(
    session: Session, service_id: int, events: list[NormalizedEvent], at: datetime
) -> list[Outcome]:
    """Accept the events as intake does, and correlate until they have been taken."""
    first = (session.scalar(select(func.max(Event.id))) or 0) + 1
    write_batch(session, [Submission(None, service_id, at, events=events)])
    ours: dict[int, Outcome] = {}
    for _ in range(CORRELATE_TRIES):
        for outcome in correlate.run_once(session, at):
            if outcome.event_id >= first:
                ours[outcome.event_id] = outcome
        if len(ours) == len(events):
            return [ours[event_id] for event_id in sorted(ours)]
    raise errors.busy()


def _escalate(session: Session, incident_ids: set[int], at: datetime, until: datetime) -> None:
    """Run escalation and planning at each moment a level is due, up to `until`."""
    moment_ = at
    for _ in range(MAX_STEPS):
        escalate.run_once(session, moment_)
        plan.plan_pages(session, moment_)
        due = session.scalar(
            select(func.min(Escalation.next_at)).where(
                Escalation.incident_id.in_(incident_ids), Escalation.status == "active"
            )
        )
        if due is None or due > until:
            break
        moment_ = max(due, moment_)


def _joined(outcomes: list[Outcome]) -> list[str]:
    """Alerts that join an open incident page nobody new: its escalation runs already."""
    # An incident's id is its number (#1, #2...): these name real, open incidents.
    numbers = sorted(
        {o.incident_id for o in outcomes if o.kind in ("joined", "repeat") and o.incident_id}
    )
    return [
        f"goes to open incident #{number}: its escalation already runs, nobody new is paged"
        for number in numbers
    ]


def _steps(session: Session, incident_ids: set[int], zone: str) -> list[LevelStep]:
    if not incident_ids:
        return []
    pages = session.execute(
        select(Page, User.login)
        .join(User, User.id == Page.user_id)
        .where(Page.incident_id.in_(incident_ids))
        .order_by(Page.created_at, Page.id)
    ).all()
    deliveries = _deliveries(session, [page.id for page, _ in pages])
    steps: list[LevelStep] = []
    for page, login in pages:
        step = PageStep(
            user_id=page.user_id,
            login=login,
            urgency=page.urgency,
            reason=page.reason,
            deliveries=deliveries.get(page.id, []),
            unreachable=not deliveries.get(page.id),
        )
        if steps and (steps[-1].at, steps[-1].level) == (page.created_at, page.level):
            steps[-1].pages.append(step)
        else:
            steps.append(LevelStep(at=page.created_at, level=page.level, reason="", pages=[step]))
    for level in steps:
        level.reason = _level_reason(level, zone)
    return steps


def _level_reason(level: LevelStep, zone: str) -> str:
    names = ", ".join(page.login for page in level.pages)
    when = level.at.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M")
    first = level.pages[0].reason
    if "reached nobody" in first:
        return f"{when}: level {level.level}: nobody on call, goes to the admins ({names})"
    return f"{when}: {first}: pages {names}"


def _deliveries(session: Session, page_ids: list[int]) -> dict[int, list[Delivery]]:
    found: dict[int, list[Delivery]] = {}
    if not page_ids:
        return found
    rows = session.execute(
        select(Notification.page_id, Notification.due_at, ContactMethod.kind, ContactMethod.label)
        .join(ContactMethod, ContactMethod.id == Notification.contact_method_id)
        .where(Notification.page_id.in_(page_ids))
        .order_by(Notification.due_at, Notification.id)
    )
    for page_id, due_at, kind, label in rows:
        assert page_id is not None  # asked for by page
        found.setdefault(page_id, []).append(Delivery(at=due_at, kind=kind, label=label))
    return found


def _notes(session: Session, incident_ids: set[int], until: datetime) -> list[str]:
    """What the timeline says beyond pages: no policy, and where the simulation stopped."""
    notes = list(
        session.scalars(
            select(TimelineEntry.summary)
            .where(
                TimelineEntry.incident_id.in_(incident_ids),
                TimelineEntry.kind.in_(["escalation", "notify_failed"]),
            )
            .order_by(TimelineEntry.id)
        )
    )
    still = session.scalar(
        select(func.count())
        .select_from(Escalation)
        .where(Escalation.incident_id.in_(incident_ids), Escalation.status == "active")
    )
    if still:
        notes.append(f"still escalating at {until:%Y-%m-%d %H:%M} UTC; not followed further")
    return notes


def _event_step(
    index: int, outcome: Outcome, explained: list[EventExplanation], zone: str
) -> EventStep:
    # The alert's id is of the rolled-back alert: it names no row anyone can open.
    reason = re.sub(r"^alert #\d+ ", "alert ", outcome.text)
    if outcome.kind == "opened":  # nor does the incident's
        reason = "alert opens a new incident"
    hit = explained[index].silence if index < len(explained) else None
    if outcome.kind == "suppressed" and hit is not None and hit.ends_at is not None:
        ends = hit.ends_at.astimezone(ZoneInfo(zone))
        reason = f"{reason} until {ends:%a %d %b %H:%M} ({zone})"
    summary = explained[index].summary if index < len(explained) else ""
    return EventStep(index=index, summary=summary, verdict=outcome.kind, reason=reason)
