"""`/api/v1/response-plans`: when a plan applies, its checklist and articles; and the
plans attached to an incident (docs/knowledge.md)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from watchkeeper.core.ids import Id
from watchkeeper.incidents import service as incidents
from watchkeeper.response.plans import queries
from watchkeeper.response.plans import service as plans
from watchkeeper.response.plans.schemas import AttachedPlan, PlanIn, PlanOut, PlanUpdate
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["response plans"])


@router.get("/response-plans", summary="List response plans by name")
def list_plans(_: ApiViewer, session: DbSession) -> list[PlanOut]:
    return queries.out_many(session, queries.list_(session))


@router.post("/response-plans", status_code=201, summary="Write a response plan")
def create_plan(
    _: ApiResponder, session: DbSession, now: Now, body: PlanIn, response: Response
) -> PlanOut:
    plan = plans.create(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1/response-plans/{plan.id}"
    return queries.out(session, plan)


@router.get("/response-plans/{plan_id}", summary="One response plan")
def get_plan(_: ApiViewer, session: DbSession, plan_id: Id) -> PlanOut:
    return queries.out(session, plans.get(session, plan_id=plan_id))


@router.patch("/response-plans/{plan_id}", summary="Change a response plan")
def update_plan(
    _: ApiResponder, session: DbSession, now: Now, plan_id: Id, body: PlanUpdate
) -> PlanOut:
    return queries.out(session, plans.update(session, plan_id=plan_id, data=body, now=now))


@router.delete("/response-plans/{plan_id}", status_code=204, summary="Delete a response plan")
def delete_plan(_: ApiResponder, session: DbSession, plan_id: Id) -> None:
    plans.remove(session, plan_id=plan_id)


@router.get("/incidents/{incident_id}/plans", summary="The plans attached to an incident")
def incident_plans(_: ApiViewer, session: DbSession, incident_id: Id) -> list[AttachedPlan]:
    incidents.get(session, incident_id=incident_id)
    return queries.attached(session, incident_id=incident_id)
