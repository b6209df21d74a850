"""The on-call load report as the API returns it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class PersonOut(BaseModel):
    user_id: int
    name: str
    time_zone: str
    pages: int
    night_pages: int
    weekend_pages: int
    interrupted_nights: int
    hours_on_call: float


class TeamOut(BaseModel):
    team_id: int | None
    name: str
    pages: int
    night_pages: int
    weekend_pages: int
    people_paged: int


class TurnOut(BaseModel):
    user_id: int
    name: str
    hours_on_call: float
    pages: int
    pages_per_day: float


class RotationOut(BaseModel):
    schedule_id: int
    name: str
    fairness: float | None  # lowest load / highest: 1.0 even, 0.0 one person takes all
    people: list[TurnOut]


class LoadReport(BaseModel):
    start: datetime
    end: datetime
    pages: int
    people: list[PersonOut]
    teams: list[TeamOut]
    rotations: list[RotationOut]
    heat_map: list[int]  # 168 cells, Monday 00:00 first, each page in its person's zone
