"""What every importer shares: the imported set-up, its plan, its apply, the shift check.

An importer turns a vendor's saved responses into an `Imported`: a configuration
document (users, teams, escalation policies, services: applied by `config.service`),
plus what the document does not hold yet (schedules with layers and overrides, and the
integrations to create), the vendor's own rendering of each schedule's next shifts, and
warnings naming what cannot come over. The plan says what will be created or skipped
and why; the apply does it all in the caller's transaction, remembering each vendor id
(`ImportLink`) so a second run skips what the first brought.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.config import plan as planning
from watchkeeper.config import queries, service
from watchkeeper.config.importers.models import ImportLink
from watchkeeper.config.schemas import ConfigFile
from watchkeeper.oncall.schedules import resolver
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.oncall.schedules.schemas import LayerCreate, OverrideCreate, ScheduleCreate
from watchkeeper.oncall.schedules.wallclock import Window
from watchkeeper.pipeline.ingest import integrations

CHECK_DAYS = 28
_STALE = "not checked: the saved rendering ends before now; save the responses again"


@dataclass
class LayerDraft:
    """A layer with participants as logins (they may not exist yet)."""

    name: str
    participants: list[str]
    fields: dict[str, Any]  # the rest of LayerCreate: rotation, start, handoff, restrictions


@dataclass
class ScheduleDraft:
    source_id: str
    name: str
    time_zone: str
    description: str = ""
    team: str | None = None
    layers: list[LayerDraft] = field(default_factory=list)
    overrides: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    vendor_shifts: list[tuple[str, datetime, datetime]] | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class IntegrationDraft:
    source_id: str
    service: str
    type_: str
    name: str


@dataclass
class Imported:
    source: str
    document: dict[str, Any]
    schedules: list[ScheduleDraft] = field(default_factory=list)
    integrations: list[IntegrationDraft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Check:
    schedule: str
    equal: bool
    detail: str


@dataclass
class ImportPlan:
    config: planning.Plan
    schedules: list[tuple[str, str, str]]  # name, create|skip, why
    integrations: list[tuple[str, str, str]]
    warnings: list[str]
    errors: list[str]
    checks: list[Check] = field(default_factory=list)
    source: str = ""
    keys: list[tuple[str, str, str, str]] = field(default_factory=list)  # service, name, type, key


def plan(session: Session, imported: Imported, *, now: datetime) -> ImportPlan:
    existing = frozenset(session.scalars(select(Schedule.name)))
    drafts = {draft.name for draft in imported.schedules}
    document = ConfigFile.model_validate(imported.document)
    config = planning.make(queries.current(session), document, schedules=existing | drafts)
    errors = [f"{p.path[0]} {_name(imported, p.path)}: {p.message}" for p in config.problems]
    schedule_steps = []
    for draft in imported.schedules:
        errors.extend(f"schedule {draft.name!r}: {problem}" for problem in draft.problems)
        if _linked(session, imported.source, "schedule", draft.source_id, Schedule) is not None:
            schedule_steps.append((draft.name, "skip", "imported before"))
        elif draft.name in existing:
            schedule_steps.append((draft.name, "skip", "a schedule with this name exists"))
        else:
            schedule_steps.append((draft.name, "create", f"{len(draft.layers)} layers"))
    integration_steps = []
    for item in imported.integrations:
        if _linked(session, imported.source, "integration", item.source_id, None) is not None:
            integration_steps.append((item.name, "skip", "imported before"))
        else:
            integration_steps.append((item.name, "create", f"{item.type_} on {item.service}"))
    result = ImportPlan(
        config, schedule_steps, integration_steps, imported.warnings, errors, source=imported.source
    )
    result.checks = [pure_check(draft, now) for draft in imported.schedules if not draft.problems]
    return result


def apply(session: Session, imported: Imported, *, now: datetime, base_url: str) -> ImportPlan:
    """Everything in the caller's transaction; `ValueError` (nothing written) on errors."""
    made = plan(session, imported, now=now)
    if made.errors:
        raise ValueError("; ".join(made.errors))
    first = {k: v for k, v in imported.document.items() if k in ("version", "users", "teams")}
    service.apply(session, document=ConfigFile.model_validate(first), now=now)
    created = {name for name, step, _ in made.schedules if step == "create"}
    for draft in imported.schedules:
        if draft.name in created:
            _create_schedule(session, imported.source, draft, now)
    rest = {k: v for k, v in imported.document.items() if k not in ("users", "teams")}
    service.apply(session, document=ConfigFile.model_validate(rest), now=now)
    fresh = {name for name, step, _ in made.integrations if step == "create"}
    for item in imported.integrations:
        if item.name in fresh:
            made.keys.append(_create_integration(session, imported.source, item, now, base_url))
    made.checks = [
        stored_check(session, imported.source, draft, now)
        for draft in imported.schedules
        if draft.vendor_shifts is not None
    ]
    return made


