"""Pure rules of post-incident learning: what looks alike, when a postmortem is due, what
a recurrence warning says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.response.postmortems.due import add_business_days
from watchkeeper.response.recurrence.cycle import warning_for
from watchkeeper.response.recurrence.match import Match, Subject, best, reason

AT = datetime(2026, 10, 4, 9, 0, tzinfo=UTC)  # a Sunday


def _subject(
    number: int, title: str, *, service: int = 1, days_ago: int = 0, **fields: object
) -> Subject:
    return Subject(number, service, title, AT - timedelta(days=days_ago), **fields)  # type: ignore[arg-type]


def test_a_shared_fingerprint_beats_a_similar_title_and_then_the_newest_wins() -> None:
    new = _subject(9, "Checkout 502s", fingerprints=frozenset({"fp-a"}))
    titled = _subject(5, "Checkout 502s again", days_ago=1)
    printed = _subject(3, "Something else", days_ago=30, fingerprints=frozenset({"fp-a"}))
    older = _subject(2, "Other words", days_ago=60, fingerprints=frozenset({"fp-a"}))
    found = best(new, [titled, printed, older])
    assert found == Match(3, printed.created_at, "same alert fingerprint")


def test_another_service_or_a_later_incident_never_matches() -> None:
    new = _subject(9, "Disk full on db-1", days_ago=1)
    assert reason(new, _subject(5, "Disk full on db-1", service=2)) is None
    assert best(new, [_subject(10, "Disk full on db-1")]) is None


def test_label_sets_that_mostly_overlap_match() -> None:
    labels = frozenset({("alertname", "Latency"), ("job", "api"), ("region", "eu")})
    other = frozenset({("alertname", "Latency"), ("job", "api"), ("region", "us")})
    new = _subject(9, "a", label_sets=(labels,))
    assert (
        reason(new, _subject(1, "b", days_ago=3, label_sets=(other,))) == "overlapping alert labels"
    )


def test_titles_alike_share_most_words_numbers_aside() -> None:
    new = _subject(9, "Disk full on db-7")
    assert reason(new, _subject(1, "disk FULL on db-12", days_ago=2)) == "similar title"
    assert reason(new, _subject(2, "Disk latency", days_ago=2)) is None


def test_a_postmortem_is_due_five_business_days_after_closing() -> None:
    thursday = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert add_business_days(thursday, 5) == datetime(2026, 1, 22, 9, 0, tzinfo=UTC)
    assert add_business_days(AT, 1) == datetime(2026, 10, 6, 9, 0, tzinfo=UTC)  # Sun -> Tue


def test_the_warning_counts_open_and_overdue_items_and_is_silent_without_them() -> None:
    found = Match(123, AT, "similar title")
    assert (
        warning_for(found, (3, 1)) == "Looks like #123 (2026-10-04): 3 action items open, 1 overdue"
    )
    assert warning_for(found, (1, 0)) == "Looks like #123 (2026-10-04): 1 action item open"
    assert warning_for(found, None) == ""
    assert warning_for(None, (2, 2)) == ""
