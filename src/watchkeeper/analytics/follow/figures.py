"""The pure figures of the follow-through report: each one defined once, here
(docs/analytics.md, "Follow-through")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

DAY = 86400.0
OPEN = ("open", "in_progress")


@dataclass(frozen=True)
class OwedRow:
    """A closed incident whose priority needs a postmortem, with the one covering it."""

    closed_at: datetime
    due_at: datetime
    published_at: datetime | None  # None: none published yet


@dataclass(frozen=True)
class ItemRow:
    status: str
    created_at: datetime
    done_at: datetime | None
    due_on: date | None


def days(seconds: float) -> float:
    return round(seconds / DAY, 2)


def middle(values: Sequence[float]) -> float | None:
    return days(median(values)) if values else None


def is_overdue(item: ItemRow, today: date) -> bool:
    return item.status in OPEN and item.due_on is not None and item.due_on < today


def postmortems(rows: Sequence[OwedRow], now: datetime) -> dict[str, object]:
    """Published (and on time: by its due time), overdue (unpublished past due), not yet
    due, and the median from closing to publishing."""
    published = [r for r in rows if r.published_at is not None]
    waiting = [r for r in rows if r.published_at is None]
    return {
        "required": len(rows),
        "published": len(published),
        "published_on_time": sum(
            1 for r in published if r.published_at is not None and r.published_at <= r.due_at
        ),
        "overdue": sum(1 for r in waiting if r.due_at <= now),
        "not_yet_due": sum(1 for r in waiting if r.due_at > now),
        "median_days_to_publish": middle(
            [(r.published_at - r.closed_at).total_seconds() for r in published if r.published_at]
        ),
    }


def actions(items: Sequence[ItemRow], now: datetime) -> dict[str, object]:
    """Counts by state; the median age of the items still open (now minus created) and the
    median time from creation to done."""
    today = now.date()
    still_open = [i for i in items if i.status in OPEN]
    done = [i for i in items if i.status == "done"]
    return {
        "created": len(items),
        "open": len(still_open),
        "overdue": sum(1 for i in items if is_overdue(i, today)),
        "done": len(done),
        "wont_do": sum(1 for i in items if i.status == "wont_do"),
        "median_open_age_days": middle([(now - i.created_at).total_seconds() for i in still_open]),
        "median_days_to_done": middle(
            [(i.done_at - i.created_at).total_seconds() for i in done if i.done_at is not None]
        ),
    }
