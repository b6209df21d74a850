"""Admin pages for escalation policies: list, create, change (levels as form rows), delete."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.core.ids import Id
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.schemas import (
    LevelIn,
    LevelOut,
    PolicyCreate,
    PolicyUpdate,
    Target,
)
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin
from watchkeeper.web.ui.routes.forms import (
    Outcome,
    attempt,
    called,
    parse_form,
    validation_messages,
)
from watchkeeper.web.ui.templating import render, saved

router = APIRouter(prefix="/admin/escalation-policies")
HERE = "/admin/escalation-policies"
BLANK_ROWS_ON_CREATE = 3
# Level rows post `level-<n>-targets` (repeated, values like `user:3`) and `level-<n>-delay`.
_ROW_FIELD = re.compile(r"^level-(\d{1,3})-(?:targets|delay)$")


class PolicyForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    repeat: int = Field(default=0, ge=0, le=9)


@dataclass(frozen=True)
class Choices:
    """Who a level (or a manual page) can name, by id, for pickers and summaries."""

    users: dict[int, str]
    inactive: frozenset[int]
    teams: dict[int, str]
    schedules: dict[int, str]

    def name(self, target: Target) -> str:
        if target.type == "user":
            return self.users.get(target.id, f"user {target.id}")
        names = self.teams if target.type == "team" else self.schedules
        return f"{target.type} {names.get(target.id, target.id)}"

    def groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """`<optgroup>`s of (value, label) options, values like `team:2`."""
        users = [
            (f"user:{ref}", login + (" (inactive)" if ref in self.inactive else ""))
            for ref, login in self.users.items()
        ]
        return [
            ("Users", users),
            ("Teams", [(f"team:{ref}", name) for ref, name in self.teams.items()]),
            ("Schedules", [(f"schedule:{ref}", name) for ref, name in self.schedules.items()]),
        ]


def choices(session: Session) -> Choices:
    users = session.execute(select(User.id, User.login, User.is_active).order_by(User.login))
    rows = list(users)
    return Choices(
        users={row[0]: row[1] for row in rows},
        inactive=frozenset(row[0] for row in rows if not row[2]),
        teams={
            row[0]: row[1]
            for row in session.execute(select(Team.id, Team.name).order_by(Team.name))
        },
        schedules={row.id: row.name for row in schedules.all_(session)},
    )


def summary(levels: Sequence[LevelOut], names: Choices) -> str:
    """`1: alice, team DB → 30 min; 2: schedule Primary → 15 min`."""
    return "; ".join(
        f"{level.position + 1}: {', '.join(names.name(t) for t in level.targets)}"
        f" → {level.delay_minutes} min"
        for level in levels
    )


def _levels(form: FormData) -> tuple[list[LevelIn], list[str]]:
    """The level rows in order, rows without targets dropped; and what is wrong with them."""
    rows = sorted({int(m[1]) for key in form if (m := _ROW_FIELD.match(key))})
    levels: list[LevelIn] = []
    problems: list[str] = []
    for row in rows:
        values = [v for v in form.getlist(f"level-{row}-targets") if isinstance(v, str) and v]
        if not values:
            continue
        data: dict[str, Any] = {
            "targets": [dict(zip(("type", "id"), v.split(":", 1), strict=False)) for v in values]
        }
        if (delay := form.get(f"level-{row}-delay")) not in (None, ""):
            data["delay_minutes"] = delay
        try:
            levels.append(LevelIn.model_validate(data))
        except ValidationError as exc:
            problems += [f"level {row + 1}, {text}" for text in validation_messages(exc)]
    return levels, problems


def _read(form: FormData) -> Outcome[PolicyCreate]:
    """The whole policy form as one value, or every problem with it at once."""
    errors: list[str] = []
    head: PolicyForm | None = None
    try:
        head = parse_form(PolicyForm, form)
    except ValidationError as exc:
        errors += validation_messages(exc)
    levels, problems = _levels(form)
    errors += problems
    if not levels and not problems:
        errors.append("give the policy at least one level with a target")
    if errors or head is None:
        return Outcome(errors=errors)
    try:
        return Outcome(value=PolicyCreate.model_validate({**head.model_dump(), "levels": levels}))
    except ValidationError as exc:
        return Outcome(errors=validation_messages(exc))


def _save(
    request: Request, form: FormData, work: Callable[[Session, PolicyCreate], int]
) -> Outcome[int]:
    read = _read(form)
    data = read.value
    if data is None:
        return Outcome(errors=read.errors)
    return attempt(request, lambda session: work(session, data))


def _list_page(request: Request, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        names = choices(session)
        policies = [escalation.policy_out(session, p) for p in escalation.list_policies(session)]
        used: dict[int, list[str]] = defaultdict(list)
        stmt = select(Service.escalation_policy_id, Service.name).order_by(Service.name)
        for policy_id, service in session.execute(stmt):
            if policy_id is not None:
                used[policy_id].append(service)
        return {
            "policies": [(p, summary(p.levels, names)) for p in policies],
            "used": used,
            "groups": names.groups(),
        }

    context = context_of(request).database.run(load, write=False)
    context["rows"] = [{"values": [], "delay": 30}] * BLANK_ROWS_ON_CREATE
    status = 422 if extra.get("errors") else 200
    return render(
        request, "admin/escalation_policies.html", {**context, **extra}, status_code=status
    )


@router.get("")
def list_policies(request: Request, _: UiAdmin) -> Response:
    return _list_page(request)


@router.post("")
def create_policy(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = _save(
        request, form, lambda s, data: escalation.create_policy(s, data=data, now=now).id
    )
    if not outcome.ok:
        return _list_page(request, errors=outcome.errors)
    return saved(HERE, f"Escalation policy{called(form)} created")


def _policy_page(request: Request, policy_id: int, *, status: int = 200, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        policy = escalation.policy_out(session, escalation.get_policy(session, policy_id=policy_id))
        stmt = select(Service.name).where(Service.escalation_policy_id == policy_id)
        return {
            "policy": policy,
            "services": list(session.scalars(stmt.order_by(Service.name))),
            "groups": choices(session).groups(),
        }

    context = context_of(request).database.run(load, write=False)
    rows = [
        {"values": [f"{t.type}:{t.id}" for t in level.targets], "delay": level.delay_minutes}
        for level in context["policy"].levels
    ]
    context["rows"] = [*rows, {"values": [], "delay": 30}]
    context["saved"] = request.query_params.get("saved") == "1"
    return render(request, "admin/escalation_policy.html", {**context, **extra}, status_code=status)


@router.get("/{policy_id}")
def show_policy(request: Request, _: UiAdmin, policy_id: Id) -> Response:
    return _policy_page(request, policy_id)


@router.post("/{policy_id}")
def update_policy(request: Request, _: UiAdmin, policy_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def work(session: Session, data: PolicyCreate) -> int:
        patch = PolicyUpdate.model_validate(data.model_dump(exclude={"team_id"}))
        return escalation.update_policy(session, policy_id=policy_id, data=patch, now=now).id

    outcome = _save(request, form, work)
    if not outcome.ok:
        return _policy_page(request, policy_id, status=422, errors=outcome.errors)
    return RedirectResponse(f"{HERE}/{policy_id}?saved=1", status_code=303)


@router.post("/{policy_id}/delete")
def delete_policy(request: Request, _: UiAdmin, policy_id: Id) -> Response:
    outcome = attempt(request, lambda s: escalation.delete_policy(s, policy_id=policy_id))
    if not outcome.ok:
        return _policy_page(request, policy_id, status=409, errors=outcome.errors)
    return saved(HERE, "Escalation policy deleted")
