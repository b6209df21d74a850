"""The follow-through report as the API returns it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class PostmortemFigures(BaseModel):
    required: int  # closed incidents in the range whose priority needs a postmortem
    published: int
    published_on_time: int
    overdue: int  # not published and past its due time
    not_yet_due: int
    median_days_to_publish: float | None  # from closing to publishing
    published_in_range: int  # postmortems published in the range, for any incident


class OwedOut(BaseModel):
    incident_id: int
    title: str
    priority: str
    closed_at: datetime
    due_at: datetime
    days_overdue: float
    postmortem_id: int | None


class ActionFigures(BaseModel):
    key: str
    label: str
    created: int
    open: int  # open or in progress
    overdue: int
    done: int
    wont_do: int
    median_open_age_days: float | None
    median_days_to_done: float | None


class OverdueItemOut(BaseModel):
    id: int
    title: str
    team: str
    due_on: date
    days_overdue: int


class FollowReport(BaseModel):
    start: datetime
    end: datetime
    postmortems: PostmortemFigures
    owed: list[OwedOut]
    actions: ActionFigures
    actions_by_team: list[ActionFigures]
    overdue_items: list[OverdueItemOut]
