"""`/api/v1/readiness/coverage` and `/api/v1/simulations`: is the paging set-up ready,
and who would be paged, when and through what, for an alert."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request

from watchkeeper.analytics.readiness import service, simulator
from watchkeeper.analytics.readiness.schemas import CoverageOut, SimulationIn, SimulationOut
from watchkeeper.core.ids import Id
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["readiness"])


@router.get("/readiness/coverage", summary="Holes in on-call coverage, each with its fix page")
def coverage(
    _: ApiViewer,
    session: DbSession,
    now: Now,
    team_id: Annotated[Id | None, Query(description="Only what this team owns")] = None,
) -> CoverageOut:
    return service.coverage(session, now=now, team_id=team_id)


def run_simulation(request: Request, data: SimulationIn) -> SimulationOut:
    """Run the real pipeline in a transaction that is always rolled back."""
    ctx = context_of(request)
    with ctx.database.rehearsal() as session:
        return simulator.simulate(session, data=data, now=ctx.clock.now())


@router.post(
    "/simulations", summary="Who would be paged, when and how, for an alert (changes nothing)"
)
def simulate(_: ApiResponder, request: Request, body: SimulationIn) -> SimulationOut:
    return run_simulation(request, body)
