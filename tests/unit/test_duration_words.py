"""One duration format on every page: the list, the incident page and its clocks agree."""

from __future__ import annotations

from datetime import timedelta

import pytest

from watchkeeper.web.ui.templating import duration


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (45, "45 s"),
        (4 * 60, "4 min"),
        (timedelta(hours=23, minutes=54), "23 h 54 min"),
        (1434 * 60, "23 h 54 min"),  # once shown as "1434 min left" in the list
        (-(2 * 3600 + 5 * 60), "2 h 5 min"),
        (timedelta(days=3, hours=4, minutes=10), "3 d 4 h"),
        (None, "—"),
    ],
)
def test_durations_read_the_same_from_seconds_or_timedeltas(
    value: timedelta | int | None, words: str
) -> None:
    assert duration(value) == words
