from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from watchkeeper.core.errors import Invalid
from watchkeeper.core.pagination import Sort, check_limit, decode_cursor, encode_cursor, parse_sort


def test_sort_accepts_allowed_fields_with_optional_minus() -> None:
    assert parse_sort("-created_at", allowed=["id", "created_at"], default=Sort("id")) == Sort(
        "created_at", descending=True
    )
    assert parse_sort(None, allowed=["id"], default=Sort("id")) == Sort("id")


def test_sort_by_an_unknown_field_is_invalid_and_names_the_allowed_ones() -> None:
    with pytest.raises(Invalid) as caught:
        parse_sort("password_hash", allowed=["id", "login"], default=Sort("id"))
    assert caught.value.errors[0].location == "query.sort"
    assert "id, login" in caught.value.errors[0].message


def test_cursor_round_trips_datetimes_and_ids() -> None:
    sort = Sort("created_at", descending=True)
    when = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert decode_cursor(encode_cursor(sort, [when, 42]), sort) == [when, 42]


@pytest.mark.parametrize("cursor", ["", "not-base64!", "eyJ4IjoxfQ", "bnVsbA"])
def test_garbage_cursors_are_invalid(cursor: str) -> None:
    with pytest.raises(Invalid, match="cursor"):
        decode_cursor(cursor, Sort("id"))


def test_a_cursor_cannot_be_reused_with_another_sort() -> None:
    cursor = encode_cursor(Sort("login"), ["alice", 1])
    with pytest.raises(Invalid):
        decode_cursor(cursor, Sort("login", descending=True))


@pytest.mark.parametrize("limit", [0, 201, -5])
def test_limits_outside_1_to_200_are_invalid(limit: int) -> None:
    with pytest.raises(Invalid):
        check_limit(limit)


def _crafted(sort: Sort, values: object) -> str:
    raw = json.dumps({"s": str(sort), "v": values}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        [["v", {"$gt": 1}]],
        [["v", [1, 2]]],
        [["v", 2**70]],
        [["v", "7"]],
        [["v", True]],
        [["v", None]],
        [["dt", "2026-01-01T00:00:00"]],
        [["dt", "2026-01-01T00:00:00+00:00"]],
        [["v", 1], ["v", 2]],
        {"v": 1},
        [{"v": 1}],
    ],
)
def test_a_crafted_cursor_with_values_of_the_wrong_type_is_invalid(values: object) -> None:
    sort = Sort("id")
    with pytest.raises(Invalid) as caught:
        decode_cursor(_crafted(sort, values), sort, kinds=[int])
    assert caught.value.errors[0].location == "query.cursor"


def test_a_cursor_keeps_aware_datetimes_and_ids_of_the_kinds_asked_for() -> None:
    sort = Sort("created_at")
    when = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    cursor = encode_cursor(sort, [when, 42])
    assert decode_cursor(cursor, sort, kinds=[datetime, int]) == [when, 42]
    with pytest.raises(Invalid):
        decode_cursor(cursor, sort, kinds=[int, int])
