"""The audit log as the API returns it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_user_id: int | None
    actor_login: str
    via: str = Field(description="token, session or cli")
    token_id: int | None
    ip: str | None
    user_agent: str | None
    method: str
    route: str = Field(description="The route template, e.g. /api/v1/services/{service_id}")
    path: str
    status: int | None = Field(
        description="Null: the changes committed with this row; else the status of a request "
        "that changed nothing (refused, or nothing to change)."
    )
    changes: list[dict[str, Any]] = Field(
        description="Each changed row: table, id, op (insert, update, delete), before, after; "
        "secrets and addresses redacted."
    )
