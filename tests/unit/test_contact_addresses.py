"""Which contact-method addresses can be used at all: no control characters, raw or
percent-encoded (they would go out as raw protocol lines), and Apprise only through the
services we have reviewed. The same rules hold when a method is added and when it is sent."""

from __future__ import annotations

import pytest

from tests.unit.channel_support import APPRISE
from watchkeeper.pipeline.notify.channels.addresses import (
    REVIEWED_APPRISE_SCHEMES,
    known_apprise_schemes,
    unusable,
)

CONTROL_CHARACTERS = [
    "irc://bot:p%0d%0aSET%20pwned%201@127.0.0.1:6379/%23ops",  # encoded CR LF
    "json://hooks.example.com/x\r\nX-Injected: 1",  # raw
    "ntfy://ntfy.sh/topic%00",  # NUL
    "json://hooks.example.com/%250d%250aQUIT",  # encoded twice
    "mailto://u:p@example.com?to=a@example.com%0aBcc:x@example.com",
    "json://hooks.example.com/\u2028",  # line separator
    "json://hooks.example.com/%E2%80%A8",  # the same, encoded
    "json://hooks.example.com/%C2%85",  # NEL, a C1 control
    "json://hooks.example.com/\tx",
]


@APPRISE
@pytest.mark.parametrize("address", CONTROL_CHARACTERS)
def test_control_characters_raw_or_encoded_make_an_apprise_url_unusable(address: str) -> None:
    assert unusable("apprise", address) == "it holds a control character (such as a line break)"


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        ("webhook", "https://hooks.example.com/a%0d%0aHost:%20internal"),
        ("webhook", "https://hooks.example.com/\x7f"),
        ("email", "alice@example.com\x00"),
        ("email", "alice@example.com\x1b[2J"),
    ],
)
def test_control_characters_make_any_kind_of_address_unusable(kind: str, address: str) -> None:
    assert unusable(kind, address) == "it holds a control character (such as a line break)"


@APPRISE
@pytest.mark.parametrize(
    "url",
    [
        "irc://bot@irc.example.com/%23ops",
        "ircs://bot@irc.example.com/%23ops",
        "xmpp://user:pass@xmpp.example.com",
        "rsyslog://logs.example.com",
        "syslog://",
        "dbus://",
        "smpp://user:pass@smpp.example.com/+15551234567/+15557654321",
    ],
)
def test_apprise_services_we_have_not_reviewed_are_unusable(url: str) -> None:
    reason = unusable("apprise", url)
    assert reason is not None
    assert reason.startswith("Watchkeeper does not send through this Apprise service")


@APPRISE
@pytest.mark.parametrize(
    "url",
    [
        "ntfy://ntfy.sh/topic",
        "ntfy://watchkeeper-alerts",
        "mailto://u:p@example.com",
        "json://hooks.example.com/x",
        "tgram://123456789:abcdefghijklmnopqrstuvwxyz/123",
        "https://discord.com/api/webhooks/123/abc",  # a vendor's own URL, as Apprise reads it
        "https://hooks.slack.com/services/T1/B1/XYZ",
    ],
)
def test_reviewed_apprise_services_are_usable(url: str) -> None:
    assert unusable("apprise", url) is None


@APPRISE
@pytest.mark.parametrize("url", ["nonsense://x", "not a url", "https://example.com/x"])
def test_an_apprise_url_apprise_does_not_understand_is_unusable(url: str) -> None:
    assert unusable("apprise", url) == "Apprise does not know this URL"


@APPRISE
def test_every_reviewed_scheme_is_one_apprise_knows() -> None:
    missing = REVIEWED_APPRISE_SCHEMES - known_apprise_schemes()
    assert not missing, f"not schemes of this Apprise: {sorted(missing)}"


@pytest.mark.parametrize(
    ("kind", "address", "reason"),
    [
        ("email", "nope", "not an email address"),
        ("webhook", "ftp://hooks.example.com/x", "a webhook URL starts with https:// (or http://)"),
        ("webhook", "https://hooks.example.com/x", None),
        ("email", "alice@example.com", None),
    ],
)
def test_emails_and_webhooks_keep_their_own_rules(
    kind: str, address: str, reason: str | None
) -> None:
    assert unusable(kind, address) == reason
