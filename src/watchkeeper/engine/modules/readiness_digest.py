"""Engine module: once a day, tell the admins about new coverage findings."""

from __future__ import annotations

from watchkeeper.analytics.readiness.cycle import Digest
from watchkeeper.engine.protocol import CycleModule
from watchkeeper.settings import Settings


def module(settings: Settings) -> CycleModule:
    digest = Digest(base_url=settings.resolved_base_url)
    # Hourly, and each run but one a day stops at one query: the report resolves every
    # schedule two weeks ahead. One engine at a time, so two never both send the digest.
    return CycleModule(
        name="readiness_digest",
        version=1,
        interval=3600.0,
        run=digest.run_once,
        wakeable=False,
        exclusive=True,
        batch_limit=1 << 30,  # one run does it all: never run again at once
    )
