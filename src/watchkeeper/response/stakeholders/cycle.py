"""Engine step: rules add stakeholders to open incidents, and the communications lead
(or commander) is reminded once for each due time an update is late.

A fixed number of statements per run: the open incidents in scope (bounded), the rules,
their stakeholders already added, the last updates, the reminders already sent, the
contact methods, and the bulk inserts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.timeline import ENGINE
from watchkeeper.response.outbox import service as outbox
from watchkeeper.response.stakeholders import cadence
from watchkeeper.response.stakeholders.models import CadenceReminder, Stakeholder, StakeholderRule
from watchkeeper.response.stakeholders.service import contact_messages

BATCH = 500


def run_once(
    session: Session, now: datetime, *, minutes: Mapping[int, int], limit: int = BATCH
) -> int:
    rules = session.scalars(select(StakeholderRule)).all()
    widest = max([r.max_priority for r in rules] + [p for p, m in minutes.items() if m], default=0)
    if not widest:
        return 0
    incidents = session.scalars(
        select(Incident)
        .where(Incident.status.in_(cadence.OPEN), Incident.priority <= widest)
        .order_by(Incident.priority, Incident.id.desc())
        .limit(limit)
    ).all()
    if not incidents:
        return 0
    return _apply_rules(session, incidents, rules, now) + _remind(session, incidents, minutes, now)


def _apply_rules(
    session: Session,
    incidents: Sequence[Incident],
    rules: Sequence[StakeholderRule],
    now: datetime,
) -> int:
    if not rules:
        return 0
    ids = [i.id for i in incidents]
    present: set[tuple[int, str, str]] = {
        (incident_id, kind, target)
        for incident_id, kind, target in session.execute(
            select(Stakeholder.incident_id, Stakeholder.kind, Stakeholder.target).where(
                Stakeholder.incident_id.in_(ids)
            )
        )
    }
    rows = []
    for incident in incidents:
        for rule in rules:
            key = (incident.id, rule.kind, rule.target)
            if incident.priority <= rule.max_priority and key not in present:
                present.add(key)
                rows.append(
                    {
                        "incident_id": incident.id,
                        "kind": rule.kind,
                        "target": rule.target,
                        "user_id": rule.user_id,
                        "team_id": rule.team_id,
                        "rule_id": rule.id,
                        "added_at": now,
                    }
                )
    if rows:
        session.execute(insert(Stakeholder), rows)
    return len(rows)


def _remind(
    session: Session, incidents: Sequence[Incident], minutes: Mapping[int, int], now: datetime
) -> int:
    last = cadence.last_updates(session, [i.id for i in incidents])
    late = []
    for incident in incidents:
        found = cadence.due(
            priority=incident.priority,
            status=incident.status,
            opened_at=incident.created_at,
            last_update_at=last.get(incident.id),
            minutes=minutes,
        )
        if found is not None and found.at <= now:
            late.append((incident, found.at))
    if not late:
        return 0
    sent = set(
        session.execute(
            select(CadenceReminder.incident_id, CadenceReminder.due_at).where(
                tuple_(CadenceReminder.incident_id, CadenceReminder.due_at).in_(
                    [(i.id, at) for i, at in late]
                )
            )
        ).all()
    )
    late = [(i, at) for i, at in late if (i.id, at) not in sent]
    messages: list[outbox.Message] = []
    reminders, entries = [], []
    for incident, at in late:
        who = cadence.reminded(incident)
        subject = f"Stakeholder update due on incident #{incident.id}: {incident.title}"
        text = (
            f"The next stakeholder update on incident #{incident.id} ({incident.title}) was due "
            f"at {at:%H:%M} UTC. Write it from the incident page."
        )
        if who is not None:
            messages += contact_messages(
                session,
                [who],
                purpose="reminder",
                subject=subject,
                text=text,
                incident_id=incident.id,
            )
        reminders.append({"incident_id": incident.id, "due_at": at, "user_id": who, "sent_at": now})
        entries.append(
            {
                "incident_id": incident.id,
                "at": now,
                "actor_id": None,
                "actor": ENGINE.name,
                "kind": "stakeholder_reminder",
                "summary": "Stakeholder update due; reminded "
                + (
                    "the communications lead"
                    if incident.communications_lead_id
                    else "the commander"
                    if who
                    else "nobody (no lead or commander)"
                ),
                "data": {"due_at": at.isoformat(), "user_id": who},
                "starred": False,
            }
        )
    if reminders:
        session.execute(insert(CadenceReminder), reminders)
        session.execute(insert(TimelineEntry), entries)
        outbox.enqueue(session, messages, now=now)
    return len(reminders)


def _whom(incident: Incident, who: int | None) -> str:
    if who is None:
        return "nobody (no communications lead or commander)"
    return "the communications lead" if incident.communications_lead_id else "the commander"
