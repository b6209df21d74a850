"""`/api/v1` routing rules, silences, maintenance windows, inhibition rules and the rules
test: read for everyone; responders silence and schedule maintenance, admins route and
inhibit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from starlette.requests import Request

from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.pipeline.correlate.noise import explain
from watchkeeper.pipeline.correlate.noise import service as noise
from watchkeeper.pipeline.correlate.noise.models import MaintenanceWindow, Silence
from watchkeeper.pipeline.correlate.noise.schemas import (
    InhibitionFields,
    InhibitionOut,
    InhibitionUpdate,
    MoveIn,
    RoutingRuleCreate,
    RoutingRuleOut,
    RoutingRuleUpdate,
    RulesTestIn,
    RulesTestOut,
    SilenceCreate,
    SilenceOut,
    WindowCreate,
    WindowOut,
)
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiAdmin, ApiResponder, ApiViewer, DbSession, Now, page_request

router = APIRouter()

RULES = "/routing-rules"
SILENCES = "/silences"
WINDOWS = "/maintenance-windows"
INHIBITIONS = "/inhibition-rules"
ROUTING_TAG, SILENCE_TAG, WINDOW_TAG, INHIBITION_TAG = (
    "routing rules",
    "silences",
    "maintenance windows",
    "inhibition rules",
)
SilencePage = Annotated[
    PageRequest,
    Depends(page_request(list(noise.SILENCE_SORTABLE), Sort("id", descending=True))),
]


@router.get(RULES, tags=[ROUTING_TAG], summary="Routing rules in the order they are tried")
def list_rules(_: ApiViewer, session: DbSession) -> list[RoutingRuleOut]:
    return [RoutingRuleOut.model_validate(rule) for rule in noise.list_rules(session)]


@router.post(RULES, status_code=201, tags=[ROUTING_TAG], summary="Add a routing rule")
def create_rule(
    _: ApiAdmin, session: DbSession, now: Now, body: RoutingRuleCreate, response: Response
) -> RoutingRuleOut:
    rule = noise.create_rule(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1{RULES}/{rule.id}"
    return RoutingRuleOut.model_validate(rule)


@router.get(RULES + "/{rule_id}", tags=[ROUTING_TAG], summary="Get a routing rule")
def get_rule(_: ApiViewer, session: DbSession, rule_id: Id) -> RoutingRuleOut:
    return RoutingRuleOut.model_validate(noise.get_rule(session, rule_id=rule_id))


@router.patch(RULES + "/{rule_id}", tags=[ROUTING_TAG], summary="Change a routing rule")
def update_rule(
    _: ApiAdmin, session: DbSession, now: Now, rule_id: Id, body: RoutingRuleUpdate
) -> RoutingRuleOut:
    rule = noise.update_rule(session, rule_id=rule_id, data=body, now=now)
    return RoutingRuleOut.model_validate(rule)


@router.delete(RULES + "/{rule_id}", status_code=204, tags=[ROUTING_TAG])
def delete_rule(_: ApiAdmin, session: DbSession, rule_id: Id) -> None:
    """Delete a routing rule; the rules after it move up."""
    noise.delete_rule(session, rule_id=rule_id)


@router.post(RULES + "/{rule_id}/move", tags=[ROUTING_TAG], summary="Move a routing rule")
def move_rule(
    _: ApiAdmin, session: DbSession, now: Now, rule_id: Id, body: MoveIn
) -> RoutingRuleOut:
    """Put the rule at `position` (1 is first; past the end is last); others renumber."""
    rule = noise.move_rule(session, rule_id=rule_id, position=body.position, now=now)
    return RoutingRuleOut.model_validate(rule)


def silence_out(silence: Silence, now: datetime) -> SilenceOut:
    out = SilenceOut.model_validate(silence)
    return out.model_copy(update={"state": noise.silence_state(silence, now)})


@router.get(SILENCES, tags=[SILENCE_TAG], summary="List silences")
def list_silences(
    _: ApiViewer,
    session: DbSession,
    now: Now,
    page: SilencePage,
    state: Annotated[
        noise.SilenceFilter,
        Query(description="active (not ended: in effect or starting later), expired, all"),
    ] = "active",
) -> Page[SilenceOut]:
    rows, next_cursor = noise.list_silences(session, state=state, now=now, page=page)
    items = [silence_out(row, now) for row in rows]
    return Page[SilenceOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.post(SILENCES, status_code=201, tags=[SILENCE_TAG], summary="Create a silence")
def create_silence(
    principal: ApiResponder, session: DbSession, now: Now, body: SilenceCreate, response: Response
) -> SilenceOut:
    silence = noise.create_silence(session, data=body, now=now, created_by_id=principal.user_id)
    response.headers["Location"] = f"/api/v1{SILENCES}/{silence.id}"
    return silence_out(silence, now)


@router.get(SILENCES + "/{silence_id}", tags=[SILENCE_TAG], summary="Get a silence")
def get_silence(_: ApiViewer, session: DbSession, now: Now, silence_id: Id) -> SilenceOut:
    return silence_out(noise.get_silence(session, silence_id=silence_id), now)


@router.delete(SILENCES + "/{silence_id}", status_code=204, tags=[SILENCE_TAG])
def expire_silence(_: ApiResponder, session: DbSession, now: Now, silence_id: Id) -> None:
    """Expire a silence now (it stays listed as expired); an expired one stays as it is."""
    noise.expire_silence(session, silence_id=silence_id, now=now)


def window_out(window: MaintenanceWindow, now: datetime) -> WindowOut:
    active, next_start = noise.schedule(window, now)
    out = WindowOut.model_validate(window)
    return out.model_copy(update={"active": active, "next_start_at": next_start})


@router.get(WINDOWS, tags=[WINDOW_TAG], summary="List maintenance windows")
def list_windows(
    _: ApiViewer, session: DbSession, now: Now, service_id: Id | None = None
) -> list[WindowOut]:
    """Every window, or one service's, by service and id."""
    return [window_out(row, now) for row in noise.list_windows(session, service_id=service_id)]


