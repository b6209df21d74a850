"""Engine entry: keep each component's effective status (and its status history) in step
with open incidents, public incidents, maintenance and hand-set statuses.

Set-based: a handful of reads for every component at once, pure decisions, and a bounded
number of writes (one per kind of change), however many components change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, insert, select, true, update
from sqlalchemy.orm import Session

from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident
from watchkeeper.response.drills.queries import not_a_drill
from watchkeeper.response.statuspage.models import (
    Component,
    ComponentService,
    PublicIncident,
    StatusPage,
    StatusPeriod,
)
from watchkeeper.response.statuspage.status import effective

FINISHED = ("resolved", "completed")


_STAGES = {"scheduled": 0, "in_progress": 1, "completed": 2}


def maintenance_state(
    now: datetime, starts: datetime | None, ends: datetime | None, current: str = "scheduled"
) -> str:
    """Where a scheduled maintenance stands at `now`, from its times; never behind what a
    person already said (started early, finished early)."""
    if ends is not None and now >= ends:
        found = "completed"
    elif starts is not None and now >= starts:
        found = "in_progress"
    else:
        found = "scheduled"
    return max(found, current, key=lambda state: _STAGES.get(state, 0))


def run_once(session: Session, now: datetime) -> int:
    return refresh(session, now)


def refresh(session: Session, now: datetime, *, page_ids: Sequence[int] | None = None) -> int:
    """Bring components' statuses up to date; returns how many rows changed."""
    page_filter: ColumnElement[bool] = (
        Component.page_id.in_(list(page_ids)) if page_ids is not None else true()
    )
    components = session.execute(
        select(Component.id, Component.page_id, Component.status, Component.manual_status).where(
            page_filter
        )
    ).all()
    if not components:
        return 0
    page_stmt = select(StatusPage.id, StatusPage.priority_status)
    if page_ids is not None:
        page_stmt = page_stmt.where(StatusPage.id.in_(list(page_ids)))
    pages = {row.id: row.priority_status for row in session.execute(page_stmt)}
    priorities: dict[int, set[int]] = defaultdict(set)
    for component_id, priority in session.execute(
        select(ComponentService.component_id, Incident.priority)
        .join(Incident, Incident.service_id == ComponentService.service_id)
        .join(Component, Component.id == ComponentService.component_id)
        .where(Incident.status.in_(list(OPEN)), not_a_drill(), page_filter)
        .distinct()
    ):
        priorities[component_id].add(priority)
    declared, maintained, moved = _public(session, now, page_ids)
    changed = []
    for row in components:
        wanted = effective(
            manual=row.manual_status,
            priorities=priorities.get(row.id, ()),
            priority_status=pages.get(row.page_id) or {},
            declared=declared.get(row.id, ()),
            in_maintenance=row.id in maintained,
        )
        if wanted != row.status:
            changed.append((row.id, str(wanted)))
    _write(session, now, changed)
    return len(changed) + moved


def _public(
    session: Session, now: datetime, page_ids: Sequence[int] | None
) -> tuple[dict[int, list[str]], set[int], int]:
    """What unresolved published public incidents declare, which components are in
    maintenance now, and how many maintenances moved to a new state (written here)."""
    stmt = select(
        PublicIncident.id,
        PublicIncident.kind,
        PublicIncident.state,
        PublicIncident.affected,
        PublicIncident.scheduled_for,
        PublicIncident.scheduled_until,
    ).where(PublicIncident.published_at.is_not(None), PublicIncident.state.not_in(FINISHED))
    if page_ids is not None:
        stmt = stmt.where(PublicIncident.page_id.in_(list(page_ids)))
    declared: dict[int, list[str]] = defaultdict(list)
    maintained: set[int] = set()
    moves: dict[str, list[int]] = defaultdict(list)
    for row in session.execute(stmt):
        if row.kind == "maintenance":
            state = maintenance_state(now, row.scheduled_for, row.scheduled_until, row.state)
            if state != row.state:
                moves[state].append(row.id)
            if state == "in_progress":
                maintained.update(int(key) for key in row.affected)
        else:
            for key, status in row.affected.items():
                declared[int(key)].append(status)
    for state, ids in moves.items():
        values: dict[str, object] = {"state": state, "updated_at": now}
        if state == "completed":
            values["resolved_at"] = now
        session.execute(update(PublicIncident).where(PublicIncident.id.in_(ids)).values(values))
    return declared, maintained, sum(len(ids) for ids in moves.values())


def _write(session: Session, now: datetime, changed: list[tuple[int, str]]) -> None:
    if not changed:
        return
    ids = [component_id for component_id, _ in changed]
    table = Component.table()
    session.execute(
        update(table)
        .where(table.c.id == bindparam("cid"))
        .values(status=bindparam("new_status"), updated_at=now),
        [{"cid": cid, "new_status": status} for cid, status in changed],
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(StatusPeriod)
        .where(and_(StatusPeriod.component_id.in_(ids), StatusPeriod.ended_at.is_(None)))
        .values(ended_at=now)
    )
    session.execute(
        insert(StatusPeriod),
        [
            {"component_id": cid, "status": status, "started_at": now, "ended_at": None}
            for cid, status in changed
        ],
    )
    session.expire_all()
