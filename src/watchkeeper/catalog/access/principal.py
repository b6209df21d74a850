"""Who is making a request, with which effective role, and how they proved it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import Forbidden


@dataclass(frozen=True)
class Principal:
    user_id: int
    login: str
    name: str
    role: Role
    via: Literal["session", "token"]
    session_id: int | None = None
    token_id: int | None = None
    csrf_token: str | None = None
    must_change_password: bool = False
    time_zone: str = "UTC"

    def require(self, needed: Role) -> None:
        """Raise Forbidden unless this principal's role is at least `needed`."""
        if not self.role.allows(needed):
            raise Forbidden(f"this needs the {needed.value} role; you act as {self.role.value}")

    def require_self_or(self, user_id: int, needed: Role) -> None:
        if user_id != self.user_id:
            self.require(needed)
