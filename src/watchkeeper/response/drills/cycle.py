"""Engine entry: fire scheduled drills, find the incident each drill event became, record
who was paged and when it was acknowledged, and report drills nobody acknowledged in time
to their creator.

A run reads open drill runs, their alerts, incidents, pages and acknowledgements with one
query each. An acknowledged drill's incident is then resolved (the test is over), and its
alert through the intake, as the monitoring tool would once the problem is gone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.incidents import transitions
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.timeline import Actor
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.pipeline.ingest.events import Action
from watchkeeper.response import notices
from watchkeeper.response.cron import next_fire
from watchkeeper.response.drills import service
from watchkeeper.response.drills.models import Drill, DrillRun

BATCH = 200
DRILL = Actor(None, "drill")


def run_once(session: Session, now: datetime) -> int:
    return _scheduled(session, now) + _follow(session, now)


def _scheduled(session: Session, now: datetime) -> int:
    due = session.scalars(
        select(Drill).where(Drill.next_at.is_not(None), Drill.next_at <= now).limit(BATCH)
    ).all()
    for drill in due:
        assert drill.cron is not None
        service.fire(session, drill=drill, user_id=None, now=now)
        drill.next_at = next_fire(drill.cron, drill.zone, now)
    return len(due)


def _follow(session: Session, now: datetime) -> int:
    runs = session.scalars(
        select(DrillRun).where(DrillRun.status == "fired").order_by(DrillRun.id).limit(BATCH)
    ).all()
    if not runs:
        return 0
    changed = _link(session, runs)
    incident_ids = [run.incident_id for run in runs if run.incident_id is not None]
    incidents = {
        row.id: row
        for row in session.execute(
            select(
                Incident.id, Incident.status, Incident.acknowledged_at, Incident.resolved_at
            ).where(Incident.id.in_(incident_ids))
        )
    }
    paged = _paged(session, incident_ids)
    ackers = dict(
        session.execute(
            select(TimelineEntry.incident_id, TimelineEntry.actor)
            .where(
                TimelineEntry.incident_id.in_(incident_ids),
                TimelineEntry.kind == "acknowledged",
            )
            .order_by(TimelineEntry.id.desc())
        ).all()
    )
    drills = {
        drill.id: drill
        for drill in session.scalars(select(Drill).where(Drill.id.in_({r.drill_id for r in runs})))
    }
    reports = []
    for run in runs:
        incident = incidents.get(run.incident_id) if run.incident_id is not None else None
        seen = paged.get(run.incident_id, []) if run.incident_id is not None else []
        if seen != run.paged:
            run.paged = seen
            changed += 1
        # Resolving straight away answers the page too.
        answered = incident and (incident.acknowledged_at or incident.resolved_at)
        if incident is not None and answered:
            run.status = "acknowledged"
            changed += 1
            run.acknowledged_at = answered
            run.acknowledged_by = ackers.get(incident.id)
            run.ack_seconds = int((answered - run.fired_at).total_seconds())
            if incident.status not in ("resolved", "closed"):
                note = (
                    f"drill answered by {run.acknowledged_by or 'someone'} in {run.ack_seconds} s"
                )
                transitions.resolve(
                    session, incident_id=incident.id, actor=DRILL, now=now, note=note
                )
            service.send(
                session,
                drill=drills[run.drill_id],
                key=run.dedup_key,
                action=Action.RESOLVE,
                now=now,
            )
        elif now >= run.deadline_at:
            run.status = "unanswered"
            changed += 1
            run.reported_at = now
            reports.append(_report(run, drills[run.drill_id]))
    notices.queue(session, [report for report in reports if report is not None], now)
    return changed


def _link(session: Session, runs: Sequence[DrillRun]) -> int:
    """The incident each drill's event became, once correlation has made it."""
    waiting = {run.dedup_key: run for run in runs if run.incident_id is None}
    if not waiting:
        return 0
    linked = 0
    for fingerprint, incident_id in session.execute(
        select(Alert.fingerprint, Alert.incident_id).where(
            Alert.fingerprint.in_(list(waiting)), Alert.incident_id.is_not(None)
        )
    ):
        waiting[fingerprint].incident_id = incident_id
        linked += 1
    return linked


def _paged(session: Session, incident_ids: list[int]) -> dict[int, list[dict[str, object]]]:
    found: dict[int, list[dict[str, object]]] = defaultdict(list)
    for incident_id, user_id, login, at in session.execute(
        select(Page.incident_id, Page.user_id, User.login, Page.created_at)
        .join(User, User.id == Page.user_id)
        .where(Page.incident_id.in_(incident_ids))
        .order_by(Page.id)
    ):
        found[incident_id].append({"user_id": user_id, "login": login, "at": at.isoformat()})
    return found


def _report(run: DrillRun, drill: Drill) -> notices.Reminder | None:
    owner = drill.created_by_id or run.fired_by_id
    if owner is None:
        return None
    who = ", ".join(str(p["login"]) for p in run.paged) or "nobody"
    return notices.Reminder(
        key=f"drill-unanswered:{run.id}",
        user_id=owner,
        subject=f"[Watchkeeper] [DRILL] {drill.name}: nobody acknowledged it in time",
        body=(
            f"The drill {drill.name!r} fired at {run.fired_at:%Y-%m-%d %H:%M} UTC and was not "
            f"acknowledged within {drill.ack_limit_minutes} min. Paged: {who}."
        ),
        incident_id=run.incident_id,
    )
