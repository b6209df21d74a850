"""Whether a contact-method address can be used at all, checked when it is added and again
before each send (rows stored before a rule existed must not slip through).

No control characters, raw or percent-encoded at any depth: Apprise decodes URL parts and
some plugins write them to the wire as protocol lines (`irc://bot:p%0d%0aSET...` became
`PASS p` then `SET ...` to whatever listened). And Apprise only through services we have
reviewed: they speak HTTP(S) through requests or SMTP through smtplib, from the sending
thread or Apprise's own workers, so `sockets` checks every connection they make. Refused
are plugins that start threads of their own (XMPP), line protocols (IRC), datagrams
(syslog), local buses and desktops (D-Bus, Windows, macOS) and all we have not read.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import unquote

CONTROL = "it holds a control character (such as a line break)"
UNKNOWN = "Apprise does not know this URL"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LINE_BREAKING = ("Cc", "Zl", "Zp")  # C0 and C1 controls, DEL, line and paragraph separators
_DECODINGS = 4  # %250d is %0d once decoded; no plugin decodes more often than this

# fmt: off
REVIEWED_APPRISE_SCHEMES = frozenset(
    {
        # email
        "mailto", "mailtos",
        # chat and push
        "slack", "discord", "tgram", "ntfy", "ntfys", "pover", "pbul", "matrix", "matrixs",
        "mmost", "mmosts", "rocket", "rockets", "zulip", "gchat", "workflow", "workflows",
        "webex", "wxteams", "gotify", "gotifys", "signal", "signals", "line", "threema",
        # posts to a server of one's own
        "json", "jsons", "xml", "xmls", "form", "forms", "apprise", "apprises",
        "hassio", "hassios",
        # incident and on-call tools
        "pagerduty", "opsgenie", "splunk", "victorops", "spike", "squadcast", "ilert",
        "pagertree", "signl4", "incidentio", "goalert", "goalerts",
        # SMS gateways
        "twilio", "nexmo", "vonage", "msgbird", "plivo", "sinch", "clicksend",
    }
)
# fmt: on
# A vendor's own URL (https://hooks.slack.com/...) is read by that vendor's plugin.
_NATIVE = ("https", "http")


def unusable(kind: str, address: str) -> str | None:
    """Why this address cannot be used, or None when it can."""
    if has_control_character(address):
        return CONTROL
    if kind == "email":
        return None if _EMAIL.fullmatch(address) else "not an email address"
    if kind == "webhook":
        if address.startswith(("https://", "http://")):
            return None
        return "a webhook URL starts with https:// (or http://)"
    if kind == "apprise":
        return _apprise(address)
    return f"there is no {kind} channel"


def has_control_character(text: str) -> bool:
    for _ in range(_DECODINGS + 1):
        if any(unicodedata.category(char) in _LINE_BREAKING for char in text):
            return True
        decoded = unquote(text, errors="replace")
        if decoded == text:
            return False
        text = decoded
    return False


def _apprise(url: str) -> str | None:
    import apprise

    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme not in REVIEWED_APPRISE_SCHEMES and scheme not in _NATIVE:
        return _not_reviewed(scheme) if scheme in known_apprise_schemes() else UNKNOWN
    plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        return UNKNOWN
    if _schemes_of(type(plugin)) & REVIEWED_APPRISE_SCHEMES:
        return None
    return _not_reviewed(scheme)


def _not_reviewed(scheme: str) -> str:
    return (
        f"Watchkeeper does not send through this Apprise service ({scheme}://); "
        "the paging documentation lists those it does"
    )


def _schemes_of(plugin: type) -> set[str]:
    found: set[str] = set()
    for attribute in ("protocol", "secure_protocol"):
        value = getattr(plugin, attribute, None)
        if isinstance(value, str):
            found.add(value.lower())
        elif isinstance(value, list | tuple):
            found.update(str(item).lower() for item in value)
    return found


@cache
def known_apprise_schemes() -> frozenset[str]:
    """Every scheme of this Apprise version, with plugins whose packages are missing."""
    from apprise.manager_plugins import NotificationManager

    manager = NotificationManager()  # type: ignore[no-untyped-call]
    return frozenset(manager.schemas())  # type: ignore[no-untyped-call]