def _name(imported: Imported, path: tuple[str | int, ...]) -> str:
    try:
        item = imported.document[str(path[0])][int(path[1])]
    except (KeyError, IndexError, ValueError, TypeError):
        return ""
    return repr(item.get("name") or item.get("login") or "")


def _linked(session: Session, source: str, kind: str, source_id: str, model: Any) -> int | None:
    link = session.scalar(
        select(ImportLink.local_id).where(
            ImportLink.source == source, ImportLink.kind == kind, ImportLink.source_id == source_id
        )
    )
    if link is None or (model is not None and session.get(model, link) is None):
        return None
    return int(link)


def _link(
    session: Session, source: str, kind: str, source_id: str, local_id: int, now: datetime
) -> None:
    session.add(
        ImportLink(source=source, kind=kind, source_id=source_id, local_id=local_id, created_at=now)
    )
    session.flush()


def _user_ids(session: Session) -> dict[str, int]:
    return {login: id_ for id_, login in session.execute(select(User.id, User.login)).all()}


def _create_schedule(session: Session, source: str, draft: ScheduleDraft, now: datetime) -> None:
    team_id = session.scalar(select(Team.id).where(Team.name == draft.team)) if draft.team else None
    schedule = schedules.create(
        session,
        data=ScheduleCreate(
            name=draft.name,
            description=draft.description,
            owner_team_id=team_id,
            time_zone=draft.time_zone,
        ),
        now=now,
    )
    ids = _user_ids(session)
    for position, layer in enumerate(draft.layers):
        data = LayerCreate.model_validate(
            {
                **layer.fields,
                "name": layer.name,
                "position": position,
                "participants": [ids[login] for login in layer.participants],
            }
        )
        schedules.add_layer(session, schedule_id=schedule.id, data=data, now=now)
    for login, starts_at, ends_at in draft.overrides:
        if ends_at > now:
            override = OverrideCreate(user_id=ids[login], starts_at=starts_at, ends_at=ends_at)
            schedules.add_override(session, schedule_id=schedule.id, data=override, now=now)
    _link(session, source, "schedule", draft.source_id, schedule.id, now)


def _create_integration(
    session: Session, source: str, item: IntegrationDraft, now: datetime, base_url: str
) -> tuple[str, str, str, str]:
    service_id = session.scalar(select(Service.id).where(Service.name == item.service))
    assert service_id is not None
    integration, key = integrations.create(
        session, service_id=service_id, type_=item.type_, name=item.name[:100], now=now
    )
    _link(session, source, "integration", item.source_id, integration.id, now)
    return item.service, item.name, item.type_, key


