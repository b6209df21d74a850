"""`/api/v1/postmortems` and an incident's postmortem: draft, edit, review, publish,
export; starring timeline entries; the template; what is due."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy.orm import Session
from starlette.requests import Request

from watchkeeper.core.ids import Id
from watchkeeper.incidents.schemas import TimelineEntryOut
from watchkeeper.response.postmortems import due, export, queries
from watchkeeper.response.postmortems import service as postmortems
from watchkeeper.response.postmortems.schemas import (
    DueOut,
    PostmortemCreate,
    PostmortemOut,
    PostmortemUpdate,
    ReviewersIn,
    StarIn,
    Status,
    TemplateIn,
    TemplateOut,
)
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiAdmin, ApiResponder, ApiViewer, DbSession, Now
from watchkeeper.web.ui.postmortem_print import printable

router = APIRouter(tags=["postmortems"])
ONE = "/postmortems/{postmortem_id}"


class ExportFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"


def _out(session: Session, postmortem_id: int) -> PostmortemOut:
    return queries.out(session, postmortems.get(session, postmortem_id=postmortem_id))


@router.put(
    "/incidents/{incident_id}/timeline/{entry_id}/star",
    summary="Star or unstar a timeline entry (starred entries open the postmortem's timeline)",
)
def star(
    principal: ApiResponder, session: DbSession, incident_id: Id, entry_id: Id, body: StarIn
) -> TimelineEntryOut:
    entry = postmortems.star(
        session,
        incident_id=incident_id,
        entry_id=entry_id,
        starred=body.starred,
        actor=actor_of(principal),
    )
    return TimelineEntryOut.model_validate(entry)


@router.post(
    "/incidents/{incident_id}/postmortem",
    status_code=201,
    summary="Draft the postmortem of a resolved or closed incident from its record",
)
def create(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    incident_id: Id,
    response: Response,
    body: PostmortemCreate | None = None,
) -> PostmortemOut:
    postmortem = postmortems.create(
        session,
        incident_id=incident_id,
        data=body or PostmortemCreate(),
        actor=actor_of(principal),
        zone=principal.time_zone,
        now=now,
    )
    response.headers["Location"] = f"/api/v1/postmortems/{postmortem.id}"
    return queries.out(session, postmortem)


@router.get("/incidents/{incident_id}/postmortem", summary="The postmortem covering an incident")
def for_incident(_: ApiViewer, session: DbSession, incident_id: Id) -> PostmortemOut:
    return queries.out(session, postmortems.for_incident(session, incident_id=incident_id))


@router.get("/postmortems", summary="List postmortems, most recently changed first")
def list_postmortems(
    _: ApiViewer,
    session: DbSession,
    status: Status | None = None,
    owner_id: Annotated[Id | None, Query()] = None,
    public: bool | None = None,
) -> list[PostmortemOut]:
    rows = queries.list_(session, status=status, owner_id=owner_id, public=public)
    return [queries.out(session, row) for row in rows]


@router.get(
    "/postmortems/due",
    summary="Closed incidents that need a postmortem and have no published one yet",
)
def due_list(_: ApiViewer, request: Request, session: DbSession, now: Now) -> list[DueOut]:
    settings = context_of(request).settings
    found = due.owed(
        session,
        priorities=settings.required_postmortem_priorities,
        business_days=settings.postmortem_due_business_days,
        now=now,
    )
    return [due.out(item, now) for item in found]


@router.get("/postmortem-template", summary="The sections a new postmortem starts with")
def template(_: ApiViewer, session: DbSession) -> TemplateOut:
    sections, is_default = postmortems.sections(session)
    return TemplateOut(sections=sections, is_default=is_default)


@router.put("/postmortem-template", summary="Change the sections of new postmortems (admin)")
def set_template(_: ApiAdmin, session: DbSession, now: Now, body: TemplateIn) -> TemplateOut:
    return TemplateOut(
        sections=postmortems.set_sections(session, data=body, now=now), is_default=False
    )


@router.get(ONE, summary="Get a postmortem")
def get(_: ApiViewer, session: DbSession, postmortem_id: Id) -> PostmortemOut:
    return _out(session, postmortem_id)


@router.patch(ONE, summary="Change a postmortem (published: only `public` and `public_summary`)")
def update(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    postmortem_id: Id,
    body: PostmortemUpdate,
) -> PostmortemOut:
    postmortems.update(
        session, postmortem_id=postmortem_id, data=body, actor=actor_of(principal), now=now
    )
    return _out(session, postmortem_id)


@router.post(f"{ONE}/reviewers", summary="Ask people to review (recorded on the timeline)")
def request_review(
    principal: ApiResponder, session: DbSession, now: Now, postmortem_id: Id, body: ReviewersIn
) -> PostmortemOut:
    postmortems.request_review(
        session, postmortem_id=postmortem_id, data=body, actor=actor_of(principal), now=now
    )
    return _out(session, postmortem_id)


@router.post(f"{ONE}/approve", summary="Approve, as one of its reviewers (in review only)")
def approve(
    principal: ApiResponder, session: DbSession, now: Now, postmortem_id: Id
) -> PostmortemOut:
    postmortems.approve(session, postmortem_id=postmortem_id, actor=actor_of(principal), now=now)
    return _out(session, postmortem_id)


def _mover(action: str, summary: str) -> None:
    def move(
        principal: ApiResponder, session: DbSession, now: Now, postmortem_id: Id
    ) -> PostmortemOut:
        postmortems.move(
            session,
            postmortem_id=postmortem_id,
            action=action,
            actor=actor_of(principal),
            now=now,
        )
        return _out(session, postmortem_id)

    move.__name__ = f"{action}_postmortem"
    router.post(f"{ONE}/{action}", summary=summary)(move)


_mover("submit", "Submit a draft for review (needs a reviewer)")
_mover("return", "Send a postmortem in review back to draft (approvals start over)")
_mover("publish", "Publish a postmortem in review (every reviewer approved)")


@router.get(
    f"{ONE}/export",
    summary="Export as Markdown, or as a printable HTML page (print it to PDF)",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}, "text/html": {}}}},
)
def export_postmortem(
    principal: ApiViewer,
    request: Request,
    session: DbSession,
    postmortem_id: Id,
    format: ExportFormat = ExportFormat.MARKDOWN,
) -> Response:
    postmortem = postmortems.get(session, postmortem_id=postmortem_id)
    facts = postmortems.facts_of(postmortem)
    zone = principal.time_zone
    if format is ExportFormat.HTML:
        page = printable(request, postmortem=postmortem, facts=facts, zone=zone)
        return HTMLResponse(page)
    text = export.markdown(
        title=postmortem.title,
        status=postmortem.status,
        facts=facts,
        body=postmortem.body,
        zone=zone,
    )
    name = f"postmortem-{postmortem.incident_id}.md"
    return PlainTextResponse(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
