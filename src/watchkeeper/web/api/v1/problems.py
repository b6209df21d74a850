"""`/api/v1/problems`: problem records (ITIL): create from incidents, link more, move
through new -> investigating -> known_error -> resolved."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from watchkeeper.core.ids import Id
from watchkeeper.response.problems import queries
from watchkeeper.response.problems import service as problems
from watchkeeper.response.problems.schemas import (
    LinkIn,
    ProblemCreate,
    ProblemOut,
    ProblemUpdate,
    Status,
)
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["problems"])


@router.get("/problems", summary="List problems, most recently changed first")
def list_problems(
    _: ApiViewer,
    session: DbSession,
    status: Annotated[list[Status] | None, Query(description="Repeat for several")] = None,
    owner_id: Annotated[Id | None, Query()] = None,
) -> list[ProblemOut]:
    rows = queries.list_(session, status=tuple(status or ()), owner_id=owner_id)
    return [queries.out(session, row) for row in rows]


@router.post("/problems", status_code=201, summary="Record a problem (from one or more incidents)")
def create_problem(
    principal: ApiResponder, session: DbSession, now: Now, body: ProblemCreate, response: Response
) -> ProblemOut:
    problem = problems.create(session, data=body, actor=actor_of(principal), now=now)
    response.headers["Location"] = f"/api/v1/problems/{problem.id}"
    return queries.out(session, problem)


@router.get("/problems/{problem_id}", summary="Get a problem with its incidents")
def get_problem(_: ApiViewer, session: DbSession, problem_id: Id) -> ProblemOut:
    return queries.out(session, problems.get(session, problem_id=problem_id))


@router.patch(
    "/problems/{problem_id}",
    summary="Change a problem; `status` moves it (known_error needs a workaround)",
)
def update_problem(
    principal: ApiResponder, session: DbSession, now: Now, problem_id: Id, body: ProblemUpdate
) -> ProblemOut:
    problem = problems.update(
        session, problem_id=problem_id, data=body, actor=actor_of(principal), now=now
    )
    return queries.out(session, problem)


@router.post("/problems/{problem_id}/incidents", summary="Link incidents to a problem")
def link_incidents(
    principal: ApiResponder, session: DbSession, now: Now, problem_id: Id, body: LinkIn
) -> ProblemOut:
    problem = problems.link(
        session, problem_id=problem_id, data=body, actor=actor_of(principal), now=now
    )
    return queries.out(session, problem)
