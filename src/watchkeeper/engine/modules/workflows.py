"""Engine module: run the workflows that new timeline entries trigger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeeper.response.workflows import cycle


@dataclass(frozen=True)
class Workflows:
    base_url: str
    name: str = "workflows"
    version: int = 1
    interval: float = 1.0
    wakeable: bool = True
    # One reader of the timeline at a time: runs follow the entries' order.
    exclusive: bool = True
    # None: run again while it handles rows, so what its actions page goes out in the same
    # pass of the engine.
    batch_limit: int | None = None

    def run_once(self, session: Session, now: datetime) -> int:
        return cycle.run_once(session, now, base_url=self.base_url)
