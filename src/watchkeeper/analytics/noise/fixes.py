"""One-click fixes: links that open an existing form, prefilled, for a noisy alert.

The prefilled name or comment says the fix came from the noise report, so whoever reads
the silence or the rule later knows why it exists. Flapping has no form of its own: its
threshold is an installation setting (WATCHKEEPER_FLAP_CHANGES), so the fixes for a
flapping alert are the same four.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from watchkeeper.analytics.noise.figures import NoiseFigures

LOW_URGENCY = "4"


@dataclass(frozen=True)
class Fix:
    kind: str  # silence, lower_urgency, drop, group_window
    label: str
    url: str


def matcher_line(name: str, value: str) -> str:
    """`name="value"`, quoted as the rule and silence forms read matchers back."""
    return f'{name}="' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def matchers(group: NoiseFigures) -> str:
    """The whole label set for one fingerprint; just the alert name for an alertname."""
    if group.fingerprint is None and "alertname" in group.labels:
        return matcher_line("alertname", group.labels["alertname"])
    return "\n".join(matcher_line(k, v) for k, v in sorted(group.labels.items()))


def fixes(group: NoiseFigures, *, days: int, group_window_minutes: int) -> list[Fix]:
    why = f"From the noise report: {group.alerts} alerts, {group.pages} pages in {days} days"
    match = matchers(group)
    silence = urlencode({"alert_id": group.last_alert_id, "comment": why})
    lower = urlencode(
        {
            "name": f"Noise report: lower urgency of {group.name}"[:100],
            "matchers": match,
            "outcome": "route",
            "set_urgency": LOW_URGENCY,
        }
    )
    drop = urlencode(
        {"name": f"Noise report: drop {group.name}"[:100], "matchers": match, "outcome": "drop"}
    )
    window = urlencode({"group_window_minutes": max(group_window_minutes * 2, 120)})
    return [
        Fix("silence", "Silence it", f"/silences?{silence}"),
        Fix("lower_urgency", "Lower its urgency", f"/routing-rules?{lower}"),
        Fix("drop", "Drop it", f"/routing-rules?{drop}"),
        Fix(
            "group_window",
            "Group it longer",
            f"/admin/services/{group.service_id}?{window}",
        ),
    ]
