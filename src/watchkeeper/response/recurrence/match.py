"""Whether a new incident looks like a past one: pure functions of values.

Two incidents of the same service are alike when their alerts share a fingerprint, when
their alerts' label sets overlap mostly (Jaccard at least 0.5), or when their titles share
most of their words (numbers and one-letter words aside). The strongest reason wins, then
the most recent incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

LABEL_OVERLAP = 0.5
TITLE_OVERLAP = 0.6
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
REASONS = ("same alert fingerprint", "overlapping alert labels", "similar title")


@dataclass(frozen=True)
class Subject:
    """An incident as far as recurrence cares."""

    id: int
    service_id: int
    title: str
    created_at: datetime
    fingerprints: frozenset[str] = frozenset()
    label_sets: tuple[frozenset[tuple[str, str]], ...] = field(default_factory=tuple)

    @cached_property
    def words(self) -> frozenset[str]:
        return words(self.title)


@dataclass(frozen=True)
class Match:
    incident_id: int
    created_at: datetime
    reason: str


def words(title: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _WORD.findall(title))


def jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def labels_overlap(
    a: Iterable[frozenset[tuple[str, str]]], b: Sequence[frozenset[tuple[str, str]]]
) -> bool:
    return any(jaccard(x, y) >= LABEL_OVERLAP for x in a for y in b)


def reason(new: Subject, old: Subject) -> str | None:
    """Why `old` looks like `new`, or None."""
    if new.service_id != old.service_id or old.id == new.id:
        return None
    if new.fingerprints & old.fingerprints:
        return REASONS[0]
    if labels_overlap(new.label_sets, old.label_sets):
        return REASONS[1]
    shared = new.words & old.words
    if len(shared) >= 2 and len(shared) / len(new.words | old.words) >= TITLE_OVERLAP:
        return REASONS[2]
    return None


def best(new: Subject, past: Iterable[Subject]) -> Match | None:
    found = [
        (REASONS.index(why), -old.created_at.timestamp(), old)
        for old in past
        if old.created_at < new.created_at and (why := reason(new, old)) is not None
    ]
    if not found:
        return None
    rank, _, old = min(found, key=lambda item: (item[0], item[1]))
    return Match(old.id, old.created_at, REASONS[rank])