def _spec(draft: ScheduleDraft, logins: list[str]) -> resolver.ScheduleSpec:
    """The resolver's view of a draft; users are numbered by their place in `logins`."""
    number = {login: index for index, login in enumerate(logins)}
    layers = []
    for position, layer in enumerate(draft.layers):
        data = LayerCreate.model_validate(
            {**layer.fields, "name": layer.name, "participants": [1] * len(layer.participants)}
        )
        windows = tuple(
            Window(frozenset(r.days), time.fromisoformat(r.start), time.fromisoformat(r.end))
            for r in data.restrictions
        )
        layers.append(
            resolver.LayerSpec(
                id=position + 1,
                position=position,
                participants=tuple(number[login] for login in layer.participants),
                rotation=data.rotation,
                start=data.start,
                handoff=time.fromisoformat(data.handoff_time),
                length=data.rotation_length,
                end=data.end,
                restrictions=windows,
            )
        )
    overrides = tuple(
        resolver.OverrideSpec(index + 1, number[login], start, end)
        for index, (login, start, end) in enumerate(draft.overrides)
    )
    return resolver.ScheduleSpec(draft.time_zone, tuple(layers), overrides)


def pure_check(draft: ScheduleDraft, now: datetime) -> Check:
    """Before anything is stored: the draft's next 4 weeks against the vendor's."""
    if draft.vendor_shifts is None:
        return Check(draft.name, False, "no saved rendering to compare with")
    span = window(draft, now)
    if span is None:
        return Check(draft.name, False, _STALE)
    logins = sorted(
        {p for layer in draft.layers for p in layer.participants}
        | {login for login, _, _ in draft.overrides}
    )
    found = resolver.continuous(resolver.shifts(_spec(draft, logins), *span))
    ours = [(logins[s.user_id], s.start, s.end) for s in found]
    return _compare(draft, ours, *span)


def stored_check(session: Session, source: str, draft: ScheduleDraft, now: datetime) -> Check:
    """After the apply: what Watchkeeper stored, resolved, against the vendor's."""
    schedule_id = _linked(session, source, "schedule", draft.source_id, Schedule)
    if schedule_id is None:
        return Check(draft.name, False, "not imported")
    span = window(draft, now)
    if span is None:
        return Check(draft.name, False, _STALE)
    logins = {id_: login for login, id_ in _user_ids(session).items()}
    found = schedules.stretches(session, schedule_id=schedule_id, start=span[0], end=span[1])
    ours = [(logins[s.user_id], s.start, s.end) for s in found]
    return _compare(draft, ours, *span)


def window(draft: ScheduleDraft, now: datetime) -> tuple[datetime, datetime] | None:
    """The 4 weeks to compare: from now, within what the saved rendering covers (it was
    rendered when the responses were saved); None when it ends before now."""
    shifts = draft.vendor_shifts or []
    if not shifts:
        return None
    first = min(start for _, start, _ in shifts)
    last = max(end for _, _, end in shifts)
    start = max(now, first)
    end = min(start + timedelta(days=CHECK_DAYS), last)
    return (start, end) if start < end else None


def _compare(
    draft: ScheduleDraft, ours: list[tuple[str, datetime, datetime]], start: datetime, end: datetime
) -> Check:
    theirs = _joined(draft.vendor_shifts or [], start, end)
    mine = _joined(ours, start, end)
    if theirs == mine:
        days = round((end - start).total_seconds() / 86400)
        return Check(draft.name, True, f"{len(mine)} shifts in the next {days} days match")
    for one, other in zip(mine + [None] * len(theirs), theirs + [None] * len(mine), strict=False):
        if one != other:
            return Check(
                draft.name, False, f"first difference: ours {_shown(one)}, theirs {_shown(other)}"
            )
    return Check(draft.name, False, "the shifts differ")


def _joined(
    shifts: list[tuple[str, datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[str, datetime, datetime]]:
    """Clipped to [start, end), adjacent shifts of one person joined."""
    result: list[tuple[str, datetime, datetime]] = []
    for login, begin, finish in sorted(shifts, key=lambda s: (s[1], s[0])):
        begin, finish = max(begin, start), min(finish, end)
        if begin >= finish:
            continue
        if result and result[-1][0] == login and result[-1][2] >= begin:
            result[-1] = (login, result[-1][1], max(finish, result[-1][2]))
        else:
            result.append((login, begin, finish))
    return result


def _shown(shift: tuple[str, datetime, datetime] | None) -> str:
    if shift is None:
        return "nothing"
    return f"{shift[0]} {shift[1].isoformat()} - {shift[2].isoformat()}"
