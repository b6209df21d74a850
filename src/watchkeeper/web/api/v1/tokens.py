"""`/api/v1/tokens`: create (shown once), list and revoke API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.schemas import TokenCreate, TokenCreated, TokenOut
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.web.deps import NO_STORE, ApiSelfWriter, ApiViewer, DbSession, Now, page_request

router = APIRouter(prefix="/tokens", tags=["tokens"])


TokenPage = Annotated[
    PageRequest,
    Depends(page_request(list(access.TOKEN_SORTABLE), Sort("id", descending=True))),
]


@router.get("", summary="List API tokens")
def list_tokens(
    principal: ApiViewer,
    session: DbSession,
    page: TokenPage,
    user_id: Annotated[
        Id | None, Query(description="Admins: another user's tokens. Default: yours.")
    ] = None,
    all_users: Annotated[bool, Query(description="Admins: everyone's tokens.")] = False,
) -> Page[TokenOut]:
    owner = user_id or principal.user_id
    if all_users or owner != principal.user_id:
        principal.require(Role.ADMIN)
    rows, next_cursor = access.list_tokens(session, user_id=None if all_users else owner, page=page)
    items = [TokenOut.model_validate(row) for row in rows]
    return Page[TokenOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.get("/{token_id}", summary="Get an API token (never its secret)")
def get_token(principal: ApiViewer, session: DbSession, token_id: Id) -> TokenOut:
    token = access.get_token(session, token_id=token_id)
    principal.require_self_or(token.user_id, Role.ADMIN)
    return TokenOut.model_validate(token)


@router.post(
    "",
    status_code=201,
    summary="Create an API token (the secret is shown once)",
    dependencies=[NO_STORE],
)
def create_token(
    principal: ApiSelfWriter, session: DbSession, now: Now, body: TokenCreate, response: Response
) -> TokenCreated:
    owner_id = body.user_id or principal.user_id
    principal.require_self_or(owner_id, Role.ADMIN)
    owner = users.get(session, user_id=owner_id)
    token, secret = access.create_token(
        session,
        owner=owner,
        name=body.name,
        role=body.role,
        expires_in_days=body.expires_in_days,
        now=now,
        ceiling=principal.role,
        parent_id=principal.token_id,
        lifetime_chosen="expires_in_days" in body.model_fields_set,
    )
    response.headers["Location"] = f"/api/v1/tokens/{token.id}"
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=secret)


@router.delete("/{token_id}", status_code=204, summary="Revoke an API token")
def revoke_token(principal: ApiSelfWriter, session: DbSession, now: Now, token_id: Id) -> None:
    token = access.get_token(session, token_id=token_id)
    principal.require_self_or(token.user_id, Role.ADMIN)
    access.revoke_token(session, token_id=token_id, now=now)
