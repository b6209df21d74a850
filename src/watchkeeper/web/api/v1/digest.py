"""`/api/v1/me/weekly-digest`: opt in or out of the weekly digest, and preview it."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request

from watchkeeper.analytics.digest import service as digest
from watchkeeper.analytics.digest.schemas import DigestChoice, DigestOut, DigestPreview
from watchkeeper.catalog.users import service as users
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiSelfWriter, ApiViewer, DbSession, Now

router = APIRouter(prefix="/me/weekly-digest", tags=["me"])


@router.get("", summary="Whether I get the weekly digest")
def get_digest(principal: ApiViewer, session: DbSession) -> DigestOut:
    return digest.get(session, user_id=principal.user_id)


@router.put("", summary="Opt in or out of the weekly digest")
def choose_digest(
    principal: ApiSelfWriter, session: DbSession, now: Now, body: DigestChoice
) -> DigestOut:
    return digest.choose(session, user_id=principal.user_id, enabled=body.enabled, now=now)


@router.get("/preview", summary="The weekly digest as it would go out now")
def preview_digest(
    principal: ApiViewer, request: Request, session: DbSession, now: Now
) -> DigestPreview:
    user = users.get(session, user_id=principal.user_id)
    base_url = context_of(request).settings.resolved_base_url
    return digest.preview(session, user=user, now=now, base_url=base_url)
