"""The incident state machine, as pure data: which action leads from which status where.

triggered --acknowledge--> acknowledged --hold--> on_hold --resume--> acknowledged
triggered | acknowledged | on_hold --resolve--> resolved --close--> closed (final)
resolved --reopen (within the window)--> triggered
"""

from __future__ import annotations

import enum

from watchkeeper.core.errors import Conflict


class Status(enum.StrEnum):
    TRIGGERED = "triggered"
    ACKNOWLEDGED = "acknowledged"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Action(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    HOLD = "hold"
    RESUME = "resume"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"


OPEN = frozenset({Status.TRIGGERED, Status.ACKNOWLEDGED, Status.ON_HOLD})

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.TRIGGERED, Action.ACKNOWLEDGE): Status.ACKNOWLEDGED,
    (Status.TRIGGERED, Action.RESOLVE): Status.RESOLVED,
    (Status.ACKNOWLEDGED, Action.HOLD): Status.ON_HOLD,
    (Status.ACKNOWLEDGED, Action.RESOLVE): Status.RESOLVED,
    (Status.ON_HOLD, Action.RESUME): Status.ACKNOWLEDGED,
    (Status.ON_HOLD, Action.RESOLVE): Status.RESOLVED,
    (Status.RESOLVED, Action.REOPEN): Status.TRIGGERED,
    (Status.RESOLVED, Action.CLOSE): Status.CLOSED,
}

# Asking again for what is already so changes nothing and is not an error: two people
# acknowledging from two notifications should both succeed.
IDEMPOTENT: dict[Action, Status] = {
    Action.ACKNOWLEDGE: Status.ACKNOWLEDGED,
    Action.RESOLVE: Status.RESOLVED,
}


def allowed_actions(status: Status) -> list[Action]:
    return [action for (source, action) in TRANSITIONS if source is status]


def next_status(status: Status, action: Action) -> Status | None:
    """Where `action` leads from `status`; None when it is an idempotent repeat.

    Raises Conflict, naming the allowed actions, when the action is not allowed.
    """
    target = TRANSITIONS.get((status, action))
    if target is not None:
        return target
    if IDEMPOTENT.get(action) is status:
        return None
    allowed = ", ".join(a.value for a in allowed_actions(status)) or "none: it is final"
    raise Conflict(
        f"cannot {action.value} an incident that is {status.value}; allowed: {allowed}",
        extra={"status": status.value, "allowed": [a.value for a in allowed_actions(status)]},
    )
