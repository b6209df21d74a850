"""Engine module: published status updates become subscriber messages, a slice per run.

Not woken by intake and not on the page path: a page with ten thousand subscribers is
queued over a few passes while paging goes on between them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeeper.response.subscriptions import cycle
from watchkeeper.response.subscriptions.render import Links


class SubscriberFanout:
    name = "subscriber_fanout"
    version = 1
    interval = 0.25
    wakeable = False
    exclusive = True  # one walker per announcement cursor
    batch_limit: int | None = cycle.SLICE

    def __init__(self, *, base_url: str, size: int = cycle.SLICE) -> None:
        self.links = Links(base_url)
        self.size = size
        self.batch_limit = size

    def run_once(self, session: Session, now: datetime) -> int:
        return cycle.run_once(session, now, links=self.links, size=self.size)
