"""Email: one message becomes one trigger event, unless it is one we must not act on.

- title: the subject (one line); description: the plain-text part, or the HTML part
  turned into text when there is no plain one;
- attachments are not stored: the description ends with a note naming them;
- dedup key: the value of the dedup header (`X-Alert-Key` by default) when present, else
  the first group of the subject pattern when one is set and matches, else the subject
  itself, so a monitor that mails the same subject again bumps one alert;
- refused, for loop prevention: automatic replies and notices (`Auto-Submitted` other
  than `no`, `Precedence: bulk|junk|auto_reply`), our own notifications
  (`X-Watchkeeper-Message`) and replies to them (`In-Reply-To`/`References` naming one
  of our Message-IDs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

from watchkeeper.pipeline.ingest.adapters.common import ROOT, build, truncate
from watchkeeper.pipeline.ingest.events import MAX_DEDUP_KEY, MAX_SUMMARY, Action, NormalizedEvent

MAX_DESCRIPTION = 20_000
OUR_MESSAGE_IDS = re.compile(r"wk_msg_\d+")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table"})


@dataclass(frozen=True)
class Refused:
    """A message deliberately not turned into an alert, and why."""

    reason: str


def parse_message(
    raw: bytes,
    now: datetime,
    *,
    dedup_header: str = "X-Alert-Key",
    subject_pattern: re.Pattern[str] | None = None,
) -> NormalizedEvent | Refused:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    refused = _loop(message)
    if refused is not None:
        return refused
    subject = " ".join(str(message.get("Subject", "")).split()) or "(no subject)"
    key = str(message.get(dedup_header, "")).strip()
    if not key and subject_pattern is not None:
        found = subject_pattern.search(subject)
        key = found.group(1) if found and found.groups() else found.group(0) if found else ""
    description, attached = _body(message)
    if attached:
        description += f"\n\n[{len(attached)} attachment(s) not stored: {', '.join(attached)}]"
    sender = str(message.get("From", ""))[:255]
    return build(
        NormalizedEvent,
        ROOT,
        action=Action.TRIGGER,
        dedup_key="email:" + (key or subject)[: MAX_DEDUP_KEY - 6],
        summary=truncate(subject, MAX_SUMMARY),
        source=sender,
        labels={"source": sender} if sender else {},
        details={"description": truncate(description.strip(), MAX_DESCRIPTION), "from": sender},
        occurred_at=now,
    )


def _loop(message: EmailMessage) -> Refused | None:
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return Refused(f"Auto-Submitted: {auto}")
    if str(message.get("Precedence", "")).strip().lower() in ("bulk", "junk", "auto_reply"):
        return Refused("an automatic message (Precedence)")
    if message.get("X-Watchkeeper-Message"):
        return Refused("one of our own notifications")
    thread = f"{message.get('In-Reply-To', '')} {message.get('References', '')}"
    if OUR_MESSAGE_IDS.search(thread):
        return Refused("a reply to one of our notifications")
    return None


def _body(message: EmailMessage) -> tuple[str, list[str]]:
    attached = [
        part.get_filename() or part.get_content_type() for part in message.iter_attachments()
    ]
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return str(plain.get_content()), attached
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        return html_to_text(str(html.get_content())), attached
    return "", attached


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML body: tags dropped, blocks on their own lines, no scripts."""
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
