"""The read side of the drop-in: find an alert by id, tiny id or alias; list, count and
search a service's alerts; a request's status; an alert's notes. Shapes are Opsgenie's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from watchkeeper.db.like import ESCAPE, escape_like
from watchkeeper.pipeline.ingest.opsgenie import search
from watchkeeper.pipeline.ingest.opsgenie.errors import BadQuery, Unprocessable
from watchkeeper.pipeline.ingest.opsgenie.models import (
    OpsgenieAlert,
    OpsgenieNote,
    OpsgenieRequest,
    OpsgenieTag,
)

IDENTIFIER_TYPES = ("id", "tiny", "alias")
SORTS = {
    "createdAt": OpsgenieAlert.created_at,
    "updatedAt": OpsgenieAlert.updated_at,
    "lastOccurredAt": OpsgenieAlert.last_occurred_at,
    "tinyId": OpsgenieAlert.id,
    "alias": OpsgenieAlert.alias,
    "message": OpsgenieAlert.message,
    "status": OpsgenieAlert.status,
    "acknowledged": OpsgenieAlert.acknowledged,
    "isSeen": OpsgenieAlert.is_seen,
    "count": OpsgenieAlert.count,
    "source": OpsgenieAlert.source,
    "owner": OpsgenieAlert.owner,
    "priority": OpsgenieAlert.priority,
}
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Page:
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    sort: str = "createdAt"
    order: str = "desc"


def identifier_type(value: str | None) -> str:
    kind = value or "id"
    if kind not in IDENTIFIER_TYPES:
        raise Unprocessable(
            "Identifier type is not valid", {"identifierType": "must be id, tiny or alias"}
        )
    return kind


def find(
    session: Session, service_id: int, identifier: str, kind: str, *, lock: bool = False
) -> OpsgenieAlert | None:
    """The alert `identifier` names among the service's; by alias, the open one first."""
    query = select(OpsgenieAlert).where(OpsgenieAlert.service_id == service_id)
    if kind == "tiny":
        if not identifier.isdigit() or len(identifier) > 18:
            return None
        query = query.where(OpsgenieAlert.id == int(identifier))
    elif kind == "alias":
        query = query.where(OpsgenieAlert.alias == identifier).order_by(
            (OpsgenieAlert.status == "open").desc(), OpsgenieAlert.id.desc()
        )
    else:
        query = query.where(OpsgenieAlert.uid == identifier)
    if lock:
        query = query.with_for_update()
    return session.scalars(query.limit(1)).first()


def list_(
    session: Session, service_id: int, query: str, page: Page, now: datetime
) -> list[OpsgenieAlert]:
    column = SORTS.get(page.sort)
    if column is None:
        raise Unprocessable("Sort field is not valid", {"sort": "unknown sort field"})
    direction = column.asc() if page.order == "asc" else column.desc()
    tie = OpsgenieAlert.id.asc() if page.order == "asc" else OpsgenieAlert.id.desc()
    stmt = _filtered(select(OpsgenieAlert), service_id, query, now)
    stmt = stmt.order_by(direction, tie).offset(page.offset).limit(page.limit)
    return list(session.scalars(stmt))


def count(session: Session, service_id: int, query: str, now: datetime) -> int:
    stmt = _filtered(select(func.count()).select_from(OpsgenieAlert), service_id, query, now)
    return int(session.scalar(stmt) or 0)


def request_status(
    session: Session, integration_id: int, request_id: str
) -> OpsgenieRequest | None:
    return session.scalars(
        select(OpsgenieRequest).where(
            OpsgenieRequest.id == request_id, OpsgenieRequest.integration_id == integration_id
        )
    ).first()


def notes(session: Session, alert_id: int, *, limit: int = MAX_LIMIT) -> list[OpsgenieNote]:
    return list(
        session.scalars(
            select(OpsgenieNote)
            .where(OpsgenieNote.alert_id == alert_id)
            .order_by(OpsgenieNote.id.desc())
            .limit(limit)
        )
    )


