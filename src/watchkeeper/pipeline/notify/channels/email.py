"""Email through an SMTP server: a plain-text and an HTML part."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from watchkeeper.pipeline.notify.channels.addresses import unusable
from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "watchkeeper@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 15.0


class EmailChannel:
    def __init__(self, config: SmtpConfig | None) -> None:
        self.config = config

    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        if self.config is None:
            return Delivery(
                ok=False, retryable=False, detail="email is not set up (WATCHKEEPER_SMTP_HOST)"
            )
        reason = unusable("email", address)
        if reason:  # a line break would add headers or SMTP commands
            return Delivery(ok=False, retryable=False, detail=f"not sent: {reason}")
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.config.sender
        mail["To"] = address
        mail["Message-ID"] = make_msgid(idstring=message.message_id.replace(":", "."))
        mail["X-Watchkeeper-Message"] = message.message_id
        for name, value in message.headers.items():
            mail[name] = value
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        try:
            with self._connect() as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            return Delivery(
                ok=False, retryable=False, detail=f"recipient refused: {exc.recipients}"
            )
        except smtplib.SMTPResponseException as exc:
            return Delivery(ok=False, retryable=exc.smtp_code < 500, detail=f"SMTP {exc.smtp_code}")
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            return Delivery(ok=False, retryable=True, detail=f"{type(exc).__name__}: {exc}")
        return Delivery(ok=True, detail="accepted by the SMTP server")

    def close(self) -> None:
        """Each message has its own SMTP connection: nothing is kept."""

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        assert config is not None
        smtp: smtplib.SMTP
        if config.ssl:
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout)
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            if config.starttls:
                smtp.starttls()
        if config.username:
            smtp.login(config.username, config.password or "")
        return smtp
