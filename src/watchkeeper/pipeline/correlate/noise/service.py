"""Managing the noise-reduction rules: ordered routing rules, silences that always expire,
maintenance windows and inhibition rules. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.core.matchers import Matcher, match_all
from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.pagination import paginate
from watchkeeper.pipeline.correlate.noise import errors
from watchkeeper.pipeline.correlate.noise.evaluate import Window
from watchkeeper.pipeline.correlate.noise.models import (
    InhibitionRule,
    MaintenanceWindow,
    RoutingRule,
    Silence,
)
from watchkeeper.pipeline.correlate.noise.schemas import (
    MAX_SILENCE_DAYS,
    InhibitionFields,
    InhibitionUpdate,
    RoutingRuleCreate,
    RoutingRuleUpdate,
    SilenceCreate,
    SilenceState,
    WindowCreate,
)

SILENCE_SORTABLE = {"id": Silence.id, "starts_at": Silence.starts_at, "ends_at": Silence.ends_at}
SilenceFilter = Literal["active", "expired", "all"]


def stored(matchers: Iterable[Matcher]) -> list[dict[str, Any]]:
    """Matchers as the JSON columns keep them."""
    return [matcher.model_dump(mode="json") for matcher in matchers]


# Routing rules


def list_rules(session: Session) -> Sequence[RoutingRule]:
    """Every routing rule in the order they are tried."""
    return session.scalars(select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)).all()


def get_rule(session: Session, *, rule_id: int) -> RoutingRule:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise errors.rule_not_found(rule_id)
    return rule


def create_rule(session: Session, *, data: RoutingRuleCreate, now: datetime) -> RoutingRule:
    """Add a rule at `data.position` (1 is first), or after the last one."""
    _check_rule(session, data.model_dump())
    values = data.model_dump(exclude={"position", "matchers", "add_tags"})
    rule = RoutingRule(
        **values,
        matchers=stored(data.matchers),
        add_tags=list(dict.fromkeys(data.add_tags)),
        position=0,
        created_at=now,
        updated_at=now,
    )
    session.add(rule)
    session.flush()
    _place(session, rule, data.position)
    return rule


def update_rule(
    session: Session, *, rule_id: int, data: RoutingRuleUpdate, now: datetime
) -> RoutingRule:
    rule = get_rule(session, rule_id=rule_id)
    changes = data.model_dump(exclude_unset=True)
    current = {"drop": rule.drop, "suppress": rule.suppress}
    _check_rule(session, {**current, **changes})
    if data.matchers is not None:
        changes["matchers"] = stored(data.matchers)
    if data.add_tags is not None:
        changes["add_tags"] = list(dict.fromkeys(data.add_tags))
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.updated_at = now
    session.flush()
    return rule


def move_rule(session: Session, *, rule_id: int, position: int, now: datetime) -> RoutingRule:
    """Put a rule at `position` (1 is first; past the end is last) and renumber the rest."""
    rule = get_rule(session, rule_id=rule_id)
    _place(session, rule, position)
    rule.updated_at = now
    return rule


def delete_rule(session: Session, *, rule_id: int) -> None:
    session.delete(get_rule(session, rule_id=rule_id))
    session.flush()
    _renumber(list_rules(session))


def _place(session: Session, rule: RoutingRule, position: int | None) -> None:
    others = [other for other in list_rules(session) if other.id != rule.id]
    index = len(others) if position is None else min(position - 1, len(others))
    others.insert(index, rule)
    _renumber(others)


def _renumber(rules: Sequence[RoutingRule]) -> None:
    for number, rule in enumerate(rules, start=1):
        if rule.position != number:
            rule.position = number


def _check_rule(session: Session, values: dict[str, Any]) -> None:
    if values.get("drop") and values.get("suppress"):
        raise errors.drop_and_suppress()
    service_id, category_id = values.get("set_service_id"), values.get("set_category_id")
    if service_id is not None and session.get(Service, service_id) is None:
        raise errors.unknown("set_service_id", "service", service_id)
    if category_id is not None and session.get(Category, category_id) is None:
        raise errors.unknown("set_category_id", "category", category_id)


# Silences


def create_silence(
    session: Session, *, data: SilenceCreate, now: datetime, created_by_id: int | None
) -> Silence:
    """A silence from `starts_at` (default now) to `ends_at`, at most 90 days long."""
    starts_at = data.starts_at or now
    _check_silence_times(starts_at, data.ends_at, now)
    if match_all(data.matchers, {}):
        raise errors.silences_everything()
    _check_service(session, data.service_id)
    silence = Silence(
        matchers=stored(data.matchers),
        service_id=data.service_id,
        starts_at=starts_at,
        ends_at=data.ends_at,
        comment=data.comment,
        created_by_id=created_by_id,
        created_at=now,
    )
    session.add(silence)
    session.flush()
    return silence


def _check_silence_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise errors.invalid("ends_at", "a silence must end after it starts", "not after starts_at")
    if ends_at <= now:
        raise errors.invalid("ends_at", "this silence would have ended already", "in the past")
    if ends_at - starts_at > timedelta(days=MAX_SILENCE_DAYS):
        raise errors.invalid(
            "ends_at",
            f"a silence lasts at most {MAX_SILENCE_DAYS} days; create a new one when it ends",
            f"more than {MAX_SILENCE_DAYS} days after starts_at",
        )


def get_silence(session: Session, *, silence_id: int) -> Silence:
    silence = session.get(Silence, silence_id)
    if silence is None:
        raise errors.silence_not_found(silence_id)
    return silence


def list_silences(
    session: Session, *, state: SilenceFilter, now: datetime, page: PageRequest
) -> tuple[Sequence[Silence], str | None]:
    """`active`: not ended yet (in effect, or starting later); `expired`: ended."""
    stmt = select(Silence)
    if state == "active":
        stmt = stmt.where(Silence.ends_at > now)
    elif state == "expired":
        stmt = stmt.where(Silence.ends_at <= now)
    return paginate(session, stmt, request=page, sortable=SILENCE_SORTABLE, id_column=Silence.id)


def silence_state(silence: Silence, now: datetime) -> SilenceState:
    if silence.ends_at <= now:
        return "expired"
    return "pending" if silence.starts_at > now else "active"


def expire_silence(session: Session, *, silence_id: int, now: datetime) -> Silence:
    """End a silence now; one that has ended already keeps its end."""
    silence = get_silence(session, silence_id=silence_id)
    if silence.ends_at > now:
        silence.ends_at = now
        silence.starts_at = min(silence.starts_at, now)
        session.flush()
    return silence


# Maintenance windows


def create_window(
    session: Session, *, data: WindowCreate, now: datetime, created_by_id: int | None
) -> MaintenanceWindow:
    """A window on one service: once (start to end) or weekly (days, local time, length)."""
    _check_service(session, data.service_id, required=True)
    weekly = any(v is not None for v in (data.weekdays, data.start_time, data.duration_minutes))
    if weekly:
        _check_weekly(data)
    else:
        _check_once(data, now)
    window = MaintenanceWindow(
        service_id=data.service_id,
        name=data.name,
        time_zone=data.time_zone,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        weekdays=sorted(set(data.weekdays)) if data.weekdays else None,
        start_time=data.start_time,
        duration_minutes=data.duration_minutes,
        created_by_id=created_by_id,
        created_at=now,
    )
    session.add(window)
    session.flush()
    return window


_BOTH_FORMS = (
    "a window is either once (starts_at and ends_at) or weekly "
    "(weekdays, start_time and duration_minutes), not both"
)


def _check_weekly(data: WindowCreate) -> None:
    if data.starts_at is not None or data.ends_at is not None:
        field = "starts_at" if data.starts_at is not None else "ends_at"
        raise errors.invalid(field, _BOTH_FORMS, "not with a weekly window")
    for field in ("weekdays", "start_time", "duration_minutes"):
        if not getattr(data, field):
            raise errors.invalid(field, f"a weekly window needs {field}", "required")


def _check_once(data: WindowCreate, now: datetime) -> None:
    if data.starts_at is None or data.ends_at is None:
        field = "starts_at" if data.starts_at is None else "ends_at"
        raise errors.invalid(
            field, "a window needs starts_at and ends_at, or a weekly schedule", "required"
        )
    if data.ends_at <= data.starts_at:
        raise errors.invalid("ends_at", "a window must end after it starts", "not after starts_at")
    if data.ends_at <= now:
        raise errors.invalid("ends_at", "this window would have ended already", "in the past")


def get_window(session: Session, *, window_id: int) -> MaintenanceWindow:
    window = session.get(MaintenanceWindow, window_id)
    if window is None:
        raise errors.window_not_found(window_id)
    return window


def list_windows(session: Session, *, service_id: int | None = None) -> Sequence[MaintenanceWindow]:
    """Every window, or one service's, by service and id."""
    stmt = select(MaintenanceWindow).order_by(MaintenanceWindow.service_id, MaintenanceWindow.id)
    if service_id is not None:
        stmt = stmt.where(MaintenanceWindow.service_id == service_id)
    return session.scalars(stmt).all()


