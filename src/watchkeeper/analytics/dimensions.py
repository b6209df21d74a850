"""What a report can be grouped by, and the SQL that yields each group's key and name.

Every report groups incidents the same way, so "by team" means the same thing on every
page: the team that owns the incident's service at the time of the report.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, cast, literal
from sqlalchemy.sql import func

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.incidents.models import Incident

BY_HAND = "by hand"
ALERTS = "alerts"
NONE = "(none)"


class Dimension(enum.StrEnum):
    SERVICE = "service"
    TEAM = "team"
    CATEGORY = "category"
    PRIORITY = "priority"
    SOURCE = "source"
    ALL = "all"


def group_columns(by: Dimension) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(key, label) of an incident's group; the key is text so every dimension sorts alike."""
    if by is Dimension.SERVICE:
        return cast(Incident.service_id, String), func.coalesce(Service.name, NONE)
    if by is Dimension.TEAM:
        return cast(Service.owner_team_id, String), func.coalesce(Team.name, NONE)
    if by is Dimension.CATEGORY:
        return cast(Incident.category_id, String), func.coalesce(Category.path, NONE)
    if by is Dimension.PRIORITY:
        key = cast(Incident.priority, String)
        return key, literal("P") + key
    if by is Dimension.SOURCE:
        label = case((Incident.source == "alert", literal(ALERTS)), else_=literal(BY_HAND))
        return label, label
    return literal("all"), literal("all")


def join_groups(query: Select[Any], by: Dimension) -> Select[Any]:
    """Add the joins `group_columns(by)` needs to a query over incidents."""
    if by in (Dimension.SERVICE, Dimension.TEAM):
        query = query.join(Service, Service.id == Incident.service_id)
    if by is Dimension.TEAM:
        query = query.outerjoin(Team, Team.id == Service.owner_team_id)
    if by is Dimension.CATEGORY:
        query = query.outerjoin(Category, Category.id == Incident.category_id)
    return query
