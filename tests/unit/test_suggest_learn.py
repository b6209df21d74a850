"""The local model on values: similar texts rank first, fields are guessed with a
confidence, and a model survives the trip through its stored bytes."""

from __future__ import annotations

from itertools import pairwise

from watchkeeper.response.suggestions.learn import Example, Model, train
from watchkeeper.response.suggestions.text import document

HISTORY = [
    Example(1, "Disk full on db-1: /var/lib/postgresql at 100%", {"category_id": 10, "impact": 2}),
    Example(2, "Checkout returns HTTP 500 after the deploy", {"category_id": 20, "impact": 1}),
    Example(3, "TLS certificate for api.example.com expired", {"category_id": 30, "impact": 2}),
    Example(4, "Disk almost full on db-2, WAL archive growing", {"category_id": 10, "impact": 3}),
    Example(5, "Payment API errors after release 4.2", {"category_id": 20, "impact": 1}),
    Example(6, "Certificate expiry warning for www", {"category_id": 30, "impact": 3}),
    Example(7, "Disk space low on the log volume", {"category_id": 10, "impact": 3}),
    Example(8, "Deploy broke the login page, 500s", {"category_id": 20, "impact": 2}),
]


def test_a_text_like_a_past_incident_finds_it_first() -> None:
    model = train(HISTORY)
    found = model.similar(model.vector("disk full on db-3"), k=5)
    assert found[0].incident_id in {1, 4, 7}
    assert {n.incident_id for n in found[:3]} == {1, 4, 7}
    assert all(a.score >= b.score for a, b in pairwise(found))


def test_an_incident_is_not_similar_to_itself() -> None:
    model = train(HISTORY)
    found = model.similar(model.vector(HISTORY[0].text), k=5, exclude=1)
    assert 1 not in [n.incident_id for n in found]


def test_the_category_is_guessed_with_a_confidence() -> None:
    model = train(HISTORY)
    guess = model.guess(model.vector("the disk is full on db-4"))
    assert guess["category_id"].value == 10
    assert 0 < guess["category_id"].confidence <= 1
    assert "urgency" not in guess  # no example carries it


def test_a_field_with_one_value_is_guessed_with_certainty() -> None:
    model = train([Example(i, f"incident {i}", {"urgency": 2}) for i in range(6)])
    assert model.guess(model.vector("anything"))["urgency"].value == 2


def test_unsearchable_examples_teach_but_are_not_offered() -> None:
    history = [*HISTORY, Example(9, "Disk full on db-1 again", {}, searchable=False)]
    model = train(history)
    assert 9 not in [n.incident_id for n in model.similar(model.vector("disk full db-1"))]


def test_the_stored_bytes_give_back_the_same_answers() -> None:
    model = train(HISTORY)
    again = Model.loads(model.dumps())
    vector = again.vector("certificate expired")
    assert again.similar(vector) == model.similar(model.vector("certificate expired"))
    assert again.guess(vector) == model.guess(model.vector("certificate expired"))


def test_the_document_carries_alert_labels_and_bounds_its_size() -> None:
    text = document(
        title="Disk full",
        service="db",
        alerts=[("DiskFull on db-1", {"alertname": "DiskFull", "host": "db-1"})] * 3,
        description="x" * 10_000,
    )
    assert "alertname=DiskFull DiskFull" in text
    assert text.count("DiskFull on db-1") == 1
    assert "service db" in text
    assert len(text) == 4_000
