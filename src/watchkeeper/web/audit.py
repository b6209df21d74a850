"""Audit every state-changing request made by a person or a token.

The middleware says where the request came from; `resolve_principal` says who sent it.
Changes are recorded inside their own transactions (`db.audit.capture`); a request that
changed nothing (refused with 403 or 422, or a dry run) still leaves one row with its
status, written after the answer, so attempts are visible too.
"""

from __future__ import annotations

from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.db.audit.capture import Acting, acting, current
from watchkeeper.db.session import Database

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AuditMiddleware:
    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in MUTATING:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        client = scope.get("client")
        who = Acting(
            method=scope["method"],
            path=scope["path"],
            ip=client[0] if client else None,
            user_agent=headers.get(b"user-agent", b"").decode("latin-1") or None,
        )
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with acting(who):
            await self.app(scope, receive, send_status)
        if who.login is not None and who.recorded == 0 and who.now is not None:
            now = who.now
            await run_in_threadpool(
                self.database.run,
                lambda s: s.add(who.entry(at=now, changes=[], status=status)),
            )


def identify(principal: Principal, *, route: str | None, now: datetime) -> None:
    """Tell the request's audit record who acts (no-op outside a mutating request)."""
    who = current()
    if who is None:
        return
    who.identify(
        user_id=principal.user_id,
        login=principal.login,
        via=principal.via,
        token_id=principal.token_id,
    )
    who.route = route
    who.now = now
