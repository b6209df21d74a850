"""The viewer's own notification settings: contact methods, rules, hand-off preference."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.core.ids import Id
from watchkeeper.pipeline.notify import errors as notify_errors
from watchkeeper.pipeline.notify import service as notify
from watchkeeper.pipeline.notify.schemas import ContactMethodIn, RuleIn, VerifyIn, opened
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import Outcome, attempt, submit
from watchkeeper.web.ui.templating import render

# The page lists contact methods (Apprise URLs hold credentials) and shows webhook secrets.
router = APIRouter(prefix="/account/notifications", dependencies=[NO_STORE])
HERE = "/account/notifications"
URGENCIES = (("high", "High urgency (P1-P2)"), ("low", "Low urgency (P3-P5)"))
# What the page says after a redirect, by the `done` query parameter.
NOTICES = {
    "added": "Contact method added: a verification code is on its way to it.",
    "verified": "Contact method verified: pages can reach you there now.",
    "code": "A new verification code is on its way.",
    "test": "Test notification queued: it should arrive within a minute.",
    "saved": "Saved.",
}


class HandoffForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    handoff: bool = False  # an unticked checkbox sends nothing


def _page(request: Request, principal: Principal, **extra: Any) -> Response:
    user_id = principal.user_id

    sealer = context_of(request).sealer

    def load(session: Session) -> dict[str, Any]:
        methods = notify.list_methods(session, user_id=user_id)
        rules = notify.list_rules(session, user_id=user_id)
        return {
            "methods": methods,
            "addresses": {m.id: opened(sealer, m.address) for m in methods},
            "labels": {m.id: _label(m.label, m.kind) for m in methods},
            "rules": {
                urgency: [r for r in rules if r.urgency == urgency] for urgency, _ in URGENCIES
            },
            "handoff": notify.wants_handoff(session, user_id=user_id),
        }

    context = context_of(request).database.run(load, write=False)
    context["urgencies"] = URGENCIES
    context["notice"] = NOTICES.get(request.query_params.get("done", ""))
    status = 422 if extra.get("errors") else 200
    return render(request, "account/notifications.html", {**context, **extra}, status_code=status)


def _label(label: str, kind: str) -> str:
    return label if label == kind else f"{label} ({kind})"


def _back(request: Request, principal: Principal, outcome: Outcome[Any], done: str) -> Response:
    if not outcome.ok:
        return _page(request, principal, errors=outcome.errors)
    return RedirectResponse(f"{HERE}?done={done}", status_code=303)


@router.get("")
def show(request: Request, principal: UiViewer) -> Response:
    return _page(request, principal)


@router.post("/methods")
def add_method(request: Request, principal: UiViewer, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    ctx = context_of(request)

    def action(session: Session, data: ContactMethodIn) -> tuple[str, str | None]:
        ctx.code_throttle.admit("send", user_id=principal.user_id)
        method = notify.add_method(
            session, user_id=principal.user_id, data=data, now=now, sealer=ctx.sealer
        )
        return method.label, method.secret and opened(ctx.sealer, method.secret)

    outcome = submit(request, ContactMethodIn, form, action)
    if outcome.ok and outcome.value is not None and outcome.value[1] is not None:
        label, secret = outcome.value
        # A webhook's signing secret is shown only this once.
        return _page(request, principal, new_secret=secret, new_secret_label=label)
    return _back(request, principal, outcome, "added")


@router.post("/methods/{method_id}/verify")
def verify(request: Request, principal: UiViewer, method_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: VerifyIn) -> notify.Verification:
        context_of(request).code_throttle.admit("try", user_id=principal.user_id)
        return notify.verify(
            session, user_id=principal.user_id, method_id=method_id, code=data.code, now=now
        )

    # A wrong code comes back as an answer, so that its transaction commits the try.
    outcome = submit(request, VerifyIn, form, action)
    if outcome.value is not None and not outcome.value.verified:
        wrong = notify_errors.wrong_code(outcome.value.tries_left)
        outcome = Outcome(errors=[wrong.detail, *(e.message for e in wrong.errors)])
    return _back(request, principal, outcome, "verified")


@router.post("/methods/{method_id}/send-code")
def send_code(request: Request, principal: UiViewer, method_id: Id) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session) -> None:
        method = notify.get_method(session, user_id=principal.user_id, method_id=method_id)
        context_of(request).code_throttle.admit("send", user_id=principal.user_id)
        notify.send_code(session, method=method, now=now)

    return _back(request, principal, attempt(request, action), "code")


@router.post("/methods/{method_id}/test")
def send_test(request: Request, principal: UiViewer, method_id: Id) -> Response:
    now = context_of(request).clock.now()
    outcome = attempt(
        request,
        lambda s: notify.send_test(s, user_id=principal.user_id, method_id=method_id, now=now).id,
    )
    return _back(request, principal, outcome, "test")


@router.post("/methods/{method_id}/delete")
def delete_method(request: Request, principal: UiViewer, method_id: Id) -> Response:
    outcome = attempt(
        request,
        lambda s: notify.delete_method(s, user_id=principal.user_id, method_id=method_id),
    )
    return _back(request, principal, outcome, "saved")


@router.post("/rules")
def add_rule(request: Request, principal: UiViewer, form: FormBody) -> Response:
    outcome = submit(
        request,
        RuleIn,
        form,
        lambda s, data: notify.add_rule(s, user_id=principal.user_id, data=data).id,
    )
    return _back(request, principal, outcome, "saved")


@router.post("/rules/{rule_id}/delete")
def delete_rule(request: Request, principal: UiViewer, rule_id: Id) -> Response:
    outcome = attempt(
        request, lambda s: notify.delete_rule(s, user_id=principal.user_id, rule_id=rule_id)
    )
    return _back(request, principal, outcome, "saved")


@router.post("/preferences")
def save_preferences(request: Request, principal: UiViewer, form: FormBody) -> Response:
    outcome = submit(
        request,
        HandoffForm,
        form,
        lambda s, data: notify.set_handoff(s, user_id=principal.user_id, handoff=data.handoff),
    )
    return _back(request, principal, outcome, "saved")
