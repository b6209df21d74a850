"""The Opsgenie adapter and search parser, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchkeeper.pipeline.ingest.adapters import PayloadError
from watchkeeper.pipeline.ingest.adapters.opsgenie import event_for, parse_create
from watchkeeper.pipeline.ingest.events import Severity
from watchkeeper.pipeline.ingest.opsgenie import search
from watchkeeper.pipeline.ingest.opsgenie.errors import BadQuery

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_text_over_its_limit_is_cut_as_opsgenie_does() -> None:
    alert = parse_create({"message": "m" * 200, "tags": [f"t{i}" for i in range(30)]})
    assert len(alert.message) == 130
    assert len(alert.tags) == 20


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": " "}, "message"),
        ({"message": "m", "priority": "P0"}, "priority"),
        ({"message": "m", "tags": "a,b"}, "tags"),
        ({"message": "m", "details": {"k": {"nested": 1}}}, "details.k"),
        ({"message": "m", "responders": [{"type": "robot", "name": "x"}]}, "responders.0.type"),
        ({"message": "m", "responders": [{"type": "team"}]}, "responders.0"),
    ],
)
def test_what_cannot_be_cut_is_refused_naming_the_field(
    body: dict[str, object], field: str
) -> None:
    with pytest.raises(PayloadError) as refused:
        parse_create(body)
    assert refused.value.field == field


def test_the_event_carries_alias_priority_tags_and_description() -> None:
    alert = parse_create(
        {"message": "down", "priority": "P4", "tags": ["b", "a"], "description": "why"}
    )
    event = event_for(alert, "the-alias", NOW)
    assert event.dedup_key == "the-alias"
    assert event.severity is Severity.INFO
    assert event.labels == {"priority": "P4", "tags": "a,b"}
    assert event.details == {"description": "why"}


def test_terms_side_by_side_are_joined_by_and() -> None:
    assert search.parse("status: open tag:db") == search.All(
        (search.Term("status", ":", "open"), search.Term("tag", ":", "db"))
    )


def test_or_binds_looser_than_and_and_not_applies_to_one_term() -> None:
    tree = search.parse('NOT acknowledged: true AND priority = P1 OR message: "disk full"')
    assert tree == search.Any_(
        (
            search.All(
                (
                    search.Not(search.Term("acknowledged", ":", "true")),
                    search.Term("priority", "=", "P1"),
                )
            ),
            search.Term("message", ":", "disk full"),
        )
    )


def test_an_empty_query_matches_everything() -> None:
    assert search.parse("  ") is None


@pytest.mark.parametrize("query", ["colour: red", "(status: open", "status:", "AND", "a ) b"])
def test_an_unreadable_query_is_refused(query: str) -> None:
    with pytest.raises(BadQuery):
        search.parse(query)
