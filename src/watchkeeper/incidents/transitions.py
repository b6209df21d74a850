"""Moving an incident through its lifecycle; each move stops or pauses SLA clocks and
leaves a timeline entry. Callers own the transaction.

`acknowledge_loaded` and `resolve_loaded` make the move on an incident the caller has
already loaded (and locked), writing through a journal: the engine moves many incidents
in one batch that way, with one query to load them and one INSERT for their entries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeeper.core.priority import label
from watchkeeper.incidents import errors
from watchkeeper.incidents.lifecycle import Action, Status, next_status
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.record import IncidentState, Policy, schedule_sla, set_deadlines
from watchkeeper.incidents.schemas import CloseIn, ResolutionCode
from watchkeeper.incidents.service import get, load_policy
from watchkeeper.incidents.sla import ClockState, outcome
from watchkeeper.incidents.timeline import Actor, Journal, SessionJournal

DEFAULT_REOPEN_WINDOW = timedelta(days=7)


def acknowledge(session: Session, *, incident_id: int, actor: Actor, now: datetime) -> Incident:
    incident = get(session, incident_id=incident_id, lock=True)
    acknowledge_loaded(incident, actor=actor, now=now, journal=SessionJournal(session))
    return incident


def acknowledge_loaded(
    incident: IncidentState, *, actor: Actor, now: datetime, journal: Journal
) -> bool:
    """Acknowledge a loaded incident; False when it already was (nothing changes)."""
    if _move(incident, Action.ACKNOWLEDGE) is None:
        return False
    incident.acknowledged_at = now
    _stop_ack_clock(incident, now)
    _log(journal, incident, "acknowledged", f"{actor.name} acknowledged", actor, now)
    return True


def resolve(
    session: Session, *, incident_id: int, actor: Actor, now: datetime, note: str | None = None
) -> Incident:
    incident = get(session, incident_id=incident_id, lock=True)
    resolve_loaded(
        incident,
        actor=actor,
        now=now,
        note=note,
        rules=lambda: load_policy(session),
        journal=SessionJournal(session),
    )
    return incident


def resolve_loaded(
    incident: IncidentState,
    *,
    actor: Actor,
    now: datetime,
    rules: Callable[[], Policy],
    journal: Journal,
    note: str | None = None,
) -> bool:
    """Resolve a loaded incident; False when it already was. `rules` is asked for only
    when the deadlines must be computed again (resolved straight from hold)."""
    was = incident.status
    if _move(incident, Action.RESOLVE) is None:
        return False
    incident.resolved_at = now
    _stop_ack_clock(incident, now)  # resolving answers the page too
    if _end_pause(incident, now):  # resolved straight from hold: the hold does not count
        set_deadlines(incident, rules())
    if incident.sla_resolve == ClockState.PENDING:
        incident.sla_resolve = outcome(incident.resolve_due_at, now).value
    incident.paused_since = now  # the resolve clock rests while resolved
    summary = f"{actor.name} resolved it" + (f": {note}" if note else "")
    _log(journal, incident, "resolved", summary, actor, now, {"from": was})
    return True


def hold(
    session: Session, *, incident_id: int, actor: Actor, now: datetime, reason: str | None = None
) -> Incident:
    incident = get(session, incident_id=incident_id, lock=True)
    _move(incident, Action.HOLD)
    incident.paused_since = now
    summary = f"{actor.name} put it on hold" + (f": {reason}" if reason else "")
    _log(SessionJournal(session), incident, "on_hold", summary, actor, now)
    return incident


def resume(session: Session, *, incident_id: int, actor: Actor, now: datetime) -> Incident:
    incident = get(session, incident_id=incident_id, lock=True)
    _move(incident, Action.RESUME)
    held = _end_pause(incident, now)
    set_deadlines(incident, load_policy(session))
    summary = f"{actor.name} took it off hold after {_duration(held)}"
    _log(SessionJournal(session), incident, "resumed", summary, actor, now)
    return incident


def reopen(
    session: Session,
    *,
    incident_id: int,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    window: timedelta = DEFAULT_REOPEN_WINDOW,
) -> Incident:
    incident = get(session, incident_id=incident_id, lock=True)
    if (
        incident.status == Status.RESOLVED
        and incident.resolved_at is not None
        and now - incident.resolved_at > window
    ):
        raise errors.reopen_window_over(incident.id, window.days)
    _move(incident, Action.REOPEN)
    _end_pause(incident, now)
    if incident.sla_resolve == ClockState.MET:
        incident.sla_resolve = ClockState.PENDING.value  # not fixed after all: the clock runs on
    set_deadlines(incident, load_policy(session))
    incident.resolved_at = None
    incident.reopened_count += 1
    summary = f"{actor.name} reopened it" + (f": {reason}" if reason else "")
    _log(SessionJournal(session), incident, "reopened", summary, actor, now)
    return incident


def close(
    session: Session, *, incident_id: int, actor: Actor, now: datetime, data: CloseIn
) -> Incident:
    """Close a resolved incident for good; P1 and P2 need a resolution code and notes."""
    incident = get(session, incident_id=incident_id, lock=True)
    if incident.priority <= 2 and (not data.resolution_code or not data.resolution_notes.strip()):
        next_status(Status(incident.status), Action.CLOSE)  # a wrong state is the 409 to give
        raise errors.closing_needs_resolution(incident.priority)
    _move(incident, Action.CLOSE)
    close_as(incident, data, now)
    code = data.resolution_code.value if data.resolution_code else "none"
    summary = f"{actor.name} closed it ({code})"
    _log(
        SessionJournal(session), incident, "closed", summary, actor, now, {"resolution_code": code}
    )
    return incident


def close_as(incident: Incident, data: CloseIn, now: datetime) -> None:
    """Fill the closure fields; used by `close` and when merging a duplicate."""
    incident.status = Status.CLOSED.value
    incident.closed_at = now
    incident.paused_since = incident.paused_since or now
    incident.resolution_code = data.resolution_code.value if data.resolution_code else None
    incident.resolution_notes = data.resolution_notes
    incident.root_cause = data.root_cause
    schedule_sla(incident)


def close_as_duplicate(incident: Incident, survivor: int, now: datetime) -> None:
    if incident.resolved_at is None:
        incident.resolved_at = now
    _stop_ack_clock(incident, now)
    if incident.sla_resolve == ClockState.PENDING:
        incident.sla_resolve = outcome(incident.resolve_due_at, now).value
    notes = f"Duplicate of #{survivor}."
    close_as(
        incident, CloseIn(resolution_code=ResolutionCode.DUPLICATE, resolution_notes=notes), now
    )


def _move(incident: IncidentState, action: Action) -> Status | None:
    target = next_status(Status(incident.status), action)
    if target is not None:
        incident.status = target.value
    return target


def _stop_ack_clock(incident: IncidentState, now: datetime) -> None:
    if incident.sla_ack == ClockState.PENDING:
        incident.sla_ack = outcome(incident.ack_due_at, now).value


def _end_pause(incident: IncidentState, now: datetime) -> timedelta:
    """Add a finished pause to the resolve clock; returns how long it lasted."""
    if incident.paused_since is None:
        return timedelta(0)
    paused = now - incident.paused_since
    incident.paused_seconds += int(paused.total_seconds())
    incident.paused_since = None
    return paused


def _log(
    journal: Journal,
    incident: IncidentState,
    kind: str,
    summary: str,
    actor: Actor,
    now: datetime,
    data: dict[str, str] | None = None,
) -> None:
    incident.updated_at = now
    schedule_sla(incident)
    details = {"status": incident.status, "priority": label(incident.priority), **(data or {})}
    journal.add(incident, kind, summary, actor, now, details)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
