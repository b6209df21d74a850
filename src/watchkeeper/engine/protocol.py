"""What an engine module is: a named, versioned `run_once(session, now) -> rows handled`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

RunOnce = Callable[[Session, datetime], int]


class EngineModule(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def interval(self) -> float:
        """Seconds between runs when nothing wakes the engine."""

    @property
    def wakeable(self) -> bool:
        """Whether an ingest wake-up should run this module at once."""

    @property
    def exclusive(self) -> bool:
        """Whether only one engine may run it at a time, even on PostgreSQL (ordering)."""

    @property
    def batch_limit(self) -> int | None:
        """A run that handled fewer rows than this left nothing due behind it, so the
        runner need not try again at once; None: try again until a run handles none."""

    def run_once(self, session: Session, now: datetime) -> int:
        """Do one bounded batch of work in the caller's transaction; return rows handled."""


@runtime_checkable
class AfterCommit(Protocol):
    """A module with work that must wait until its run has committed (side effects)."""

    def after_commit(self, wake: Callable[[], None]) -> None:
        """Start that work; call `wake` when it has something for the next run."""

    def close(self) -> None:
        """Finish work in flight and take no more; one last run then records it."""


@dataclass(frozen=True)
class CycleModule:
    """An engine module made from a domain's `cycle.run_once` function."""

    name: str
    version: int
    interval: float
    run: RunOnce
    wakeable: bool = True
    exclusive: bool = False
    batch_limit: int | None = None

    def run_once(self, session: Session, now: datetime) -> int:
        return self.run(session, now)
