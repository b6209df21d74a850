"""Build the on-call load report: per person, per team, per rotation, and by hour of week."""

from __future__ import annotations

from sqlalchemy.orm import Session

from watchkeeper.analytics.load import queries
from watchkeeper.analytics.load.figures import heat_map, per_person, per_team
from watchkeeper.analytics.load.rotation import Rotation, rotation
from watchkeeper.analytics.load.schemas import (
    LoadReport,
    PersonOut,
    RotationOut,
    TeamOut,
    TurnOut,
)
from watchkeeper.analytics.ranges import ReportRange


def report(session: Session, *, window: ReportRange, service_id: int | None = None) -> LoadReport:
    rows = queries.pages(session, window=window, service_id=service_id)
    rotations = [
        rotation(schedule_id, name, shifts, rows)
        for schedule_id, name, shifts in queries.rotations(session, window=window)
    ]
    hours: dict[int, float] = {}
    for found in rotations:
        for turn in found.people:
            hours[turn.user_id] = hours.get(turn.user_id, 0.0) + turn.hours
    on_call = {turn.user_id for found in rotations for turn in found.people}
    named = queries.names(session, on_call)
    return LoadReport(
        start=window.start,
        end=window.end,
        pages=len(rows),
        people=[
            PersonOut(
                user_id=p.user_id,
                name=p.name,
                time_zone=p.zone,
                pages=p.pages,
                night_pages=p.night,
                weekend_pages=p.weekend,
                interrupted_nights=p.interrupted_nights,
                hours_on_call=round(hours.get(p.user_id, 0.0), 2),
            )
            for p in per_person(rows)
        ],
        teams=[
            TeamOut(
                team_id=t.team_id,
                name=t.name,
                pages=t.pages,
                night_pages=t.night,
                weekend_pages=t.weekend,
                people_paged=len(t.people),
            )
            for t in per_team(rows)
        ],
        rotations=[_rotation(found, named) for found in rotations if found.people],
        heat_map=heat_map(rows),
    )


def _rotation(found: Rotation, named: dict[int, str]) -> RotationOut:
    return RotationOut(
        schedule_id=found.schedule_id,
        name=found.name,
        fairness=found.fairness,
        people=[
            TurnOut(
                user_id=t.user_id,
                name=named.get(t.user_id, f"user {t.user_id}"),
                hours_on_call=t.hours,
                pages=t.pages,
                pages_per_day=round(t.pages_per_day, 2),
            )
            for t in found.people
        ],
    )
