"""The text an incident is known by: what a responder would search for it with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Bounds so one incident with a huge description or thousands of alerts does not
# dominate the features or the time to train.
MAX_CHARS = 4_000
MAX_ALERTS = 20


def document(
    *,
    title: str,
    description: str = "",
    service: str = "",
    alerts: Iterable[tuple[str, Mapping[str, str]]] = (),
    resolution_notes: str = "",
    root_cause: str = "",
) -> str:
    """Title twice (it is what people write first and best), then the service, the
    alerts' summaries and labels (`alertname=DiskFull` and its words), the description
    and, for a resolved incident, how it was fixed."""
    parts = [title, title, f"service {service}" if service else ""]
    seen: set[str] = set()
    for summary, labels in list(alerts)[:MAX_ALERTS]:
        if summary and summary not in seen:
            seen.add(summary)
            parts.append(summary)
        for key, value in sorted(labels.items()):
            pair = f"{key}={value}"
            if pair not in seen:
                seen.add(pair)
                parts.append(f"{pair} {value}")
    parts += [description, root_cause, resolution_notes]
    return "\n".join(part for part in parts if part)[:MAX_CHARS]