def delete_window(session: Session, *, window_id: int) -> None:
    session.delete(get_window(session, window_id=window_id))
    session.flush()


def as_window(row: MaintenanceWindow) -> Window:
    """The row as the pure decision sees it."""
    return Window(
        id=row.id,
        name=row.name,
        service_id=row.service_id,
        time_zone=row.time_zone,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        weekdays=tuple(row.weekdays or ()),
        start_time=row.start_time,
        duration_minutes=row.duration_minutes,
    )


def schedule(row: MaintenanceWindow, now: datetime) -> tuple[bool, datetime | None]:
    """Whether the window holds alerts back at `now`, and when it next begins after `now`."""
    active = as_window(row).active(now)
    if row.starts_at is not None:
        return active, row.starts_at if row.starts_at > now else None
    if not (row.weekdays and row.start_time):
        return active, None
    zone = ZoneInfo(row.time_zone)
    hour, minute = (int(part) for part in row.start_time.split(":"))
    today = now.astimezone(zone).date()
    for offset in range(8):
        day = today + timedelta(days=offset)
        if day.weekday() in row.weekdays:
            start = datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
            if start > now:
                return active, start
    return active, None


# Inhibition rules


def list_inhibitions(session: Session) -> Sequence[InhibitionRule]:
    return session.scalars(select(InhibitionRule).order_by(InhibitionRule.id)).all()


