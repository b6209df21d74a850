"""The read side of action items: filtered lists (mine, a team's, overdue), counts per
postmortem, CSV rows. Every list goes through one of the table's indexes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.core.priority import label
from watchkeeper.response.actions.models import ActionItem
from watchkeeper.response.actions.schemas import OPEN, ActionItemOut, Status

LIMIT = 500
CSV_COLUMNS = [
    "id",
    "title",
    "status",
    "priority",
    "owner",
    "team_id",
    "due_on",
    "overdue",
    "incident_id",
    "postmortem_id",
    "problem_id",
    "external_url",
    "created_at",
    "done_at",
    "wont_do_reason",
]


@dataclass(frozen=True)
class ActionFilter:
    owner_id: int | None = None
    team_id: int | None = None
    status: Sequence[Status] = field(default_factory=tuple)
    overdue: bool = False
    postmortem_id: int | None = None
    incident_id: int | None = None
    problem_id: int | None = None


def _filtered(where: ActionFilter, today: date) -> Select[ActionItem, str]:
    stmt = select(ActionItem, User.login).join(User, User.id == ActionItem.owner_id)
    if where.owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == where.owner_id)
    if where.team_id is not None:
        stmt = stmt.where(ActionItem.team_id == where.team_id)
    statuses = [s.value for s in (where.status or ())]
    if where.overdue:
        statuses = [s.value for s in OPEN if not statuses or s.value in statuses]
        stmt = stmt.where(ActionItem.due_on < today)
    if statuses:
        stmt = stmt.where(ActionItem.status.in_(statuses))
    for column, value in (
        (ActionItem.postmortem_id, where.postmortem_id),
        (ActionItem.incident_id, where.incident_id),
        (ActionItem.problem_id, where.problem_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt.order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)


def list_(session: Session, *, where: ActionFilter, today: date) -> list[ActionItemOut]:
    rows = session.execute(_filtered(where, today).limit(LIMIT)).all()
    return [out(item, login, today) for item, login in rows]


def out(item: ActionItem, owner: str, today: date) -> ActionItemOut:
    return ActionItemOut(
        id=item.id,
        title=item.title,
        description=item.description,
        owner_id=item.owner_id,
        owner=owner,
        team_id=item.team_id,
        due_on=item.due_on,
        priority=label(item.priority),
        status=Status(item.status),
        wont_do_reason=item.wont_do_reason,
        external_url=item.external_url,
        postmortem_id=item.postmortem_id,
        incident_id=item.incident_id,
        problem_id=item.problem_id,
        overdue=is_overdue(item, today),
        created_at=item.created_at,
        updated_at=item.updated_at,
        done_at=item.done_at,
    )


def is_overdue(item: ActionItem, today: date) -> bool:
    return item.status in OPEN and item.due_on is not None and item.due_on < today


def one(session: Session, item: ActionItem, today: date) -> ActionItemOut:
    owner = session.scalar(select(User.login).where(User.id == item.owner_id)) or ""
    return out(item, owner, today)


def csv_rows(session: Session, *, where: ActionFilter, today: date) -> Iterator[list[object]]:
    for item, login in session.execute(_filtered(where, today)):
        yield [
            item.id,
            item.title,
            item.status,
            label(item.priority),
            login,
            item.team_id,
            item.due_on.isoformat() if item.due_on else "",
            "yes" if is_overdue(item, today) else "no",
            item.incident_id,
            item.postmortem_id,
            item.problem_id,
            item.external_url or "",
            _iso(item.created_at),
            _iso(item.done_at),
            item.wont_do_reason,
        ]


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class OpenCount:
    open: int
    overdue: int


def open_by_postmortem(
    session: Session, postmortem_ids: Sequence[int], today: date
) -> dict[int, OpenCount]:
    """Open and overdue items of each postmortem, in one grouped query."""
    if not postmortem_ids:
        return {}
    overdue = func.sum(case((ActionItem.due_on < today, 1), else_=0))
    rows = session.execute(
        select(ActionItem.postmortem_id, func.count(), overdue)
        .where(
            ActionItem.postmortem_id.in_(sorted(set(postmortem_ids))),
            ActionItem.status.in_([s.value for s in OPEN]),
        )
        .group_by(ActionItem.postmortem_id)
    ).all()
    return {pm: OpenCount(int(count), int(late or 0)) for pm, count, late in rows if pm is not None}
