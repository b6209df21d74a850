"""The SMTP intake: an aiosmtpd handler that turns mail to an integration's address into
an event, answering 250 only once the event is committed.

An address names a generic integration by its key: `<key>@<domain>`, or a plus address
`<anything>+<key>@<domain>` for mail systems that route one mailbox. A wrong key is
refused at RCPT (550), so nothing is accepted for nobody. A message we must not act on
(an automatic reply, one of our own notifications; see `adapters.email`) is accepted and
dropped, so that no bounce starts a loop.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import structlog

from watchkeeper.core.clock import Clock
from watchkeeper.pipeline.ingest.adapters.email import Refused, parse_message
from watchkeeper.pipeline.ingest.integrations import KEY_PATTERN, Target
from watchkeeper.pipeline.ingest.keys import KeyCache
from watchkeeper.pipeline.ingest.writer import IntakeWriter, Submission

log = structlog.get_logger(__name__)
_KEY = re.compile(KEY_PATTERN)
INTEGRATION_TYPES = ("generic",)


def key_of(address: str, domain: str | None) -> str | None:
    """The integration key an address names, or None."""
    local, _, host = address.strip().strip("<>").rpartition("@")
    if not local or (domain and host.lower() != domain.lower()):
        return None
    candidate = local.rpartition("+")[2]
    return candidate if _KEY.fullmatch(candidate) else None


@dataclass
class MailIntake:
    keys: KeyCache
    writer: IntakeWriter
    clock: Clock
    domain: str | None = None
    dedup_header: str = "X-Alert-Key"
    subject_pattern: re.Pattern[str] | None = None

    async def _target(self, address: str) -> Target | None:
        key = key_of(address, self.domain)
        if key is None:
            return None
        now = self.clock.now()
        loop = asyncio.get_running_loop()
        target = await loop.run_in_executor(None, self.keys.find, key, now)
        if target is None or target.type not in INTEGRATION_TYPES:
            return None
        return target

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if await self._target(address) is None:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or b""
        now = self.clock.now()
        parsed = parse_message(
            raw, now, dedup_header=self.dedup_header, subject_pattern=self.subject_pattern
        )
        if isinstance(parsed, Refused):
            log.info("mail dropped", reason=parsed.reason)
            return f"250 OK, not an alert: {parsed.reason}"
        targets = [t for t in [await self._target(a) for a in envelope.rcpt_tos] if t]
        submissions = [
            Submission(
                integration_id=target.integration_id,
                service_id=target.service_id,
                received_at=now,
                events=[parsed],
                raw=raw,
                content_type="message/rfc822",
            )
            for target in {t.integration_id: t for t in targets}.values()
        ]
        try:
            await asyncio.gather(*(asyncio.wrap_future(self.writer.submit(s)) for s in submissions))
        except Exception as exc:
            log.warning("mail not stored", error=str(exc))
            return "451 4.3.0 Could not store the message; try again later"
        return "250 OK"
