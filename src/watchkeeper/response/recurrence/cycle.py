"""Engine entry point: check each new incident against the last 180 days of its service.

A run takes up to `BATCH` incidents opened in the last day that have no check yet, then
reads, one query each: past incidents of their services (by the (service_id, created_at)
index, at most `PAST` per run), the alerts of all of them (by incident), the open and
overdue action items of the matches, and the known errors of those services. It decides
in pure code (`match`) and writes the checks with one INSERT and the warnings with one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import ENGINE, Entries
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.response.actions.models import ActionItem
from watchkeeper.response.problems.queries import KnownError, known_errors
from watchkeeper.response.recurrence.match import Match, Subject, best
from watchkeeper.response.recurrence.models import RecurrenceCheck

BATCH = 100
PAST = 2_000
ALERTS = 5_000
LABEL_SETS = 20
WINDOW = timedelta(days=180)
FRESH = timedelta(days=1)
_OPEN = ("open", "in_progress")


def check(session: Session, now: datetime) -> int:
    fresh = _unchecked(session, now)
    if not fresh:
        return 0
    services = sorted({incident.service_id for incident in fresh})
    past = session.execute(
        select(Incident.id, Incident.service_id, Incident.title, Incident.created_at)
        .where(Incident.service_id.in_(services), Incident.created_at >= now - WINDOW)
        .order_by(Incident.created_at.desc())
        .limit(PAST)
    ).all()
    alerts = _alerts(session, {row.id for row in past} | {i.id for i in fresh})
    by_service: dict[int, list[Subject]] = defaultdict(list)
    for row in past:
        by_service[row.service_id].append(_subject(row, alerts))
    subjects = [_subject(incident, alerts) for incident in fresh]
    matches = {s.id: best(s, by_service[s.service_id]) for s in subjects}
    counts = _open_items(session, [m.incident_id for m in matches.values() if m is not None], now)
    known = known_errors(session, service_ids=services)
    rows, entries = [], Entries()
    for subject in subjects:
        found = matches[subject.id]
        error = next((k for k in known if _is_known(k, subject)), None)
        rows.append(_outcome(subject.id, found, counts, error, now, entries))
    insert = insert_for(session, RecurrenceCheck.table())
    session.execute(insert.on_conflict_do_nothing(index_elements=["incident_id"]), rows)
    entries.write(session)
    return len(fresh)


def _outcome(
    incident_id: int,
    found: Match | None,
    counts: dict[int, tuple[int, int]],
    error: KnownError | None,
    now: datetime,
    entries: Entries,
) -> dict[str, Any]:
    """The check's row, and its timeline entries (a warning, a known error) in `entries`."""
    warning = warning_for(found, counts.get(found.incident_id) if found else None)
    if warning and found is not None:
        data = {"matched_id": found.incident_id}
        entries.add(incident_id, "recurrence", warning, ENGINE, now, data)
    if error is not None:
        data = {"problem_id": error.problem_id}
        entries.add(incident_id, "known_error", known_error_text(error), ENGINE, now, data)
    return {
        "incident_id": incident_id,
        "matched_id": found.incident_id if found else None,
        "reason": found.reason if found else "",
        "warning": warning,
        "problem_id": error.problem_id if error else None,
        "checked_at": now,
    }


def _unchecked(session: Session, now: datetime) -> Sequence[Incident]:
    checked = select(RecurrenceCheck.incident_id).where(RecurrenceCheck.incident_id == Incident.id)
    return session.scalars(
        select(Incident)
        .where(Incident.created_at >= now - FRESH, ~checked.exists())
        .order_by(Incident.created_at, Incident.id)
        .limit(BATCH)
    ).all()


Alerts = dict[int, tuple[set[str], list[frozenset[tuple[str, str]]]]]


def _alerts(session: Session, incident_ids: set[int]) -> Alerts:
    found: Alerts = defaultdict(lambda: (set(), []))
    if not incident_ids:
        return found
    rows = session.execute(
        select(Alert.incident_id, Alert.fingerprint, Alert.labels)
        .where(Alert.incident_id.in_(sorted(incident_ids)))
        .limit(ALERTS)
    ).all()
    for incident_id, fingerprint, labels in rows:
        if incident_id is None:
            continue
        fingerprints, label_sets = found[incident_id]
        fingerprints.add(fingerprint)
        if labels and len(label_sets) < LABEL_SETS:
            label_sets.append(frozenset((str(k), str(v)) for k, v in labels.items()))
    return found


def _subject(row: object, alerts: Alerts) -> Subject:
    incident_id: int = getattr(row, "id")  # noqa: B009 - a Row or an Incident
    fingerprints, label_sets = alerts.get(incident_id, (set(), []))
    return Subject(
        id=incident_id,
        service_id=getattr(row, "service_id"),  # noqa: B009
        title=getattr(row, "title"),  # noqa: B009
        created_at=getattr(row, "created_at"),  # noqa: B009
        fingerprints=frozenset(fingerprints),
        label_sets=tuple(label_sets),
    )


def _open_items(
    session: Session, incident_ids: list[int], now: datetime
) -> dict[int, tuple[int, int]]:
    """(open, overdue) action items raised from each matched incident or its postmortem."""
    if not incident_ids:
        return {}
    late = func.sum(case((ActionItem.due_on < now.date(), 1), else_=0))
    rows = session.execute(
        select(ActionItem.incident_id, func.count(), late)
        .where(ActionItem.incident_id.in_(sorted(set(incident_ids))), ActionItem.status.in_(_OPEN))
        .group_by(ActionItem.incident_id)
    ).all()
    return {i: (int(n), int(d or 0)) for i, n, d in rows if i is not None}


def warning_for(found: Match | None, counts: tuple[int, int] | None) -> str:
    """`Looks like #123 (2026-10-04): 3 action items open, 1 overdue`; empty when the
    match left nothing open (the page still names it, without alarm)."""
    if found is None or not counts or counts[0] == 0:
        return ""
    open_, overdue = counts
    items = f"{open_} action item{'s' if open_ != 1 else ''} open"
    late = f", {overdue} overdue" if overdue else ""
    return f"Looks like #{found.incident_id} ({found.created_at:%Y-%m-%d}): {items}{late}"


def _is_known(error: KnownError, subject: Subject) -> bool:
    return subject.service_id in error.service_ids and bool(
        subject.fingerprints & error.fingerprints
    )


def known_error_text(error: KnownError) -> str:
    workaround = " ".join(error.workaround.split())
    return f"Known error PRB-{error.problem_id} ({error.title}): workaround: {workaround}"