@router.post(WINDOWS, status_code=201, tags=[WINDOW_TAG], summary="Add a maintenance window")
def create_window(
    principal: ApiResponder, session: DbSession, now: Now, body: WindowCreate, response: Response
) -> WindowOut:
    window = noise.create_window(session, data=body, now=now, created_by_id=principal.user_id)
    response.headers["Location"] = f"/api/v1{WINDOWS}/{window.id}"
    return window_out(window, now)


@router.get(WINDOWS + "/{window_id}", tags=[WINDOW_TAG], summary="Get a maintenance window")
def get_window(_: ApiViewer, session: DbSession, now: Now, window_id: Id) -> WindowOut:
    return window_out(noise.get_window(session, window_id=window_id), now)


@router.delete(WINDOWS + "/{window_id}", status_code=204, tags=[WINDOW_TAG])
def delete_window(_: ApiResponder, session: DbSession, window_id: Id) -> None:
    """Delete a maintenance window; alerts it held back stay suppressed."""
    noise.delete_window(session, window_id=window_id)


@router.get(INHIBITIONS, tags=[INHIBITION_TAG], summary="List inhibition rules")
def list_inhibitions(_: ApiViewer, session: DbSession) -> list[InhibitionOut]:
    return [InhibitionOut.model_validate(rule) for rule in noise.list_inhibitions(session)]


@router.post(INHIBITIONS, status_code=201, tags=[INHIBITION_TAG], summary="Add an inhibition rule")
def create_inhibition(
    _: ApiAdmin, session: DbSession, now: Now, body: InhibitionFields, response: Response
) -> InhibitionOut:
    rule = noise.create_inhibition(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1{INHIBITIONS}/{rule.id}"
    return InhibitionOut.model_validate(rule)


@router.get(INHIBITIONS + "/{rule_id}", tags=[INHIBITION_TAG], summary="Get an inhibition rule")
def get_inhibition(_: ApiViewer, session: DbSession, rule_id: Id) -> InhibitionOut:
    return InhibitionOut.model_validate(noise.get_inhibition(session, rule_id=rule_id))


@router.patch(
    INHIBITIONS + "/{rule_id}", tags=[INHIBITION_TAG], summary="Change an inhibition rule"
)
def update_inhibition(
    _: ApiAdmin, session: DbSession, rule_id: Id, body: InhibitionUpdate
) -> InhibitionOut:
    return InhibitionOut.model_validate(
        noise.update_inhibition(session, rule_id=rule_id, data=body)
    )


@router.delete(INHIBITIONS + "/{rule_id}", status_code=204, tags=[INHIBITION_TAG])
def delete_inhibition(_: ApiAdmin, session: DbSession, rule_id: Id) -> None:
    noise.delete_inhibition(session, rule_id=rule_id)


@router.post("/rules/test", tags=[ROUTING_TAG], summary="What the rules do with a sample")
def run_rules_test(
    _: ApiViewer, request: Request, session: DbSession, now: Now, body: RulesTestIn
) -> RulesTestOut:
    """Parse `payload` as the integration `type` of service `service_id` would, and say per
    event which routing rules match and whether it would page, repeat, be suppressed (by
    a rule, a silence, a maintenance window, an inhibition rule, or flapping) or dropped,
    right now. Changes nothing."""
    settings = context_of(request).settings
    return explain.explain(
        session,
        sample_type=body.type,
        service_id=body.service_id,
        payload=body.payload,
        now=now,
        flap_changes=settings.flap_changes,
        flap_window=timedelta(minutes=settings.flap_window_minutes),
    )
