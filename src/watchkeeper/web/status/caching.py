"""Conditional responses for status pages: an ETag from the body, Last-Modified from the
data, and 304 when the client already has them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

# No script at all; logos may come from any https host.
STATUS_PAGE_CSP = (
    "default-src 'none'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def conditional(
    request: Request,
    body: bytes,
    *,
    media_type: str,
    last_modified: datetime,
    public: bool,
    max_age: int = 30,
) -> Response:
    """`body` with validators, or 304 when the client's copy is still the current one.
    A logged-in page may be kept only by the browser (private), and is revalidated."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    modified = last_modified.astimezone(UTC).replace(microsecond=0)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": f"public, max-age={max_age}" if public else "private, no-cache",
        "Vary": "Cookie, Authorization",
    }
    if "html" in media_type:
        headers["Content-Security-Policy"] = STATUS_PAGE_CSP
    if _fresh(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


def _fresh(request: Request, etag: str, modified: datetime) -> bool:
    sent = request.headers.get("if-none-match")
    if sent is not None:  # takes precedence over If-Modified-Since (RFC 9110)
        tags = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return when.tzinfo is not None and modified <= when
