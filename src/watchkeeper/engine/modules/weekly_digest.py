"""Engine module: each subscriber's weekly digest, from Monday 09:00 in their zone."""

from __future__ import annotations

from watchkeeper.analytics.digest.cycle import WeeklyDigest
from watchkeeper.engine.protocol import CycleModule
from watchkeeper.settings import Settings


def module(settings: Settings) -> CycleModule:
    digest = WeeklyDigest(base_url=settings.resolved_base_url)
    return CycleModule(
        name="weekly_digest", version=1, interval=600.0, run=digest.run_once, wakeable=False
    )
