"""Readiness use cases: the coverage report of an installation or a team."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeeper.analytics.readiness import errors, queries
from watchkeeper.analytics.readiness.schemas import KINDS, CoverageOut, Finding
from watchkeeper.catalog.teams.models import Team


def findings(session: Session, *, now: datetime) -> list[Finding]:
    """Every finding of the installation, in a stable order (kind, then subject)."""
    world = queries.load(session, now)
    policies = queries.policies(session)
    people = queries.on_call_people(world, policies)
    found = (
        queries.schedule_gaps(world)
        + queries.contact_findings(session, world, people)
        + queries.policy_findings(world, policies)
        + queries.service_findings(session, world, policies)
        + queries.silent_integrations(session, now)
        + queries.failing_methods(session, world, people)
    )
    order = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(found, key=lambda f: (order[f.kind], f.subject, f.key))


def coverage(session: Session, *, now: datetime, team_id: int | None = None) -> CoverageOut:
    """The report; with `team_id`, only what that team owns (its schedules, policies,
    services, and the people on call in them)."""
    if team_id is not None and session.get(Team, team_id) is None:
        raise errors.unknown_team(team_id)
    found = [f for f in findings(session, now=now) if team_id is None or f.team_id == team_id]
    counts = Counter(f.kind for f in found)
    return CoverageOut(
        at=now,
        team_id=team_id,
        horizon_days=queries.HORIZON.days,
        counts={kind: counts.get(kind, 0) for kind in KINDS},
        findings=found,
    )
