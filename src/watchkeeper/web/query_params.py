"""Refuse query parameters a route does not declare, as unknown body fields are refused.

FastAPI ignores a parameter it does not know, so a misspelt filter (`?status=firing` for
`?state=firing`) silently returns everything. Each route's declared parameters, its
dependencies' included (paging's `limit`, `cursor`, `sort`), are read once from the
route itself, so a new route or parameter needs nothing here.
"""

from __future__ import annotations

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.requests import Request

from watchkeeper.core.errors import FieldError, Invalid

_CACHE = "_watchkeeper_declared_query"  # kept on the route: routes are not hashable


def declared_query(route: APIRoute) -> frozenset[str]:
    """The query parameter names `route` reads, through all its dependencies."""
    names = getattr(route, _CACHE, None)
    if not isinstance(names, frozenset):
        names = frozenset(_walk(route.dependant))
        setattr(route, _CACHE, names)
    return names


def _walk(dependant: Dependant) -> set[str]:
    names: set[str] = set()
    for field in dependant.query_params:
        model = field.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # a query model
            names |= {info.alias or name for name, info in model.model_fields.items()}
        else:
            names.add(field.alias)
    for dependency in dependant.dependencies:
        names |= _walk(dependency)
    return names


def refuse_unknown_query(request: Request) -> None:
    """422 naming each query parameter the matched route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = declared_query(route)
    unknown = sorted({key for key in request.query_params if key not in declared})
    if not unknown:
        return
    takes = ", ".join(sorted(declared)) or "none"
    message = f"unknown query parameter (this route takes: {takes})"
    errors = [FieldError(f"query.{name}", message) for name in unknown]
    raise Invalid(f"unknown query parameter: {', '.join(unknown)}", errors=errors)
