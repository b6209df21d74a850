"""What correlation reads once per run: services, rules, silences, windows, inhibitions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.core.matchers import Matcher
from watchkeeper.incidents.record import Policy
from watchkeeper.incidents.service import load_policy
from watchkeeper.pipeline.correlate.noise import models
from watchkeeper.pipeline.correlate.noise.evaluate import Inhibition, Rule, Silence, Window
from watchkeeper.pipeline.ingest.events import NormalizedEvent
from watchkeeper.pipeline.ingest.models import Integration

DEFAULT_FLAP_CHANGES = 6
DEFAULT_FLAP_WINDOW = timedelta(minutes=30)


def matchers(raw: list[dict[str, Any]]) -> tuple[Matcher, ...]:
    return tuple(Matcher.model_validate(item) for item in raw)


class Labelled(Protocol):
    """What matchers see of a stored alert."""

    severity: str
    source: str
    summary: str
    service_id: int
    labels: dict[str, str]


@dataclass
class Context:
    services: dict[int, Service]
    integration_names: dict[int, str] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    silences: list[Silence] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    inhibitions: list[Inhibition] = field(default_factory=list)
    flap_changes: int = DEFAULT_FLAP_CHANGES
    flap_window: timedelta = DEFAULT_FLAP_WINDOW
    policy: Policy | None = None

    def service(self, session: Session, service_id: int) -> Service:
        """A service's settings; one created since the context was loaded is read now."""
        found = self.services.get(service_id) or session.get(Service, service_id)
        if found is None:
            raise LookupError(f"no service {service_id}")
        self.services[service_id] = found
        return found

    def labels_for(self, event: NormalizedEvent, service_id: int) -> dict[str, str]:
        """What matchers see: the event's labels, plus its normalized fields and service."""
        fields = {
            "severity": event.severity.value,
            "source": event.source,
            "summary": event.summary,
            "action": event.action.value,
        }
        return self._with_service(fields, service_id, event.labels)

    def alert_labels(self, alert: Labelled) -> dict[str, str]:
        """The same view of a stored alert (an inhibition source)."""
        fields = {
            "severity": alert.severity,
            "source": alert.source,
            "summary": alert.summary,
            "action": "trigger",
        }
        return self._with_service(fields, alert.service_id, alert.labels)

    def _with_service(
        self, fields: dict[str, str], service_id: int, labels: dict[str, str]
    ) -> dict[str, str]:
        service = self.services.get(service_id)
        if service is not None:
            fields["service"] = service.slug
        return {**fields, **labels}


def load(
    session: Session,
    now: datetime,
    *,
    flap_changes: int = DEFAULT_FLAP_CHANGES,
    flap_window: timedelta = DEFAULT_FLAP_WINDOW,
) -> Context:
    rules = session.scalars(
        select(models.RoutingRule)
        .where(models.RoutingRule.enabled.is_(True))
        .order_by(models.RoutingRule.position, models.RoutingRule.id)
    ).all()
    silences = session.scalars(
        select(models.Silence).where(models.Silence.starts_at <= now, models.Silence.ends_at > now)
    ).all()
    windows = session.scalars(select(models.MaintenanceWindow)).all()
    inhibitions = session.scalars(
        select(models.InhibitionRule).where(models.InhibitionRule.enabled.is_(True))
    ).all()
    return Context(
        services={s.id: s for s in session.scalars(select(Service))},
        integration_names={
            row[0]: row[1] for row in session.execute(select(Integration.id, Integration.name))
        },
        rules=[
            Rule(
                id=r.id,
                name=r.name,
                matchers=matchers(r.matchers),
                set_service_id=r.set_service_id,
                set_impact=r.set_impact,
                set_urgency=r.set_urgency,
                set_category_id=r.set_category_id,
                add_tags=tuple(r.add_tags),
                drop=r.drop,
                suppress=r.suppress,
                continue_matching=r.continue_matching,
            )
            for r in rules
        ],
        silences=[
            Silence(s.id, matchers(s.matchers), s.starts_at, s.ends_at, s.service_id)
            for s in silences
        ],
        windows=[
            Window(
                id=w.id,
                name=w.name,
                service_id=w.service_id,
                time_zone=w.time_zone,
                starts_at=w.starts_at,
                ends_at=w.ends_at,
                weekdays=tuple(w.weekdays or ()),
                start_time=w.start_time,
                duration_minutes=w.duration_minutes,
            )
            for w in windows
        ],
        inhibitions=[
            Inhibition(
                i.id,
                i.name,
                matchers(i.source_matchers),
                matchers(i.target_matchers),
                tuple(i.equal),
            )
            for i in inhibitions
        ],
        flap_changes=flap_changes,
        flap_window=flap_window,
        policy=load_policy(session),
    )


class ContextCache:
    """Keeps a loaded context for `ttl` seconds: correlation runs many short transactions,
    and rules, silences and windows change rarely (a change applies within `ttl`)."""

    def __init__(self, *, ttl: float = 1.0, **options: Any) -> None:
        self.ttl = ttl
        self.options = options
        self._context: Context | None = None
        self._loaded = 0.0

    def invalidate(self) -> None:
        """Read everything again on the next `get`."""
        self._context = None

    def get(self, session: Session, now: datetime) -> Context:
        moment = time.monotonic()
        if self._context is None or moment - self._loaded > self.ttl:
            self._context = load(session, now, **self.options)
            self._loaded = moment
        return self._context
