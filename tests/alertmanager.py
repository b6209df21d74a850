"""A minimal Alertmanager webhook (version 4) body with one firing alert, as tests send it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def firing(name: str, *, severity: str = "critical", at: datetime | None = None) -> dict[str, Any]:
    """One firing alert named `name`, in its own group."""
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}"}}',
        "receiver": "watchkeeper",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": name, "severity": severity},
                "annotations": {"summary": f"{name} is firing"},
                "startsAt": (at or datetime.now(UTC)).isoformat(),
            }
        ],
    }