def get_inhibition(session: Session, *, rule_id: int) -> InhibitionRule:
    rule = session.get(InhibitionRule, rule_id)
    if rule is None:
        raise errors.inhibition_not_found(rule_id)
    return rule


def create_inhibition(session: Session, *, data: InhibitionFields, now: datetime) -> InhibitionRule:
    rule = InhibitionRule(
        name=data.name,
        enabled=data.enabled,
        source_matchers=stored(data.source_matchers),
        target_matchers=stored(data.target_matchers),
        equal=list(dict.fromkeys(data.equal)),
        created_at=now,
    )
    session.add(rule)
    session.flush()
    return rule


def update_inhibition(session: Session, *, rule_id: int, data: InhibitionUpdate) -> InhibitionRule:
    rule = get_inhibition(session, rule_id=rule_id)
    changes = data.model_dump(exclude_unset=True)
    for side in ("source_matchers", "target_matchers"):
        if side in changes:
            changes[side] = stored(getattr(data, side))
    if data.equal is not None:
        changes["equal"] = list(dict.fromkeys(data.equal))
    for name, value in changes.items():
        setattr(rule, name, value)
    session.flush()
    return rule


def delete_inhibition(session: Session, *, rule_id: int) -> None:
    session.delete(get_inhibition(session, rule_id=rule_id))
    session.flush()


def _check_service(session: Session, service_id: int | None, *, required: bool = False) -> None:
    if service_id is None:
        if required:
            raise errors.invalid("service_id", "a service is required", "required")
        return
    if session.get(Service, service_id) is None:
        raise errors.unknown("service_id", "service", service_id)
