from __future__ import annotations

from watchkeeper.catalog.users.roles import Role


def test_roles_are_ordered_viewer_responder_admin() -> None:
    assert Role.ADMIN.allows(Role.RESPONDER)
    assert Role.RESPONDER.allows(Role.VIEWER)
    assert not Role.VIEWER.allows(Role.RESPONDER)
    assert not Role.RESPONDER.allows(Role.ADMIN)


def test_lowest_role_wins_when_scopes_combine() -> None:
    assert Role.lowest(Role.ADMIN, Role.VIEWER) is Role.VIEWER
    assert Role.lowest(Role.RESPONDER, Role.ADMIN) is Role.RESPONDER
