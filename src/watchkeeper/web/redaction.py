"""Secrets out of logged paths: integration keys, action links and feed tokens are URLs.

A monitoring tool authenticates by the key in the path it posts to, a person acts by the
signed token in a link, a calendar reads a feed by its token: whoever reads the access
log (at DEBUG) or an error record would hold them all. Every path that is logged goes
through `redact_target` first; the access log of uvicorn gets it through a filter.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode

REDACTED = "<redacted>"
# Where a route carries its secret, as (pattern, the part kept before, after).
_SECRET_SEGMENTS = (
    re.compile(r"^(/api/v1/integrations/)(?!\d+/)([^/]+)(/[^/]+/?)$"),
    re.compile(r"^(/api/v1/heartbeats/)([^/]+)((?:/[^/]*)?)$"),
    re.compile(r"^(/act/)([^/]+)((?:/.*)?)$"),
    re.compile(r"^(/ical/(?:users|schedules)/)([^/]+?)(\.ics)?$"),
)
# Our own secrets are recognisable anywhere (core.secrets): `wk_<kind>_<base62>`.
_TOKEN_SHAPE = re.compile(r"wk_[a-z]+_[0-9A-Za-z]{8,}")
_SECRET_PARAMS = frozenset(
    {"key", "token", "secret", "password", "signature", "code", "routing_key", "api_key"}
)


def redact_path(path: str) -> str:
    """`path` with the secret segment of a keyed route, and any token, replaced."""
    for pattern in _SECRET_SEGMENTS:
        found = pattern.match(path)
        if found:
            path = f"{found.group(1)}{REDACTED}{found.group(3) or ''}"
            break
    return _TOKEN_SHAPE.sub(REDACTED, path)


def redact_target(target: str) -> str:
    """A request target (path and query string) fit for a log."""
    path, mark, query = target.partition("?")
    if not mark:
        return redact_path(path)
    pairs = [
        (name, REDACTED if name.lower() in _SECRET_PARAMS else _TOKEN_SHAPE.sub(REDACTED, value))
        for name, value in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{redact_path(path)}?{urlencode(pairs, safe='<>')}"


class AccessLogRedaction(logging.Filter):
    """Rewrite the request target of uvicorn's access records, which log it as their
    third argument (`'%s - "%s %s HTTP/%s" %d'`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def redact_access_log(logger: logging.Logger) -> None:
    """Install the redaction on `logger` once (logging setup may run more than once)."""
    if not any(isinstance(existing, AccessLogRedaction) for existing in logger.filters):
        logger.addFilter(AccessLogRedaction())
