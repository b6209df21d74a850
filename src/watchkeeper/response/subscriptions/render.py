"""The messages subscribers get: the confirmation request and each published update,
every one with its one-click unsubscribe link (RFC 8058 headers for email)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import escape

from watchkeeper.response.outbox.service import Message
from watchkeeper.response.statuspage.models import PublicIncident, PublicUpdate, StatusPage
from watchkeeper.response.subscriptions.models import Subscriber


@dataclass(frozen=True)
class Links:
    """Addresses of a page's public routes, from the server's base URL."""

    base_url: str

    def page(self, page: StatusPage) -> str:
        return f"{self.base_url.rstrip('/')}/status/{page.slug}"

    def confirm(self, page: StatusPage, token: str) -> str:
        return f"{self.page(page)}/subscribe/confirm?token={token}"

    def unsubscribe(self, page: StatusPage, token: str) -> str:
        return f"{self.page(page)}/unsubscribe?token={token}"


def _unsubscribe_headers(url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def confirmation(page: StatusPage, subscriber: Subscriber, links: Links) -> Message:
    confirm = links.confirm(page, subscriber.token)
    leave = links.unsubscribe(page, subscriber.token)
    text = (
        f"Someone (we hope you) asked to hear about incidents on {page.title}.\n\n"
        f"Confirm: {confirm}\n\n"
        f"Did not ask? Ignore this message; nothing more will be sent.\n"
        f"Unsubscribe: {leave}\n"
    )
    html = (
        f"<p>Someone (we hope you) asked to hear about incidents on {escape(page.title)}.</p>"
        f'<p><a href="{escape(confirm)}">Confirm the subscription</a></p>'
        f"<p>Did not ask? Ignore this message; nothing more will be sent. "
        f'<a href="{escape(leave)}">Unsubscribe</a></p>'
    )
    return Message(
        purpose="confirm",
        channel="email",
        address=subscriber.address,
        subject=f"Confirm your subscription to {page.title}",
        text=text,
        html=html,
        headers=_unsubscribe_headers(leave),
        subscriber_id=subscriber.id,
    )


@dataclass(frozen=True)
class UpdateNews:
    """What every subscriber of one announcement is told; only the links differ."""

    page: StatusPage
    incident: PublicIncident
    update: PublicUpdate
    components: Sequence[str]

    @property
    def subject(self) -> str:
        state = self.update.state.replace("_", " ").capitalize()
        return f"[{self.page.title}] {self.incident.name}: {state}"

    def payload(self, page_url: str, unsubscribe: str) -> dict[str, Any]:
        """A webhook's body: the update in Statuspage's field names where they exist."""
        return {
            "type": "incident_update" if self.incident.kind == "incident" else "maintenance",
            "page": {"id": str(self.page.id), "name": self.page.title, "url": page_url},
            "incident": {
                "id": str(self.incident.id),
                "name": self.incident.name,
                "status": self.incident.state,
                "shortlink": f"{page_url}#incident-{self.incident.id}",
            },
            "incident_update": {
                "id": str(self.update.id),
                "status": self.update.state,
                "body": self.update.body,
                "created_at": _iso(self.update.created_at),
                "display_at": _iso(self.update.published_at or self.update.created_at),
            },
            "components": list(self.components),
            "meta": {"unsubscribe": unsubscribe},
        }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def update_message(news: UpdateNews, subscriber: Subscriber, links: Links) -> Message:
    page_url = links.page(news.page)
    leave = links.unsubscribe(news.page, subscriber.token)
    if subscriber.kind == "webhook":
        return Message(
            purpose="update",
            channel="webhook",
            address=subscriber.address,
            secret=subscriber.secret,
            subject=news.subject,
            text=news.update.body,
            payload=news.payload(page_url, leave),
            subscriber_id=subscriber.id,
        )
    state = news.update.state.replace("_", " ").capitalize()
    touched = ", ".join(news.components) or "-"
    text = (
        f"{news.incident.name}\n\n{state}: {news.update.body}\n\n"
        f"Affected: {touched}\n{page_url}\n\n"
        f"You get this because you subscribed to {news.page.title}.\n"
        f"Unsubscribe: {leave}\n"
    )
    html = (
        f"<h2>{escape(news.incident.name)}</h2>"
        f"<p><strong>{escape(state)}</strong>: {escape(news.update.body)}</p>"
        f"<p>Affected: {escape(touched)}</p>"
        f'<p><a href="{escape(page_url)}">{escape(news.page.title)} status</a></p>'
        f'<p><small><a href="{escape(leave)}">Unsubscribe</a></small></p>'
    )
    return Message(
        purpose="update",
        channel="email",
        address=subscriber.address,
        subject=news.subject,
        text=text,
        html=html,
        headers=_unsubscribe_headers(leave),
        subscriber_id=subscriber.id,
    )
