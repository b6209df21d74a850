"""Which plans apply to an incident: pure, values in and out, tested without a database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from watchkeeper.core import matchers


@dataclass(frozen=True)
class Rule:
    plan_id: int
    service_id: int | None
    category_id: int | None
    priority_min: int
    priority_max: int
    matchers: tuple[matchers.Matcher, ...] = ()


@dataclass(frozen=True)
class Subject:
    service_id: int
    category_id: int | None
    priority: int
    # The labels of each of the incident's alerts (none for one declared by hand).
    label_sets: tuple[Mapping[str, str], ...] = ()


def rule(
    *,
    plan_id: int,
    service_id: int | None,
    category_id: int | None,
    priority_min: int,
    priority_max: int,
    matcher_texts: Sequence[str],
) -> Rule:
    return Rule(
        plan_id,
        service_id,
        category_id,
        priority_min,
        priority_max,
        tuple(matchers.parse(text) for text in matcher_texts),
    )


def applies(plan: Rule, subject: Subject) -> bool:
    """Every condition the plan gives holds; label matchers need one alert matching all."""
    if plan.service_id is not None and plan.service_id != subject.service_id:
        return False
    if plan.category_id is not None and plan.category_id != subject.category_id:
        return False
    if not plan.priority_min <= subject.priority <= plan.priority_max:
        return False
    if not plan.matchers:
        return True
    return any(matchers.match_all(plan.matchers, labels) for labels in subject.label_sets)


def applicable(plans: Sequence[Rule], subject: Subject) -> list[int]:
    return [plan.plan_id for plan in plans if applies(plan, subject)]
