"""Inhibition sources of one correlation batch, indexed so that checking a new alert costs
a dictionary lookup per rule, not a scan of every open alert."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from watchkeeper.core.matchers import match_all
from watchkeeper.pipeline.correlate.context import Context
from watchkeeper.pipeline.correlate.noise.evaluate import Inhibition

if TYPE_CHECKING:
    from watchkeeper.pipeline.correlate.state import AlertRow

_Entry = tuple["AlertRow", dict[str, str]]


class Sources:
    """Open alerts that page, filed per inhibition rule under the values of the rule's
    `equal` labels. An alert is judged by its labels as they were when it was filed."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._filed: list[dict[tuple[str, ...], list[_Entry]]] = [{} for _ in ctx.inhibitions]

    def add(self, alert: AlertRow) -> None:
        labels = self.ctx.alert_labels(alert)
        for index, rule in enumerate(self.ctx.inhibitions):
            if match_all(rule.source, labels):
                self._filed[index].setdefault(_equal(rule, labels), []).append((alert, labels))

    def inhibitor(
        self, labels: Mapping[str, str], alert: AlertRow
    ) -> tuple[Inhibition, AlertRow] | None:
        """The first rule, and its oldest source, that inhibit `alert` (with `labels`).

        As in Alertmanager, an alert that matches both sides of a rule does not inhibit
        itself (nor one with exactly its labels).
        """
        for index, rule in enumerate(self.ctx.inhibitions):
            if not match_all(rule.target, labels):
                continue
            for source, source_labels in self._filed[index].get(_equal(rule, labels), ()):
                if source is alert or source.status == "resolved" or source.suppressed_reason:
                    continue
                if source_labels != labels:
                    return rule, source
        return None


def _equal(rule: Inhibition, labels: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(labels.get(name, "") for name in rule.equal)
