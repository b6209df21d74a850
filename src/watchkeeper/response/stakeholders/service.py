"""Use cases of stakeholders: add and remove them, rules that add them, templates, and
sending an update (recorded on the timeline; messages leave through the outbox).

Callers own the transaction."""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.users.models import User
from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.incidents import errors as incident_errors
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.pipeline.notify.channels.addresses import unusable
from watchkeeper.pipeline.notify.models import ContactMethod
from watchkeeper.response.outbox import service as outbox
from watchkeeper.response.stakeholders import errors
from watchkeeper.response.stakeholders.models import (
    Stakeholder,
    StakeholderRule,
    StakeholderTemplate,
    StakeholderUpdate,
)
from watchkeeper.response.stakeholders.schemas import (
    RuleIn,
    StakeholderOut,
    Target,
    TemplateIn,
    TemplatePatch,
    UpdateIn,
)

PLACEHOLDERS = ("number", "title", "status", "priority", "service", "impact", "commander")


def _get_incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise incident_errors.incident_not_found(incident_id)
    return incident


def _target(session: Session, data: Target) -> tuple[str, str, int | None, int | None]:
    given = [v for v in (data.user_id, data.team_id, data.email) if v is not None]
    if len(given) != 1:
        raise errors.invalid("user_id", "give one of user_id, team_id and email", "one of three")
    if data.user_id is not None:
        if session.get(User, data.user_id) is None:
            raise errors.invalid("user_id", f"no user {data.user_id}", "no such user")
        return "user", str(data.user_id), data.user_id, None
    if data.team_id is not None:
        if session.get(Team, data.team_id) is None:
            raise errors.invalid("team_id", f"no team {data.team_id}", "no such team")
        return "team", str(data.team_id), None, data.team_id
    assert data.email is not None
    address = data.email.lower()
    if reason := unusable("email", address):
        raise errors.invalid("email", reason, "not usable")
    return "email", address, None, None


def add(session: Session, *, incident_id: int, data: Target, now: datetime) -> Stakeholder:
    _get_incident(session, incident_id)
    kind, target, user_id, team_id = _target(session, data)
    row = Stakeholder(
        incident_id=incident_id,
        kind=kind,
        target=target,
        user_id=user_id,
        team_id=team_id,
        added_at=now,
    )
    add_unique(session, row, errors.already_there)
    session.flush()
    return row


def remove(session: Session, *, incident_id: int, stakeholder_id: int) -> None:
    row = session.get(Stakeholder, stakeholder_id)
    if row is None or row.incident_id != incident_id:
        raise errors.stakeholder_not_found(stakeholder_id)
    session.delete(row)
    session.flush()


def list_(session: Session, *, incident_id: int) -> list[StakeholderOut]:
    _get_incident(session, incident_id)
    rows = session.scalars(
        select(Stakeholder).where(Stakeholder.incident_id == incident_id).order_by(Stakeholder.id)
    ).all()
    names = _names(session, rows)
    return [
        StakeholderOut(
            id=row.id,
            kind=row.kind,
            user_id=row.user_id,
            team_id=row.team_id,
            email=row.target if row.kind == "email" else None,
            name=names.get((row.kind, row.target), row.target),
            rule_id=row.rule_id,
            added_at=row.added_at,
        )
        for row in rows
    ]


def _names(session: Session, rows: Sequence[Stakeholder]) -> dict[tuple[str, str], str]:
    users = [r.user_id for r in rows if r.user_id is not None]
    teams = [r.team_id for r in rows if r.team_id is not None]
    found: dict[tuple[str, str], str] = {}
    if users:
        for uid, name in session.execute(select(User.id, User.name).where(User.id.in_(users))):
            found[("user", str(uid))] = name
    if teams:
        for tid, name in session.execute(select(Team.id, Team.name).where(Team.id.in_(teams))):
            found[("team", str(tid))] = name
    return found


# -- rules -------------------------------------------------------------------------------


