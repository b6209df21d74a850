"""`/api/v1/workflows`: automation rules on incident events; their runs; a dry run
("test this workflow") against a past incident that changes nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.requests import Request

from watchkeeper.core.ids import Id
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.response.workflows import cycle, queries
from watchkeeper.response.workflows import service as workflows
from watchkeeper.response.workflows.schemas import (
    DryRunIn,
    DryRunOut,
    RunOut,
    WorkflowCreate,
    WorkflowOut,
    WorkflowSecret,
    WorkflowUpdate,
)
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, ApiAdmin, ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["workflows"])


def _guard(request: Request) -> OutboundGuard:
    return OutboundGuard(context_of(request).settings.outbound_allow)


@router.get("/workflows", summary="List workflows")
def list_workflows(_: ApiViewer, session: DbSession) -> list[WorkflowOut]:
    return [workflows.out(workflow) for workflow in workflows.list_(session)]


@router.post(
    "/workflows",
    status_code=201,
    summary="Create a workflow; the answer shows its webhook signing secret once",
    dependencies=[NO_STORE],
)
def create_workflow(
    principal: ApiAdmin,
    request: Request,
    session: DbSession,
    now: Now,
    body: WorkflowCreate,
    response: Response,
) -> WorkflowSecret:
    workflow, secret = workflows.create(
        session,
        data=body,
        guard=_guard(request),
        sealer=context_of(request).sealer,
        user_id=principal.user_id,
        now=now,
    )
    response.headers["Location"] = f"/api/v1/workflows/{workflow.id}"
    return WorkflowSecret(**workflows.out(workflow).model_dump(), secret=secret)


@router.get("/workflows/{workflow_id}", summary="Get a workflow")
def get_workflow(_: ApiViewer, session: DbSession, workflow_id: Id) -> WorkflowOut:
    return workflows.out(workflows.get(session, workflow_id=workflow_id))


@router.patch("/workflows/{workflow_id}", summary="Change a workflow (checked as on create)")
def update_workflow(
    _: ApiAdmin,
    request: Request,
    session: DbSession,
    now: Now,
    workflow_id: Id,
    body: WorkflowUpdate,
) -> WorkflowOut:
    workflow = workflows.update(
        session, workflow_id=workflow_id, data=body, guard=_guard(request), now=now
    )
    return workflows.out(workflow)


@router.delete("/workflows/{workflow_id}", status_code=204, summary="Delete a workflow")
def delete_workflow(_: ApiAdmin, session: DbSession, workflow_id: Id) -> Response:
    workflows.delete(session, workflow_id=workflow_id)
    return Response(status_code=204)


@router.get("/workflows/{workflow_id}/runs", summary="The workflow's runs, newest first")
def list_runs(
    _: ApiViewer,
    session: DbSession,
    workflow_id: Id,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[RunOut]:
    workflows.get(session, workflow_id=workflow_id)
    return queries.runs(session, workflow_id=workflow_id, limit=limit)


@router.post(
    "/workflows/{workflow_id}/test",
    summary="Test the workflow against an incident: what would happen, changing nothing",
)
def try_workflow(
    _: ApiResponder,
    request: Request,
    session: DbSession,
    now: Now,
    workflow_id: Id,
    body: DryRunIn,
) -> DryRunOut:
    workflow = workflows.get(session, workflow_id=workflow_id)
    base_url = context_of(request).settings.resolved_base_url
    return cycle.dry_run(
        session, workflow=workflow, incident_id=body.incident_id, now=now, base_url=base_url
    )


@router.get("/incidents/{incident_id}/workflow-runs", summary="Workflow runs on an incident")
def incident_runs(_: ApiViewer, session: DbSession, incident_id: Id) -> list[RunOut]:
    return queries.runs(session, incident_id=incident_id)
