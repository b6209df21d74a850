"""Which link targets from outside (alerts, change events) may become an `href`: http,
https and mailto. Anything else (`javascript:`, `data:`, `file:`, a path on this server)
could run script in a viewer's session or mislead; only the CSP stood in the way."""

from __future__ import annotations

import re

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# What browsers ignore before parsing a URL: leading and trailing C0 controls and spaces,
# and tabs and line breaks anywhere (so `java\tscript:` is `javascript:`).
_IGNORED_ANYWHERE = str.maketrans("", "", "\t\n\r")
_IGNORED_AT_ENDS = "".join(chr(code) for code in range(0x21))


def is_safe_link(href: str) -> bool:
    cleaned = href.translate(_IGNORED_ANYWHERE).strip(_IGNORED_AT_ENDS)
    scheme = _SCHEME.match(cleaned)
    return scheme is not None and scheme.group(1).lower() in SAFE_SCHEMES
