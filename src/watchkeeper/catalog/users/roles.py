"""The three roles and their order: an admin can do what a responder can, and so on."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    VIEWER = "viewer"
    RESPONDER = "responder"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        """True when this role is at least `needed`."""
        return self.rank >= needed.rank

    @classmethod
    def lowest(cls, *roles: Role) -> Role:
        return min(roles, key=lambda role: role.rank)


_RANK = {Role.VIEWER: 0, Role.RESPONDER: 1, Role.ADMIN: 2}
ROLE_VALUES = tuple(role.value for role in Role)
