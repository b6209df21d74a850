"""Errors of the checks domain: typed, so `web` and the CLI say them plainly."""

from __future__ import annotations

from watchkeeper.core.errors import Forbidden, Invalid, NotFound


class CheckNotFound(NotFound):
    """No check with that id."""


class TargetRefused(Invalid):
    """The target is on a network checks may not reach."""


class InternalNeedsAdmin(Forbidden):
    """The target is on an allow-listed internal network: only an admin may point a check there."""
