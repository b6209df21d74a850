"""Declaring, reading and editing incidents. Callers own the transaction.

State changes (acknowledge, resolve, ...) are in `transitions`; tasks in `tasks`; links
and merges in `links`. Every change here leaves a timeline entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.users.models import User
from watchkeeper.core.priority import derive, label, parse_label
from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents import errors
from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.models import Incident, IncidentCounter, TimelineEntry
from watchkeeper.incidents.policy import service as policy
from watchkeeper.incidents.record import Policy, new_incident, set_deadlines
from watchkeeper.incidents.schemas import IncidentCreate, IncidentUpdate, Source
from watchkeeper.incidents.timeline import Actor, Entries, record

COUNTER = "incident"
ROLE_FIELDS = {
    "commander_id": "commander",
    "communications_lead_id": "communications lead",
    "scribe_id": "scribe",
}
_PLAIN_FIELDS = ("title", "description", "tags", "customer_impact")


def load_policy(session: Session) -> Policy:
    return Policy(
        matrix=policy.matrix(session)[0],
        targets=policy.targets(session)[0],
        severities=policy.severities(session)[0],
    )


def next_number(session: Session) -> int:
    """The next incident number; concurrent creators queue on the counter row."""
    return reserve_numbers(session, 1)


def reserve_numbers(session: Session, count: int) -> int:
    """Reserve `count` consecutive numbers in one statement; returns the first of them."""
    bump = (
        sql_update(IncidentCounter)
        .where(IncidentCounter.name == COUNTER)
        .values(value=IncidentCounter.value + count)
        .returning(IncidentCounter.value)
        # Nothing in the session holds the counter: skip the ORM's bookkeeping.
        .execution_options(synchronize_session=False)
    )
    last = session.scalar(bump)
    if last is None:  # the very first incident: make the row, then bump it
        session.execute(
            insert_for(session, IncidentCounter)
            .values(name=COUNTER, value=0)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        last = session.scalar(bump)
    assert last is not None
    return int(last) - count + 1


def create(
    session: Session,
    *,
    data: IncidentCreate,
    actor: Actor,
    now: datetime,
    source: Source,
    rules: Policy | None = None,
) -> Incident:
    """Declare an incident: number it, prioritise it, start its SLA clocks. `rules` saves
    reading the policy again when many incidents are made in one go."""
    _check_service(session, data.service_id)
    _check_category(session, data.category_id)
    check_user(session, "assignee_id", data.assignee_id)
    rules = rules or load_policy(session)
    entries = Entries()
    row = new_incident(data, actor=actor, now=now, source=source, rules=rules, journal=entries)
    row.id = next_number(session)
    incident = Incident(**row.columns())
    session.add(incident)
    session.flush()
    entries.write(session)
    if data.priority is not None:
        derived = derive(data.impact, data.urgency, rules.matrix)
        _record_override(session, incident, derived, data.priority_reason or "", actor, now)
    return incident


def get(session: Session, *, incident_id: int, lock: bool = False) -> Incident:
    """An incident by id (= number); `lock` takes its row lock for a state change."""
    incident = session.get(Incident, incident_id, with_for_update=lock or None)
    if incident is None:
        raise errors.incident_not_found(incident_id)
    return incident


def editable(session: Session, *, incident_id: int) -> Incident:
    """An incident about to change: locked, and refused if it is closed (read-only)."""
    incident = get(session, incident_id=incident_id, lock=True)
    if incident.status == Status.CLOSED:
        raise errors.read_only(incident.id)
    return incident


def update(
    session: Session, *, incident_id: int, data: IncidentUpdate, actor: Actor, now: datetime
) -> Incident:
    """Change fields; each change is a timeline entry. Priority follows the matrix unless
    a person overrode it, and an override survives later changes of impact or urgency."""
    incident = editable(session, incident_id=incident_id)
    changes = data.model_dump(exclude_unset=True)
    reason = changes.pop("priority_reason", None)
    for name in _PLAIN_FIELDS:
        if name in changes:
            _set_field(session, incident, name, changes[name], actor, now)
    if "service_id" in changes:
        _check_service(session, changes["service_id"])
        _set_field(session, incident, "service_id", changes["service_id"], actor, now)
    if "category_id" in changes:
        _check_category(session, changes["category_id"])
        _set_field(session, incident, "category_id", changes["category_id"], actor, now)
    for name in ("assignee_id", *ROLE_FIELDS):
        if name in changes:
            _set_person(session, incident, name, changes[name], actor, now)
    _update_priority(session, incident, changes, reason, actor, now)
    incident.updated_at = now
    session.flush()
    return incident


def add_note(
    session: Session, *, incident_id: int, text: str, actor: Actor, now: datetime
) -> TimelineEntry:
    incident = editable(session, incident_id=incident_id)
    entry = record(session, incident_id=incident.id, kind="note", summary=text, actor=actor, at=now)
    incident.updated_at = now
    session.flush()
    return entry


def _update_priority(
    session: Session,
    incident: Incident,
    changes: dict[str, Any],
    reason: str | None,
    actor: Actor,
    now: datetime,
) -> None:
    if not {"impact", "urgency", "priority"} & changes.keys():
        return
    incident.priority_basis = ""  # a person chose now: the timeline says what and why
    rules = load_policy(session)
    before = incident.priority
    for name in ("impact", "urgency"):
        if name in changes:
            _set_field(session, incident, name, changes[name], actor, now)
    derived = derive(incident.impact, incident.urgency, rules.matrix)
    if "priority" in changes and changes["priority"] is not None:
        if not reason:
            raise errors.override_needs_reason()
        incident.priority = parse_label(changes["priority"])
        incident.priority_overridden = True
        _record_override(session, incident, derived, reason, actor, now)
    elif "priority" in changes:
        incident.priority_overridden = False
        incident.priority = derived
        record(
            session,
            incident_id=incident.id,
            kind="priority",
            summary=f"{actor.name} removed the priority override; the matrix gives "
            f"{label(derived)}" + (f" ({reason})" if reason else ""),
            actor=actor,
            at=now,
            data={"from": label(before), "to": label(derived), "override": False},
        )
    elif not incident.priority_overridden and derived != before:
        incident.priority = derived
        record(
            session,
            incident_id=incident.id,
            kind="priority",
            summary=f"priority {label(before)} -> {label(derived)} "
            f"(impact {incident.impact}, urgency {incident.urgency})",
            actor=actor,
            at=now,
            data={"from": label(before), "to": label(derived), "override": False},
        )
    if incident.priority != before:
        set_deadlines(incident, rules)


def _record_override(
    session: Session, incident: Incident, derived: int, reason: str, actor: Actor, now: datetime
) -> None:
    record(
        session,
        incident_id=incident.id,
        kind="priority_override",
        summary=f"{actor.name} set the priority to {label(incident.priority)} "
        f"(the matrix gives {label(derived)}): {reason}",
        actor=actor,
        at=now,
        data={"to": label(incident.priority), "matrix": label(derived), "reason": reason},
    )


def _set_field(
    session: Session, incident: Incident, name: str, value: Any, actor: Actor, now: datetime
) -> None:
    before = getattr(incident, name)
    if name == "tags":
        value = sorted(set(value))
    if before == value:
        return
    setattr(incident, name, value)
    shown = name.replace("_id", "").replace("_", " ")
    summary = f"{actor.name} changed the {shown}"
    if name not in ("description", "customer_impact"):
        summary += f" from {before!r} to {value!r}"
    record(
        session,
        incident_id=incident.id,
        kind="field",
        summary=summary,
        actor=actor,
        at=now,
        data={"field": name, "from": before, "to": value},
    )


def _set_person(
    session: Session,
    incident: Incident,
    name: str,
    user_id: int | None,
    actor: Actor,
    now: datetime,
) -> None:
    if getattr(incident, name) == user_id:
        return
    login = check_user(session, name, user_id)
    setattr(incident, name, user_id)
    role = ROLE_FIELDS.get(name)
    if role is None:
        summary = f"{actor.name} assigned it to {login}" if login else f"{actor.name} unassigned it"
        kind = "assign"
    else:
        summary = (
            f"{actor.name} made {login} {role}" if login else f"{actor.name} cleared the {role}"
        )
        kind = "role"
    record(
        session,
        incident_id=incident.id,
        kind=kind,
        summary=summary,
        actor=actor,
        at=now,
        data={"field": name, "user_id": user_id},
    )


def _check_service(session: Session, service_id: int) -> None:
    if session.get(Service, service_id) is None:
        raise errors.unknown_reference("service_id", "service", service_id)


def _check_category(session: Session, category_id: int | None) -> None:
    if category_id is not None and session.get(Category, category_id) is None:
        raise errors.unknown_reference("category_id", "category", category_id)


def check_user(session: Session, field: str, user_id: int | None) -> str | None:
    """The login of an active user, for a person field; None clears the field."""
    if user_id is None:
        return None
    login = session.scalar(select(User.login).where(User.id == user_id, User.is_active.is_(True)))
    if login is None:
        raise errors.unknown_reference(field, "active user", user_id)
    return login
