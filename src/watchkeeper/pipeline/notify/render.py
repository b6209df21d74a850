"""Turning pages into messages: one incident, or a bundle of several, as subject, plain
text, HTML and a webhook JSON payload, each with its acknowledge and resolve links.

Titles and summaries come from alerts and the API and may hold line breaks; in a message
they are one line each, and the plain text starts with the signed links, so no title can
plant an "Acknowledge:" line of its own above the real ones."""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from watchkeeper.pipeline.notify.channels.base import Outgoing


@dataclass(frozen=True)
class IncidentCard:
    id: int
    title: str
    priority: str
    status: str
    service: str
    summary: str
    url: str
    # None for someone whose role may not act on incidents: their messages carry no links.
    acknowledge_url: str | None
    resolve_url: str | None
    # What the engine found out about it since it opened: "Looks like #12 ...", a known
    # error's workaround.
    notices: tuple[str, ...] = ()


def page_message(message_id: str, cards: list[IncidentCard]) -> Outgoing:
    """A page about one incident; several that came within the throttle minute are one
    message listing them all."""
    cards = [_flattened(card) for card in cards]
    if len(cards) == 1:
        card = cards[0]
        subject = (
            f"[Watchkeeper] #{card.id} {card.priority} {card.status}: {card.title} ({card.service})"
        )
    else:
        worst = min(card.priority for card in cards)
        subject = f"[Watchkeeper] {len(cards)} incidents need you (worst {worst})"
    links = [_links(card) for card in cards if card.acknowledge_url and card.resolve_url]
    blocks = ["\n".join(links)] if links else []
    text = "\n\n".join(blocks + [_text(card) for card in cards])
    html = "".join(_html(card) for card in cards)
    payload = {
        "type": "page",
        "incidents": [
            {
                "id": card.id,
                "title": card.title,
                "priority": card.priority,
                "status": card.status,
                "service": card.service,
                "url": card.url,
                "acknowledge_url": card.acknowledge_url,
                "resolve_url": card.resolve_url,
            }
            for card in cards
        ],
    }
    return Outgoing(message_id, _one_line(subject)[:300], text, _page(html), payload)


def plain_message(message_id: str, subject: str, text: str) -> Outgoing:
    """Verification codes, test notifications, hand-offs."""
    html = _page(f"<p>{escape(text).replace(chr(10), '<br>')}</p>")
    return Outgoing(message_id, _one_line(subject), text, html, {"type": "message", "text": text})


def _one_line(subject: str) -> str:
    """Titles may hold line breaks (alert summaries, the API); a subject, and an email
    header above all, may not."""
    return " ".join(subject.split())


def _flattened(card: IncidentCard) -> IncidentCard:
    return replace(
        card,
        title=_one_line(card.title),
        summary=_one_line(card.summary),
        notices=tuple(_one_line(notice) for notice in card.notices),
    )


def _links(card: IncidentCard) -> str:
    return f"Acknowledge #{card.id}: {card.acknowledge_url}\nResolve #{card.id}: {card.resolve_url}"


def _text(card: IncidentCard) -> str:
    lines = [
        f"#{card.id} {card.priority} {card.status}: {card.title}",
        f"Service: {card.service}",
    ]
    if card.summary:
        lines.append(f"Summary: {card.summary}")
    lines.extend(f"Note: {notice}" for notice in card.notices)
    lines.append(f"Open: {card.url}")
    return "\n".join(lines)


def _html(card: IncidentCard) -> str:
    return (
        f"<h2>#{card.id} {escape(card.priority)} {escape(card.status)}: {escape(card.title)}</h2>"
        f"<p>Service: {escape(card.service)}</p>"
        + (f"<p>{escape(card.summary)}</p>" if card.summary else "")
        + "".join(f"<p><strong>{escape(notice)}</strong></p>" for notice in card.notices)
        + "<p>"
        + "".join(
            f'<a href="{escape(url)}">{label}</a> · '
            for label, url in (("Acknowledge", card.acknowledge_url), ("Resolve", card.resolve_url))
            if url
        )
        + f'<a href="{escape(card.url)}">Open in Watchkeeper</a></p>'
    )


def _page(body: str) -> str:
    return f'<!doctype html><html><body style="font-family: sans-serif">{body}</body></html>'
