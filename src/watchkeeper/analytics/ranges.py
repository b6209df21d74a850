"""Report ranges: a half-open window of UTC instants and the period just before it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchkeeper.core.errors import FieldError, Invalid

_SINCE = re.compile(r"^(\d{1,4})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
MAX_SPAN = timedelta(days=732)
# A range and the period before it stay far from datetime's limits.
EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ReportRange:
    """`[start, end)`: an incident belongs to the range its creation falls in."""

    start: datetime
    end: datetime

    @property
    def span(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> ReportRange:
        """The period of the same length that ends where this one starts (the trend base)."""
        return ReportRange(self.start - self.span, self.start)


def parse_since(value: str, field: str = "query.since") -> timedelta:
    """`7d`, `30d`, `90d`, `12h`, `2w` as a length of time."""
    match = _SINCE.match(value.strip().lower())
    if match is None or int(match.group(1)) == 0:
        raise Invalid(
            f"{field} must look like 7d, 30d, 90d, 12h or 2w",
            errors=[FieldError(field, "Give a length such as 7d, 30d, 90d, 12h or 2w.")],
        )
    span = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if span > MAX_SPAN:
        raise Invalid(
            f"{field} is longer than two years",
            errors=[FieldError(field, "Choose a range of at most two years.")],
        )
    return span


def resolve_range(
    *, now: datetime, since: str | None, start: datetime | None, end: datetime | None
) -> ReportRange:
    """A range from either a length back from now (`since`, default 30d) or custom bounds."""
    if start is not None or end is not None:
        if since is not None:
            raise Invalid(
                "give either since or start/end, not both",
                errors=[FieldError("query.since", "Leave this out when you give start and end.")],
            )
        for value, name in ((start, "start"), (end, "end")):
            if value is not None and not EARLIEST <= value <= LATEST:
                raise Invalid(
                    f"{name} is out of range",
                    errors=[FieldError(f"query.{name}", "Choose a time between 1971 and 9000.")],
                )
        stop = end or now
        begin = start or stop - timedelta(days=30)
        if begin >= stop:
            raise Invalid(
                "start must be before end",
                errors=[FieldError("query.start", "Choose a start before the end of the range.")],
            )
        if stop - begin > MAX_SPAN:
            raise Invalid(
                "the range is longer than two years",
                errors=[FieldError("query.start", "Choose a range of at most two years.")],
            )
        return ReportRange(begin, stop)
    return ReportRange(now - parse_since(since or "30d"), now)


def zone(name: str | None, field: str = "query.tz") -> ZoneInfo:
    """The IANA time zone called `name` (UTC when none is given)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Invalid(
            f"unknown time zone {name!r}",
            errors=[FieldError(field, "Give an IANA time zone such as Europe/Berlin.")],
        ) from exc
