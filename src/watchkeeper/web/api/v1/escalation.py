"""`/api/v1/escalation-policies` (read for everyone, changes for admins) and
`POST /api/v1/incidents/{id}/page` (responders page people by hand)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from watchkeeper.core.ids import Id
from watchkeeper.incidents import service as incidents
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.schemas import (
    PageIn,
    PageOut,
    PolicyCreate,
    PolicyOut,
    PolicyUpdate,
)
from watchkeeper.pipeline.notify import service as notify
from watchkeeper.pipeline.notify.schemas import NotificationOut
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.deps import ApiAdmin, ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["escalation"])
PREFIX = "/escalation-policies"


@router.get(PREFIX, summary="List escalation policies")
def list_policies(_: ApiViewer, session: DbSession) -> list[PolicyOut]:
    return [escalation.policy_out(session, row) for row in escalation.list_policies(session)]


@router.post(PREFIX, status_code=201, summary="Create an escalation policy")
def create_policy(
    _: ApiAdmin, session: DbSession, now: Now, body: PolicyCreate, response: Response
) -> PolicyOut:
    policy = escalation.create_policy(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1{PREFIX}/{policy.id}"
    return escalation.policy_out(session, policy)


@router.get(PREFIX + "/{policy_id}", summary="Get an escalation policy")
def get_policy(_: ApiViewer, session: DbSession, policy_id: Id) -> PolicyOut:
    return escalation.policy_out(session, escalation.get_policy(session, policy_id=policy_id))


@router.patch(
    PREFIX + "/{policy_id}",
    summary="Change an escalation policy (running escalations keep their snapshot)",
)
def update_policy(
    _: ApiAdmin, session: DbSession, now: Now, policy_id: Id, body: PolicyUpdate
) -> PolicyOut:
    policy = escalation.update_policy(session, policy_id=policy_id, data=body, now=now)
    return escalation.policy_out(session, policy)


@router.delete(PREFIX + "/{policy_id}", status_code=204, summary="Delete an unused policy")
def delete_policy(_: ApiAdmin, session: DbSession, policy_id: Id) -> None:
    escalation.delete_policy(session, policy_id=policy_id)


@router.post(
    "/incidents/{incident_id}/page",
    status_code=201,
    tags=["incidents"],
    summary="Page users, teams, whoever a schedule has on call, or a policy's first level",
)
def page_people(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: PageIn
) -> list[PageOut]:
    pages = escalation.page_by_hand(
        session, incident_id=incident_id, data=body, actor=actor_of(principal), now=now
    )
    return [PageOut.model_validate(page) for page in pages]


@router.get(
    "/incidents/{incident_id}/notifications",
    tags=["incidents"],
    summary="The incident's notification log: every message, its state and the channel's answer",
)
def incident_notifications(
    _: ApiViewer, session: DbSession, incident_id: Id
) -> list[NotificationOut]:
    incidents.get(session, incident_id=incident_id)
    rows = notify.for_incident(session, incident_id=incident_id)
    return [NotificationOut.model_validate(row) for row in rows]
