"""What the noise pages share: matchers written one per line, local times and durations in
forms, and turning refused input into the messages shown above a form."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import FieldError, Invalid, WatchkeeperError
from watchkeeper.core.matchers import Matcher, parse
from watchkeeper.core.validation import problems as found_problems
from watchkeeper.oncall.schedules.wallclock import instant
from watchkeeper.web.ui.routes.forms import Outcome, attempt, validation_messages

T = TypeVar("T")
V = TypeVar("V")
_DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


def matcher_lines(text: str, field: str, *, required: bool = False) -> list[Matcher]:
    """One matcher per non-empty line; Invalid names every line that is not one."""
    matchers: list[Matcher] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            matchers.append(parse(line))
        except ValidationError as exc:
            reasons = "; ".join(item.phrase for item in found_problems(exc.errors()))
            problems.append(f"{field}, line {number}: {line.strip()}: {reasons}")
        except ValueError as exc:
            problems.append(f"{field}, line {number}: {exc}")
    if problems:
        raise Invalid(
            f'{field}: write one matcher per line, such as alertname="DiskFull"',
            errors=[FieldError(field, problem) for problem in problems],
        )
    if required and not matchers:
        raise Invalid(f'{field}: give at least one matcher, such as alertname="DiskFull"')
    return matchers


def matcher_line(name: str, op: str, value: str) -> str:
    """A matcher as a line that `matcher_lines` reads back (as `str(Matcher)` writes it;
    this one also takes label values too long to be a matcher's)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{name}{op}"{escaped}"'


def matcher_text(matcher: Matcher | Mapping[str, Any]) -> str:
    found = matcher if isinstance(matcher, Matcher) else Matcher.model_validate(matcher)
    return matcher_line(found.name, found.op.value, found.value)


def matchers_text(matchers: Iterable[Matcher | Mapping[str, Any]]) -> list[str]:
    return [matcher_text(matcher) for matcher in matchers]


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"time zone: no zone {name!r}; write an IANA name such as Europe/Berlin"
        ) from None


def local_moment(text: str, zone: ZoneInfo, field: str) -> datetime | None:
    """A form's date and time (the zone's wall time, unless it has an offset), in UTC."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(f"{field}: not a date and time: {text!r}") from None
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    return instant(moment, zone)


def parse_duration(text: str, field: str) -> timedelta:
    """`90m`, `2h`, `1d`, `1h30m`, or a number of minutes."""
    cleaned = text.strip().lower()
    if cleaned.isdigit():
        return timedelta(minutes=int(cleaned))
    found = _DURATION.match(cleaned)
    if not cleaned or not found:
        raise Invalid(f"{field}: not a duration: {text!r} (write e.g. 30m, 2h, 1d or 1h30m)")
    days, hours, minutes = (int(part or 0) for part in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def checked(build: Callable[[], T]) -> Outcome[T]:
    """Build a value from form input; what is refused becomes the messages for the form."""
    try:
        return Outcome(value=build())
    except ValidationError as exc:
        return Outcome(errors=validation_messages(exc))
    except WatchkeeperError as exc:
        return Outcome(errors=[exc.detail, *(e.message for e in exc.errors)])


def save(request: Request, build: Callable[[], T], work: Callable[[Session, T], V]) -> Outcome[V]:
    """Check the form's value, then run `work` with it in its own transaction."""
    read = checked(build)
    if read.value is None:
        return Outcome(errors=read.errors)
    data = read.value
    return attempt(request, lambda session: work(session, data))


def text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def service_names(session: Session) -> dict[int, str]:
    return {service.id: service.name for service in services.all_(session)}


def can(principal: Principal, role: Role) -> bool:
    return principal.role.allows(role)