def _filtered(stmt: Select[Any], service_id: int, query: str, now: datetime) -> Select[Any]:
    stmt = stmt.where(OpsgenieAlert.service_id == service_id)
    tree = search.parse(query)
    return stmt if tree is None else stmt.where(_sql(tree, now))


def _sql(node: search.Node, now: datetime) -> ColumnElement[bool]:
    if isinstance(node, search.Not):
        return not_(_sql(node.item, now))
    if isinstance(node, search.All):
        return and_(*(_sql(item, now) for item in node.items))
    if isinstance(node, search.Any_):
        return or_(*(_sql(item, now) for item in node.items))
    return _term(node, now)


def _term(term: search.Term, now: datetime) -> ColumnElement[bool]:
    if not term.field:
        return or_(
            _like(OpsgenieAlert.message, term.value), _like(OpsgenieAlert.description, term.value)
        )
    if term.field in ("acknowledged", "is_seen", "snoozed"):
        flag = _boolean(term)
        if term.field == "snoozed":
            snoozed = and_(
                OpsgenieAlert.snoozed_until.is_not(None), OpsgenieAlert.snoozed_until > now
            )
            matched = snoozed if flag else not_(snoozed)
        else:
            column = getattr(OpsgenieAlert, term.field)
            matched = column.is_(true()) if flag else column.is_(false())
        return not_(matched) if term.op == "!=" else matched
    if term.field in ("count", "tiny_id", "created_at", "updated_at", "last_occurred_at"):
        return _compare(term)
    if term.field == "tag":
        matched = (
            select(OpsgenieTag.alert_id)
            .where(OpsgenieTag.alert_id == OpsgenieAlert.id, _match(OpsgenieTag.tag, term.value))
            .exists()
        )
        return not_(matched) if term.op == "!=" else matched
    column = getattr(OpsgenieAlert, term.field)
    if term.op in (">", "<", ">=", "<="):
        raise BadQuery(f"{term.field} cannot be compared with {term.op}")
    wide = term.field in ("message", "description") and term.op == ":"
    matched = _like(column, term.value) if wide else _match(column, term.value)
    return not_(matched) if term.op == "!=" else matched


def _match(column: Any, value: str) -> ColumnElement[bool]:
    """Equal, ignoring case; `*` stands for any run of characters."""
    pattern = "%".join(escape_like(part.lower()) for part in value.split("*"))
    if "*" not in value:
        return func.lower(column) == value.lower()
    return func.lower(column).like(pattern, escape=ESCAPE)


def _like(column: Any, value: str) -> ColumnElement[bool]:
    pattern = "%".join(escape_like(part.lower()) for part in value.split("*"))
    return func.lower(column).like(f"%{pattern}%", escape=ESCAPE)


def _boolean(term: search.Term) -> bool:
    if term.value.lower() not in ("true", "false"):
        raise BadQuery(f"{term.field} is true or false, not {term.value!r}")
    return term.value.lower() == "true"


def _compare(term: search.Term) -> ColumnElement[bool]:
    column: Any = (
        OpsgenieAlert.id if term.field == "tiny_id" else getattr(OpsgenieAlert, term.field)
    )
    value: Any
    if term.field in ("count", "tiny_id"):
        if not term.value.isdigit():
            raise BadQuery(f"{term.field} is a number, not {term.value!r}")
        value = int(term.value)
    else:
        value = _moment(term.value)
    op = {":": "=", "=": "="}.get(term.op, term.op)
    compared: ColumnElement[bool] = {
        "=": column == value,
        "!=": column != value,
        ">": column > value,
        "<": column < value,
        ">=": column >= value,
        "<=": column <= value,
    }[op]
    return compared


def _moment(value: str) -> datetime:
    """Epoch milliseconds, as Opsgenie's own UI sends, or an ISO 8601 time (UTC if naive)."""
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"{value!r} is not a time: use epoch milliseconds or ISO 8601") from None
    return parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)
