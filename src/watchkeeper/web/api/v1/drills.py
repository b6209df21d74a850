"""`/api/v1/drills`: test incidents fired through the real pipeline, on demand or on a
schedule, and what each firing recorded (who was paged, when it was acknowledged)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from watchkeeper.catalog.users.models import User
from watchkeeper.core.errors import NotFound
from watchkeeper.core.ids import Id
from watchkeeper.response.drills import queries
from watchkeeper.response.drills import service as drills
from watchkeeper.response.drills.schemas import DrillCreate, DrillOut, DrillRunOut, TrainingRecord
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["drills"])


@router.get("/drills", summary="List drills")
def list_drills(_: ApiViewer, session: DbSession) -> list[DrillOut]:
    return [queries.drill_out(drill) for drill in drills.list_(session)]


@router.post("/drills", status_code=201, summary="Create a drill (optionally on a schedule)")
def create_drill(
    principal: ApiResponder, session: DbSession, now: Now, body: DrillCreate, response: Response
) -> DrillOut:
    drill = drills.create(session, data=body, user_id=principal.user_id, now=now)
    response.headers["Location"] = f"/api/v1/drills/{drill.id}"
    return queries.drill_out(drill)


@router.get("/drills/{drill_id}", summary="Get a drill")
def get_drill(_: ApiViewer, session: DbSession, drill_id: Id) -> DrillOut:
    return queries.drill_out(drills.get(session, drill_id=drill_id))


@router.delete("/drills/{drill_id}", status_code=204, summary="Delete a drill and its runs")
def delete_drill(_: ApiResponder, session: DbSession, drill_id: Id) -> Response:
    drills.delete(session, drill_id=drill_id)
    return Response(status_code=204)


@router.post(
    "/drills/{drill_id}/fire",
    status_code=201,
    summary="Fire the drill now: a test event into its service's intake",
)
def fire_drill(principal: ApiResponder, session: DbSession, now: Now, drill_id: Id) -> DrillRunOut:
    drill = drills.get(session, drill_id=drill_id)
    run = drills.fire(session, drill=drill, user_id=principal.user_id, now=now)
    return queries.run_out(run)


@router.get("/drills/{drill_id}/runs", summary="The drill's firings, newest first")
def list_runs(
    _: ApiViewer,
    session: DbSession,
    drill_id: Id,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DrillRunOut]:
    drills.get(session, drill_id=drill_id)
    return queries.runs(session, drill_id=drill_id, limit=limit)


@router.get("/users/{user_id}/training", summary="A person's training record: drills and ack times")
def training(_: ApiViewer, session: DbSession, user_id: Id) -> TrainingRecord:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return queries.training(session, user_id=user.id, login=user.login)
