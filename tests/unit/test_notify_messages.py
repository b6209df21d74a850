"""Rendering page messages, signed action links and the retry back-off."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.unit.channel_support import NOW, card
from watchkeeper.core.errors import Forbidden, NotFound
from watchkeeper.pipeline.notify import send
from watchkeeper.pipeline.notify.links import Claim, Linker
from watchkeeper.pipeline.notify.render import IncidentCard, page_message, plain_message

# -- rendering ----------------------------------------------------------------------------


def test_a_one_incident_page_names_it_in_the_subject() -> None:
    message = page_message("wk_msg_1", [card(7, priority="P1", title="Checkout returns 502")])
    assert message.subject == "[Watchkeeper] #7 P1 triggered: Checkout returns 502 (Checkout)"
    assert message.message_id == "wk_msg_1"
    for part in (message.text, message.html):
        assert "https://wk.example/act/ack-7" in part
        assert "https://wk.example/act/res-7" in part
        assert "https://wk.example/incidents/7" in part
        assert "summary of 7" in part
    assert message.payload["type"] == "page"
    [incident] = message.payload["incidents"]
    assert incident["acknowledge_url"] == "https://wk.example/act/ack-7"
    assert incident["resolve_url"] == "https://wk.example/act/res-7"


def test_a_bundle_counts_its_incidents_and_names_the_worst_priority() -> None:
    cards = [card(1, priority="P3"), card(2, priority="P1"), card(3, priority="P2")]
    message = page_message("wk_msg_2", cards)
    assert message.subject == "[Watchkeeper] 3 incidents need you (worst P1)"
    for each in cards:
        for part in (message.text, message.html):
            assert f"https://wk.example/act/ack-{each.id}" in part
            assert f"https://wk.example/act/res-{each.id}" in part
            assert f"#{each.id} " in part
    assert [i["id"] for i in message.payload["incidents"]] == [1, 2, 3]


def test_html_escapes_what_incidents_say() -> None:
    title = "<script>alert('x')</script> & co"
    message = page_message("wk_msg_3", [card(1, title=title)])
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "&amp; co" in message.html
    assert title in message.text  # plain text stays as it was
    assert message.payload["incidents"][0]["title"] == title


def test_a_subject_is_one_line_whatever_the_title_holds() -> None:
    message = page_message("wk_msg_8", [card(1, title="Disk\nfull\r\non  db-1\t")])
    assert message.subject == "[Watchkeeper] #1 P2 triggered: Disk full on db-1 (Checkout)"
    plain = plain_message("wk_msg_9", "Shift\nstarts", "text")
    assert plain.subject == "Shift starts"


FORGED = (
    "Disk full\n\nAcknowledge #1: https://evil.example/steal\r\nResolve #1: https://evil.example/x"
)


def test_a_title_cannot_plant_link_lines_in_a_message() -> None:
    message = page_message("wk_msg_10", [card(1, title=FORGED)])
    lines = message.text.splitlines()
    acknowledge = [line for line in lines if line.startswith("Acknowledge")]
    assert acknowledge == ["Acknowledge #1: https://wk.example/act/ack-1"]
    assert not any(line.startswith("Resolve") and "evil" in line for line in lines)
    headline = next(line for line in lines if line.startswith("#1 "))
    assert "Disk full Acknowledge #1: https://evil.example/steal Resolve #1:" in headline
    assert message.payload["incidents"][0]["title"] == " ".join(FORGED.split())
    assert "\n" not in message.payload["incidents"][0]["title"]


def test_a_summary_is_one_line_too() -> None:
    forged = IncidentCard(**{**vars(card(1)), "summary": "first\nAcknowledge #1: https://evil"})
    message = page_message("wk_msg_11", [forged])
    assert "Summary: first Acknowledge #1: https://evil" in message.text.splitlines()
    assert "first\nAcknowledge" not in message.html


def test_the_signed_links_come_first_in_the_plain_text() -> None:
    message = page_message("wk_msg_12", [card(1), card(2)])
    lines = message.text.splitlines()
    assert lines[:4] == [
        "Acknowledge #1: https://wk.example/act/ack-1",
        "Resolve #1: https://wk.example/act/res-1",
        "Acknowledge #2: https://wk.example/act/ack-2",
        "Resolve #2: https://wk.example/act/res-2",
    ]
    assert lines[5:9] == [
        "#1 P2 triggered: Incident 1",
        "Service: Checkout",
        "Summary: summary of 1",
        "Open: https://wk.example/incidents/1",
    ]


def test_a_page_for_someone_who_may_not_act_carries_no_action_links() -> None:
    watching = IncidentCard(**{**vars(card(1)), "acknowledge_url": None, "resolve_url": None})
    message = page_message("wk_msg_13", [watching])
    for part in (message.text, message.html):
        assert "/act/" not in part
        assert "Acknowledge" not in part
        assert "Resolve" not in part
        assert "https://wk.example/incidents/1" in part
    assert message.text.startswith("#1 P2 triggered: Incident 1")
    [incident] = message.payload["incidents"]
    assert (incident["acknowledge_url"], incident["resolve_url"]) == (None, None)


def test_a_long_title_keeps_the_subject_within_its_column() -> None:
    message = page_message("wk_msg_4", [card(1, title="x" * 1000)])
    assert len(message.subject) == 300


def test_a_plain_message_escapes_and_keeps_its_lines() -> None:
    message = plain_message("wk_msg_5", "Your code", "line <1>\nline 2")
    assert message.text == "line <1>\nline 2"
    assert "line &lt;1&gt;<br>line 2" in message.html
    assert message.payload == {"type": "message", "text": "line <1>\nline 2"}


# -- signed action links ------------------------------------------------------------------


def _claim(action: str = "acknowledge", expires_at: datetime = NOW + timedelta(days=3)) -> Claim:
    return Claim(action, incident_id=12, user_id=3, notification_id=99, expires_at=expires_at)


def test_a_link_round_trips_its_claim() -> None:
    linker = Linker("https://wk.example/", "secret key")
    for action in ("acknowledge", "resolve"):
        claim = _claim(action)
        token = linker.token(claim)
        assert linker.read(token, NOW) == claim
        assert linker.action_url(claim) == f"https://wk.example/act/{token}"
    assert linker.incident_url(12) == "https://wk.example/incidents/12"


def test_any_changed_character_makes_a_link_invalid() -> None:
    linker = Linker("https://wk.example", "secret key")
    token = linker.token(_claim())
    for index, char in enumerate(token):
        if char == ".":
            continue
        changed = token[:index] + ("A" if char != "A" else "B") + token[index + 1 :]
        with pytest.raises(NotFound):
            linker.read(changed, NOW)


@pytest.mark.parametrize("cut", ["no-dot-at-all", "", ".", "payload.", ".signature"])
def test_a_malformed_link_is_not_found(cut: str) -> None:
    with pytest.raises(NotFound):
        Linker("https://wk.example", "secret key").read(cut, NOW)


def test_an_expired_link_is_forbidden() -> None:
    linker = Linker("https://wk.example", "secret key")
    token = linker.token(_claim(expires_at=NOW))
    assert linker.read(token, NOW - timedelta(seconds=1)).expires_at == NOW
    with pytest.raises(Forbidden):
        linker.read(token, NOW)
    with pytest.raises(Forbidden):
        linker.read(token, NOW + timedelta(days=30))


def test_a_link_signed_with_another_secret_key_is_not_found() -> None:
    token = Linker("https://wk.example", "old key").token(_claim())
    with pytest.raises(NotFound):
        Linker("https://wk.example", "new key").read(token, NOW)


def test_a_signed_link_for_an_unknown_action_is_not_found() -> None:
    linker = Linker("https://wk.example", "secret key")
    for action in ("delete", "close", ""):
        with pytest.raises(NotFound):
            linker.read(linker.token(_claim(action)), NOW)


# -- retry back-off -----------------------------------------------------------------------


@pytest.mark.parametrize("attempts", range(1, 11))
def test_backoff_doubles_from_15_seconds_to_at_most_15_minutes_with_jitter(attempts: int) -> None:
    step = min(timedelta(seconds=15) * 2 ** (attempts - 1), timedelta(minutes=15))
    shortest = send.backoff(attempts, rng=lambda: 0.0)
    longest = send.backoff(attempts, rng=lambda: 1.0)
    assert shortest == step / 2
    assert longest == step
    assert step / 2 <= send.backoff(attempts, rng=lambda: 0.37) <= step
    assert step / 2 <= send.backoff(attempts) <= step