def add_rule(session: Session, *, data: RuleIn, now: datetime) -> StakeholderRule:
    kind, target, user_id, team_id = _target(session, data)
    row = StakeholderRule(
        max_priority=data.max_priority,
        kind=kind,
        target=target,
        user_id=user_id,
        team_id=team_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def list_rules(session: Session) -> Sequence[StakeholderRule]:
    return session.scalars(select(StakeholderRule).order_by(StakeholderRule.id)).all()


def remove_rule(session: Session, *, rule_id: int) -> None:
    row = session.get(StakeholderRule, rule_id)
    if row is None:
        raise errors.rule_not_found(rule_id)
    session.delete(row)
    session.flush()


# -- templates ---------------------------------------------------------------------------


def check_placeholders(field: str, text: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise errors.invalid(field, f"{exc}; write {{{{ and }}}} for braces", "bad braces") from exc
    if unknown := sorted(names - set(PLACEHOLDERS)):
        raise errors.invalid(
            field,
            f"unknown placeholders {', '.join(unknown)}; known: {', '.join(PLACEHOLDERS)}",
            "unknown placeholder",
        )


def create_template(session: Session, *, data: TemplateIn, now: datetime) -> StakeholderTemplate:
    check_placeholders("subject", data.subject)
    check_placeholders("body", data.body)
    row = StakeholderTemplate(**data.model_dump(), created_at=now, updated_at=now)
    add_unique(session, row, lambda: errors.template_taken(data.name))
    session.flush()
    return row


def get_template(session: Session, *, template_id: int) -> StakeholderTemplate:
    row = session.get(StakeholderTemplate, template_id)
    if row is None:
        raise errors.template_not_found(template_id)
    return row


def list_templates(session: Session) -> Sequence[StakeholderTemplate]:
    return session.scalars(select(StakeholderTemplate).order_by(StakeholderTemplate.name)).all()


def update_template(
    session: Session, *, template_id: int, data: TemplatePatch, now: datetime
) -> StakeholderTemplate:
    row = get_template(session, template_id=template_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for field in ("subject", "body"):
        if field in changes:
            check_placeholders(field, changes[field])
    update_unique(
        session, row, changes, now=now, taken=lambda: errors.template_taken(data.name or "")
    )
    return row


def delete_template(session: Session, *, template_id: int) -> None:
    session.delete(get_template(session, template_id=template_id))
    session.flush()


def fill(session: Session, text: str, incident: Incident) -> str:
    service = session.get(Service, incident.service_id)
    commander = session.get(User, incident.commander_id) if incident.commander_id else None
    values = {
        "number": f"#{incident.id}",
        "title": incident.title,
        "status": incident.status.replace("_", " "),
        "priority": f"P{incident.priority}",
        "service": service.name if service else "",
        "impact": incident.customer_impact or "",
        "commander": commander.name if commander else "nobody yet",
    }
    return text.format_map(values)


# -- updates -----------------------------------------------------------------------------


def send_update(
    session: Session, *, incident_id: int, data: UpdateIn, actor: Actor, now: datetime
) -> StakeholderUpdate:
    """Write the update to every stakeholder (users and team members through their
    verified contact methods, external addresses by email) and put it on the timeline."""
    incident = _get_incident(session, incident_id)
    subject, body = _text(session, incident, data)
    stakeholders = session.scalars(
        select(Stakeholder).where(Stakeholder.incident_id == incident_id)
    ).all()
    users = {s.user_id for s in stakeholders if s.user_id is not None}
    teams = [s.team_id for s in stakeholders if s.team_id is not None]
    if teams:
        users |= set(
            session.scalars(select(TeamMembership.user_id).where(TeamMembership.team_id.in_(teams)))
        )
    messages = contact_messages(
        session, users, purpose="stakeholder", subject=subject, text=body, incident_id=incident_id
    )
    messages += [
        outbox.Message(
            purpose="stakeholder",
            channel="email",
            address=s.target,
            subject=subject,
            text=body,
            incident_id=incident_id,
        )
        for s in stakeholders
        if s.kind == "email"
    ]
    outbox.enqueue(session, messages, now=now)
    update = StakeholderUpdate(
        incident_id=incident_id,
        subject=subject,
        body=body,
        recipients=len(messages),
        created_by_id=actor.user_id,
        sent_at=now,
    )
    session.add(update)
    record(
        session,
        incident_id=incident_id,
        kind="stakeholder_update",
        summary=f"Stakeholder update sent ({_messages(len(messages))}): {subject}",
        actor=actor,
        at=now,
        data={"subject": subject, "body": body, "recipients": len(messages)},
    )
    session.flush()
    return update


def _text(session: Session, incident: Incident, data: UpdateIn) -> tuple[str, str]:
    subject, body = data.subject, data.body
    if data.template_id is not None:
        template = get_template(session, template_id=data.template_id)
        subject = subject or fill(session, template.subject, incident)
        body = body or fill(session, template.body, incident)
    if not body:
        raise errors.invalid("body", "an update needs a body or a template_id", "required")
    return subject or f"Update on incident #{incident.id}: {incident.title}", body


def list_updates(session: Session, *, incident_id: int) -> Sequence[StakeholderUpdate]:
    _get_incident(session, incident_id)
    return session.scalars(
        select(StakeholderUpdate)
        .where(StakeholderUpdate.incident_id == incident_id)
        .order_by(StakeholderUpdate.sent_at.desc(), StakeholderUpdate.id.desc())
    ).all()


def contact_messages(
    session: Session,
    user_ids: Iterable[int],
    *,
    purpose: str,
    subject: str,
    text: str,
    incident_id: int,
) -> list[outbox.Message]:
    """One message per verified contact method of each user (addresses stay sealed)."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    methods = session.scalars(
        select(ContactMethod)
        .where(ContactMethod.user_id.in_(ids), ContactMethod.verified_at.is_not(None))
        .order_by(ContactMethod.id)
    ).all()
    return [
        outbox.Message(
            purpose=purpose,
            channel=method.kind,
            address=method.address,
            secret=method.secret,
            sealed=True,
            subject=subject,
            text=text,
            payload={"type": purpose, "incident_id": incident_id, "subject": subject, "text": text},
            incident_id=incident_id,
        )
        for method in methods
    ]


def _messages(count: int) -> str:
    return "1 message" if count == 1 else f"{count} messages"
