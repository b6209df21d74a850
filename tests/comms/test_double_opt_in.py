"""A visitor subscribes by email: the confirmation reaches a real SMTP server, its link
confirms through the app, updates follow, and one click unsubscribes."""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from tests.e2e.mail import Inbox
from tests.scenarios.harness import Harness
from tests.statuspage.helpers import Pages

LINK = re.compile(r"http://testserver(/status/\S+)")


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _links(message: EmailMessage) -> list[str]:
    return LINK.findall(_text(message))


def _publish(pages: Pages, page_id: int, component_id: int, body: str) -> None:
    pages.public_incident(
        page_id,
        name="Checkout is slow",
        update={
            "state": "investigating",
            "body": body,
            "affected": {component_id: "partial_outage"},
            "publish": True,
        },
    )


def test_a_confirmed_email_subscriber_gets_updates_until_one_click_unsubscribes(
    h: Harness, client: TestClient, pages: Pages, inbox: tuple[Inbox, int]
) -> None:
    mail, _ = inbox
    h.deliver_for_real()
    page = pages.page("acme")
    checkout = pages.component(page["id"], "Checkout")

    answer = client.post("/status/acme/subscribe", data={"email": "Ann@Example.com"})
    assert answer.status_code == 200
    assert "Check your inbox" in answer.text
    h.run_engine()
    h.run_engine()  # the sender's answer is recorded on the next pass

    [request] = mail.to("ann@example.com")
    assert request["Subject"] == "Confirm your subscription to Acme"
    confirm, leave = _links(request)
    assert request["List-Unsubscribe"] == f"<http://testserver{leave}>"
    assert request["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    _publish(pages, page["id"], checkout["id"], "Nobody confirmed yet")
    h.run_engine()
    assert len(mail.to("ann@example.com")) == 1  # not confirmed: nothing but the request

    confirmed = client.get(confirm)
    assert confirmed.status_code == 200
    assert "Subscribed" in confirmed.text

    _publish(pages, page["id"], checkout["id"], "We are looking into slow payments")
    h.run_engine()
    h.run_engine()
    news = mail.to("ann@example.com")[-1]
    assert news["Subject"] == "[Acme] Checkout is slow: Investigating"
    assert "We are looking into slow payments" in _text(news)
    assert "Checkout" in _text(news)
    one_click = urlsplit(news["List-Unsubscribe"].strip("<>"))

    gone = client.post(
        f"{one_click.path}?{one_click.query}", data={"List-Unsubscribe": "One-Click"}
    )
    assert gone.status_code == 200
    assert "Unsubscribed" in gone.text
    _publish(pages, page["id"], checkout["id"], "Still slow")
    h.run_engine()
    h.run_engine()
    assert len(mail.to("ann@example.com")) == 2
    assert client.get(confirm).status_code == 404


def test_the_unsubscribe_link_in_a_message_asks_before_it_acts(
    h: Harness, client: TestClient, pages: Pages, inbox: tuple[Inbox, int]
) -> None:
    mail, _ = inbox
    h.deliver_for_real()
    pages.page("acme")
    client.post("/status/acme/subscribe", data={"email": "bo@example.com"})
    h.run_engine()
    [request] = mail.to("bo@example.com")
    _, leave = _links(request)

    shown = client.get(leave)
    assert shown.status_code == 200
    assert "<form" in shown.text
    assert client.get(leave).status_code == 200  # looking twice changes nothing
    token = leave.split("token=")[1]
    assert client.post("/status/acme/unsubscribe", data={"token": token}).status_code == 200
    assert client.get(leave).status_code == 404
