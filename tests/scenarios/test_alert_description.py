"""An incident opened by an alert describes it with its labels and links, each part
only when the alert has any, so a page never repeats an empty heading."""

from __future__ import annotations

from tests.scenarios.harness import Harness


def test_an_alert_without_labels_or_links_opens_an_incident_without_a_description(
    h: Harness,
) -> None:
    h.post("events", {"summary": "Disk almost full"})
    h.run_engine()
    [incident] = h.incidents()
    assert incident.description == ""


def test_labels_and_links_each_get_their_part_only_when_present(h: Harness) -> None:
    h.post("events", {"summary": "Queue backed up", "labels": {"queue": "mail"}})
    link = {"href": "https://grafana.example.com/d/queues", "text": "Queues"}
    h.post("events", {"summary": "Queue stalled", "links": [link]})
    h.run_engine()
    labelled, linked = h.incidents()
    assert labelled.description == "Alert labels:\n- **queue**: mail"
    assert linked.description == "Links:\n- [Queues](https://grafana.example.com/d/queues)"


def test_both_parts_are_apart(h: Harness) -> None:
    link = {"href": "https://runbooks.example.com/disk"}
    h.post("events", {"summary": "Disk full", "labels": {"host": "db-1"}, "links": [link]})
    h.run_engine()
    [incident] = h.incidents()
    assert incident.description == (
        "Alert labels:\n- **host**: db-1\n\n"
        "Links:\n- [https://runbooks.example.com/disk](https://runbooks.example.com/disk)"
    )
