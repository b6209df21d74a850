"""The read-only Statuspage public API v2 shapes (summary, status, components,
incidents, scheduled maintenances), built from a page's read side, so aggregators and
widgets that read such pages read ours unchanged. Ids are strings there; ours are
numbers written as text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from watchkeeper.response.statuspage.models import (
    Component,
    PublicIncident,
    PublicUpdate,
    StatusPage,
)
from watchkeeper.response.statuspage.queries import IncidentView, PageView
from watchkeeper.response.statuspage.status import ComponentStatus, impact, worst

Json = dict[str, Any]


def stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def page_json(page: StatusPage, *, url: str, updated_at: datetime | None) -> Json:
    return {
        "id": str(page.id),
        "name": page.title,
        "url": url,
        "time_zone": page.time_zone,
        "updated_at": stamp(updated_at or page.updated_at),
    }


def status_json(view: PageView) -> Json:
    return {"indicator": view.indicator.indicator, "description": view.indicator.description}


def components_json(view: PageView) -> list[Json]:
    """Components, and each group as a component listing its members (as there)."""
    result: list[Json] = []
    for group_view in view.groups:
        members = [item.component for item in group_view.components]
        group = group_view.group
        if group is not None:
            result.append(
                {
                    "id": f"g{group.id}",
                    "name": group.name,
                    "status": _group_status(members),
                    "created_at": stamp(group.created_at),
                    "updated_at": stamp(max([group.updated_at, *(m.updated_at for m in members)])),
                    "position": group.position,
                    "description": None,
                    "showcase": False,
                    "start_date": None,
                    "group_id": None,
                    "page_id": str(view.page.id),
                    "group": True,
                    "only_show_if_degraded": False,
                    "components": [str(m.id) for m in members],
                }
            )
        result.extend(
            _component(m, view.page.id, f"g{group.id}" if group else None) for m in members
        )
    return result


def _group_status(members: Sequence[Component]) -> str:
    return str(worst(m.status for m in members))


def _component(component: Component, page_id: int, group_id: str | None) -> Json:
    return {
        "id": str(component.id),
        "name": component.name,
        "status": component.status,
        "created_at": stamp(component.created_at),
        "updated_at": stamp(component.updated_at),
        "position": component.position,
        "description": component.description or None,
        "showcase": True,
        "start_date": component.created_at.date().isoformat(),
        "group_id": group_id,
        "page_id": str(page_id),
        "group": False,
        "only_show_if_degraded": False,
    }


def incident_json(item: IncidentView, *, url: str, names: dict[int, Component]) -> Json:
    record = item.incident
    maintenance = record.kind == "maintenance"
    affected = _affected_components(record, names)
    found: Json = {
        "id": str(record.id),
        "name": record.name,
        "status": record.state,
        "created_at": stamp(record.published_at or record.created_at),
        "updated_at": stamp(record.updated_at),
        "monitoring_at": stamp(record.monitoring_at),
        "resolved_at": stamp(record.resolved_at),
        "impact": "maintenance" if maintenance else impact(record.affected.values()),
        "shortlink": f"{url}/incidents/{record.id}",
        "started_at": stamp(record.scheduled_for if maintenance else record.published_at),
        "page_id": str(record.page_id),
        "incident_updates": _updates(item, names),
        "components": [_component(c, record.page_id, None) for c in affected],
    }
    if maintenance:
        found["scheduled_for"] = stamp(record.scheduled_for)
        found["scheduled_until"] = stamp(record.scheduled_until)
    return found


def _affected_components(record: PublicIncident, names: dict[int, Component]) -> list[Component]:
    return [names[int(key)] for key in record.affected if int(key) in names]


def _updates(item: IncidentView, names: dict[int, Component]) -> list[Json]:
    """Newest first, each saying what it changed from the update before it."""
    found: list[Json] = []
    before: dict[str, str] = {}
    for update in reversed(item.updates):
        found.append(_update(update, item.incident, names, before))
        before = {**before, **update.affected}
    return found[::-1]


def _update(
    update: PublicUpdate,
    record: PublicIncident,
    names: dict[int, Component],
    before: dict[str, str],
) -> Json:
    return {
        "id": str(update.id),
        "status": update.state,
        "body": update.body,
        "incident_id": str(record.id),
        "created_at": stamp(update.published_at),
        "updated_at": stamp(update.published_at),
        "display_at": stamp(update.published_at),
        "affected_components": [
            {
                "code": key,
                "name": names[int(key)].name,
                "old_status": before.get(key, str(ComponentStatus.OPERATIONAL)),
                "new_status": status,
            }
            for key, status in update.affected.items()
            if int(key) in names
        ]
        or None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incidents_json(
    items: Iterable[IncidentView], *, url: str, names: dict[int, Component]
) -> list[Json]:
    return [incident_json(item, url=url, names=names) for item in items]
