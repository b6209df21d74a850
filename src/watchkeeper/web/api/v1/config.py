"""`/api/v1/config`: configuration as code for CI pipelines (plan, apply, export) and the
file's JSON Schema for editors. The body of plan and apply is the file itself, YAML or
JSON; errors name the line and field of the file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request

from watchkeeper.config import plan as planning
from watchkeeper.config import queries, service
from watchkeeper.config.loader import ConfigFileError, Located, Source, load
from watchkeeper.config.schemas import ConfigFile, config_schema
from watchkeeper.core.errors import FieldError, Invalid
from watchkeeper.web.deps import ApiAdmin, DbSession, Now

router = APIRouter(prefix="/config", tags=["config"])
Prune = Annotated[
    bool, Query(description="Delete what the file does not list, of the kinds it lists")
]
FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


def _invalid(problems: list[Located]) -> Invalid:
    return Invalid(
        f"the configuration is not valid: {problems[0]}",
        errors=[
            FieldError(
                f"body.{p.field}",
                f"line {p.line}: {p.message}" + (f" ({p.name})" if p.name else ""),
            )
            for p in problems
        ],
    )


async def _document(request: Request) -> tuple[Source, ConfigFile]:
    raw = await request.body()
    try:
        return load(raw.decode("utf-8", "replace"), "body")
    except ConfigFileError as exc:
        raise _invalid(exc.problems) from None


@router.get("/schema", summary="The configuration file's JSON Schema")
def schema() -> dict[str, Any]:
    """Public, so editors can fetch it (`# yaml-language-server: $schema=<this URL>`)."""
    return config_schema()


@router.get("/export", summary="The whole configuration, ids replaced by names")
def export(_: ApiAdmin, session: DbSession) -> dict[str, Any]:
    return queries.export(session)


@router.post("/plan", summary="What applying this file would change", openapi_extra=FILE_BODY)
async def plan(_: ApiAdmin, request: Request, session: DbSession, prune: Prune = False) -> Any:
    source, document = await _document(request)
    made = service.plan(session, document=document, prune=prune)
    if made.problems:
        raise _invalid([source.locate(p.path, p.message) for p in made.problems])
    return planning.to_data(made)


@router.post("/apply", summary="Apply this file in one transaction", openapi_extra=FILE_BODY)
async def apply(
    _: ApiAdmin, request: Request, session: DbSession, now: Now, prune: Prune = False
) -> Any:
    source, document = await _document(request)
    try:
        made = service.apply(session, document=document, prune=prune, now=now)
    except Invalid as exc:
        located = [
            source.locate(tuple(_part(p) for p in e.location.split(".")), e.message)
            for e in exc.errors
        ]
        raise _invalid(located) from exc
    return planning.to_data(made)


def _part(text: str) -> str | int:
    return int(text) if text.isdigit() else text
