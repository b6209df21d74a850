"""HTTP tests use the shared fixtures of tests/conftest.py (people, snapshot)."""

from __future__ import annotations

from tests.conftest import Snapshot

__all__ = ["Snapshot"]
