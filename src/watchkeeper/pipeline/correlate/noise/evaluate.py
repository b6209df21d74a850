"""Pure decisions of noise reduction: which rule routes an event, what silences, maintains
or inhibits an alert. Values in, values out; the correlator loads the rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from watchkeeper.core.matchers import Matcher, match_all


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    matchers: tuple[Matcher, ...]
    set_service_id: int | None = None
    set_impact: int | None = None
    set_urgency: int | None = None
    set_category_id: int | None = None
    add_tags: tuple[str, ...] = ()
    drop: bool = False
    suppress: bool = False
    continue_matching: bool = False


@dataclass(frozen=True)
class Decision:
    """What the routing rules say about one event."""

    service_id: int | None = None
    impact: int | None = None
    urgency: int | None = None
    category_id: int | None = None
    tags: tuple[str, ...] = ()
    drop: bool = False
    suppress: bool = False
    matched: tuple[str, ...] = field(default_factory=tuple)


def route(rules: Sequence[Rule], labels: Mapping[str, str]) -> Decision:
    """Apply rules in order: the first match decides unless it says to continue; a later
    matching rule only fills what earlier ones left unset. Drop or suppress ends it."""
    decision = Decision()
    for rule in rules:
        if not match_all(rule.matchers, labels):
            continue
        decision = Decision(
            service_id=decision.service_id or rule.set_service_id,
            impact=decision.impact or rule.set_impact,
            urgency=decision.urgency or rule.set_urgency,
            category_id=decision.category_id or rule.set_category_id,
            tags=tuple(dict.fromkeys((*decision.tags, *rule.add_tags))),
            drop=decision.drop or rule.drop,
            suppress=decision.suppress or rule.suppress,
            matched=(*decision.matched, rule.name),
        )
        if rule.drop or rule.suppress or not rule.continue_matching:
            break
    return decision


@dataclass(frozen=True)
class Silence:
    id: int
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime
    service_id: int | None = None


def silenced_by(
    silences: Sequence[Silence], labels: Mapping[str, str], service_id: int, now: datetime
) -> Silence | None:
    for silence in silences:
        if not silence.starts_at <= now < silence.ends_at:
            continue
        if silence.service_id not in (None, service_id):
            continue
        if match_all(silence.matchers, labels):
            return silence
    return None


@dataclass(frozen=True)
class Window:
    """A maintenance window: once (`starts_at`..`ends_at`) or weekly in a time zone."""

    id: int
    name: str
    service_id: int
    time_zone: str = "UTC"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    weekdays: tuple[int, ...] = ()
    start_time: str | None = None
    duration_minutes: int | None = None

    def active(self, now: datetime) -> bool:
        if self.starts_at is not None and self.ends_at is not None:
            return self.starts_at <= now < self.ends_at
        if not (self.weekdays and self.start_time and self.duration_minutes):
            return False
        zone = ZoneInfo(self.time_zone)
        local_now = now.astimezone(zone)
        hour, minute = (int(part) for part in self.start_time.split(":"))
        length = timedelta(minutes=self.duration_minutes)
        # A window may start on an earlier day and run past midnight: look back far enough.
        for days_back in range(0, 1 + length.days + 1):
            day = local_now.date() - timedelta(days=days_back)
            if day.weekday() not in self.weekdays:
                continue
            # The start is a wall-clock time in the zone; the length is elapsed time, so
            # compare in UTC (local arithmetic would skip or repeat the DST hour).
            start = datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
            if start <= now < start + length:
                return True
        return False


def maintained_by(windows: Sequence[Window], service_id: int, now: datetime) -> Window | None:
    for window in windows:
        if window.service_id == service_id and window.active(now):
            return window
    return None


@dataclass(frozen=True)
class Inhibition:
    id: int
    name: str
    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...]


def inhibited_by(
    rules: Sequence[Inhibition],
    labels: Mapping[str, str],
    open_alerts: Sequence[tuple[int, Mapping[str, str]]],
) -> tuple[Inhibition, int] | None:
    """The rule and the open alert that inhibit an alert with `labels`, if any.

    As in Alertmanager, an alert that matches both sides of a rule does not inhibit itself.
    """
    for rule in rules:
        if not match_all(rule.target, labels):
            continue
        for alert_id, source_labels in open_alerts:
            if source_labels == labels:
                continue
            if not match_all(rule.source, source_labels):
                continue
            if all(source_labels.get(name, "") == labels.get(name, "") for name in rule.equal):
                return rule, alert_id
    return None


@dataclass
class Flaps:
    """State changes of one fingerprint; flapping when more than `limit` in `window`."""

    changes: list[datetime]
    flapping_since: datetime | None = None

    def record(self, now: datetime, *, limit: int, window: timedelta) -> bool:
        """Add a change at `now`; returns whether the fingerprint is flapping now."""
        recent = [moment for moment in self.changes if now - moment <= window]
        if self.flapping_since is not None and (not recent or now - recent[-1] > window):
            self.flapping_since = None  # stable for a whole window: no longer flapping
        recent.append(now)
        self.changes = recent[-(limit + 1) :]
        if len(recent) > limit and self.flapping_since is None:
            self.flapping_since = now
        return self.flapping_since is not None
