"""A short-lived cache of integration keys, so a busy source costs no key lookup per request.

A revoked or rotated-out key may keep working for up to `ttl` seconds; that is the price
of not reading the database on every event.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from watchkeeper.db.session import Database
from watchkeeper.pipeline.ingest import integrations
from watchkeeper.pipeline.ingest.integrations import Target

MAX_ENTRIES = 10_000


class KeyCache:
    def __init__(self, database: Database, *, ttl: float = 5.0) -> None:
        self.database = database
        self.ttl = ttl
        self._entries: dict[str, tuple[float, Target | None]] = {}
        self._lock = threading.Lock()

    def find(self, key: str, now: datetime) -> Target | None:
        """The target of `key`, or None for a wrong, revoked or expired key."""
        moment = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and moment - hit[0] < self.ttl:
            return hit[1]
        target = self.database.run(lambda s: integrations.find(s, key=key, now=now), write=False)
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # wrong keys must not grow it without bound
            self._entries[key] = (moment, target)
        return target

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()
