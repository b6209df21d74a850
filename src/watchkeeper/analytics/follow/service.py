"""Build the follow-through report: are postmortems written, and their actions done?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeeper.analytics.follow import figures, queries
from watchkeeper.analytics.follow.schemas import (
    ActionFigures,
    FollowReport,
    OverdueItemOut,
    OwedOut,
    PostmortemFigures,
)
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.core.priority import label

LIST = 100


def report(
    session: Session,
    *,
    window: ReportRange,
    now: datetime,
    priorities: Collection[int],
    business_days: int,
    service_id: int | None = None,
) -> FollowReport:
    owed = queries.owed(
        session,
        window=window,
        priorities=priorities,
        business_days=business_days,
        service_id=service_id,
    )
    items = queries.items(session, window, service_id)
    by_team: dict[str, list[queries.Item]] = defaultdict(list)
    for item in items:
        by_team[item.team].append(item)
    return FollowReport(
        start=window.start,
        end=window.end,
        postmortems=PostmortemFigures.model_validate(
            figures.postmortems([o.row for o in owed], now)
            | {"published_in_range": queries.published_in_range(session, window, service_id)}
        ),
        owed=_owed(owed, now),
        actions=_actions("all", "all", items, now),
        actions_by_team=[
            _actions(team, team, group, now) for team, group in sorted(by_team.items())
        ],
        overdue_items=_overdue(items, now),
    )


def _actions(key: str, name: str, items: Sequence[queries.Item], now: datetime) -> ActionFigures:
    return ActionFigures.model_validate(
        {"key": key, "label": name} | figures.actions([i.row for i in items], now)
    )


def _owed(owed: Sequence[queries.Owed], now: datetime) -> list[OwedOut]:
    late = [o for o in owed if o.row.published_at is None and o.row.due_at <= now]
    late.sort(key=lambda o: (o.row.due_at, o.incident.id))
    return [
        OwedOut(
            incident_id=o.incident.id,
            title=o.incident.title,
            priority=label(o.incident.priority),
            closed_at=o.row.closed_at,
            due_at=o.row.due_at,
            days_overdue=figures.days((now - o.row.due_at).total_seconds()),
            postmortem_id=o.postmortem_id,
        )
        for o in late[:LIST]
    ]


def _overdue(items: Sequence[queries.Item], now: datetime) -> list[OverdueItemOut]:
    today = now.date()
    late = [i for i in items if figures.is_overdue(i.row, today)]
    out = [
        OverdueItemOut(
            id=i.id,
            title=i.title,
            team=i.team,
            due_on=i.row.due_on,
            days_overdue=(today - i.row.due_on).days,
        )
        for i in late
        if i.row.due_on is not None
    ]
    return sorted(out, key=lambda o: (-o.days_overdue, o.id))[:LIST]
