"""`/api/v1/users/{id}/contact-methods`, `/notification-rules` and
`/notification-preferences`: a user manages their own; admins manage anyone's."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.pipeline.notify import errors
from watchkeeper.pipeline.notify import service as notify
from watchkeeper.pipeline.notify.schemas import (
    ContactMethodCreated,
    ContactMethodIn,
    ContactMethodOut,
    PreferencesIn,
    RuleIn,
    RuleOut,
    VerifyIn,
)
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, ApiSelfWriter, ApiViewer, DbSession, Now

# Contact methods hold Apprise URLs with credentials and webhook secrets: no caching.
router = APIRouter(prefix="/users/{user_id}", tags=["notifications"], dependencies=[NO_STORE])


def _own(principal: Principal, session: DbSession, user_id: int) -> None:
    principal.require_self_or(user_id, Role.ADMIN)
    users.get(session, user_id=user_id)


@router.get("/contact-methods", summary="List contact methods")
def list_methods(
    request: Request, principal: ApiViewer, session: DbSession, user_id: Id
) -> list[ContactMethodOut]:
    _own(principal, session, user_id)
    rows = notify.list_methods(session, user_id=user_id)
    sealer = context_of(request).sealer
    return [ContactMethodOut.shown(row, sealer) for row in rows]


@router.post(
    "/contact-methods",
    status_code=201,
    summary="Add a contact method (a verification code is sent through it)",
)
def add_method(
    request: Request,
    principal: ApiSelfWriter,
    session: DbSession,
    now: Now,
    user_id: Id,
    body: ContactMethodIn,
    response: Response,
) -> ContactMethodCreated:
    _own(principal, session, user_id)
    ctx = context_of(request)
    ctx.code_throttle.admit("send", user_id=user_id)  # it sends a code
    method = notify.add_method(session, user_id=user_id, data=body, now=now, sealer=ctx.sealer)
    response.headers["Location"] = f"/api/v1/users/{user_id}/contact-methods/{method.id}"
    return ContactMethodCreated.shown(method, ctx.sealer)


@router.delete("/contact-methods/{method_id}", status_code=204, summary="Remove a contact method")
def delete_method(principal: ApiSelfWriter, session: DbSession, user_id: Id, method_id: Id) -> None:
    _own(principal, session, user_id)
    notify.delete_method(session, user_id=user_id, method_id=method_id)


@router.post("/contact-methods/{method_id}/verify", summary="Verify with the code it received")
def verify_method(
    request: Request,
    principal: ApiSelfWriter,
    now: Now,
    user_id: Id,
    method_id: Id,
    body: VerifyIn,
) -> ContactMethodOut:
    ctx = context_of(request)

    def work(session: Session) -> tuple[ContactMethodOut, notify.Verification]:
        _own(principal, session, user_id)
        ctx.code_throttle.admit("try", user_id=user_id)
        outcome = notify.verify(
            session, user_id=user_id, method_id=method_id, code=body.code, now=now
        )
        return ContactMethodOut.shown(outcome.method, ctx.sealer), outcome

    # A transaction of its own, committed before a wrong code is reported: the try counts.
    method, outcome = ctx.database.run(work)
    if not outcome.verified:
        raise errors.wrong_code(outcome.tries_left)
    return method


@router.post(
    "/contact-methods/{method_id}/send-code",
    status_code=202,
    summary="Send a new verification code",
)
def resend_code(
    request: Request,
    principal: ApiSelfWriter,
    session: DbSession,
    now: Now,
    user_id: Id,
    method_id: Id,
) -> ContactMethodOut:
    _own(principal, session, user_id)
    method = notify.get_method(session, user_id=user_id, method_id=method_id)
    ctx = context_of(request)
    ctx.code_throttle.admit("send", user_id=user_id)
    notify.send_code(session, method=method, now=now)
    return ContactMethodOut.shown(method, ctx.sealer)


@router.post(
    "/contact-methods/{method_id}/test", status_code=202, summary="Send a test notification"
)
def test_method(
    principal: ApiSelfWriter, session: DbSession, now: Now, user_id: Id, method_id: Id
) -> dict[str, int]:
    _own(principal, session, user_id)
    notification = notify.send_test(session, user_id=user_id, method_id=method_id, now=now)
    return {"notification_id": notification.id}


@router.get("/notification-rules", summary="List notification rules")
def list_rules(principal: ApiViewer, session: DbSession, user_id: Id) -> list[RuleOut]:
    _own(principal, session, user_id)
    return [RuleOut.model_validate(row) for row in notify.list_rules(session, user_id=user_id)]


@router.post(
    "/notification-rules",
    status_code=201,
    summary="Add a rule: for this urgency, notify via this method after N minutes",
)
def add_rule(principal: ApiSelfWriter, session: DbSession, user_id: Id, body: RuleIn) -> RuleOut:
    _own(principal, session, user_id)
    return RuleOut.model_validate(notify.add_rule(session, user_id=user_id, data=body))


@router.delete("/notification-rules/{rule_id}", status_code=204, summary="Remove a rule")
def delete_rule(principal: ApiSelfWriter, session: DbSession, user_id: Id, rule_id: Id) -> None:
    _own(principal, session, user_id)
    notify.delete_rule(session, user_id=user_id, rule_id=rule_id)


@router.get("/notification-preferences", summary="Notification preferences")
def get_preferences(principal: ApiViewer, session: DbSession, user_id: Id) -> PreferencesIn:
    _own(principal, session, user_id)
    return PreferencesIn(handoff=notify.wants_handoff(session, user_id=user_id))


@router.put("/notification-preferences", summary="Change notification preferences")
def set_preferences(
    principal: ApiSelfWriter, session: DbSession, user_id: Id, body: PreferencesIn
) -> PreferencesIn:
    _own(principal, session, user_id)
    notify.set_handoff(session, user_id=user_id, handoff=body.handoff)
    return body
