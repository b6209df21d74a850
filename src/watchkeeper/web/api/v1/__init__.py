"""API v1: every route the UI uses, token-authenticated (docs/api.md has the conventions)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from watchkeeper.web.api.v1 import (
    action_items,
    alerts,
    audit,
    catalog,
    checks,
    config,
    contact,
    digest,
    drills,
    escalation,
    incident_actions,
    incidents,
    integrations,
    kb,
    me,
    noise,
    plans,
    policy,
    postmortems,
    problems,
    readiness,
    reports,
    schedules,
    stakeholders,
    status_incidents,
    status_pages,
    status_subscribers,
    suggestions,
    teams,
    tokens,
    users,
    workflows,
)
from watchkeeper.web.api.v1.problem_schema import PROBLEM_RESPONSES
from watchkeeper.web.deps import refuse_control_text
from watchkeeper.web.query_params import refuse_unknown_query

router = APIRouter(
    prefix="/api/v1",
    responses=PROBLEM_RESPONSES,
    dependencies=[Depends(refuse_control_text), Depends(refuse_unknown_query)],
)
router.include_router(me.router)
router.include_router(digest.router)
router.include_router(users.router)
router.include_router(teams.router)
router.include_router(tokens.router)
router.include_router(catalog.router)
router.include_router(policy.router)
router.include_router(incidents.router)
router.include_router(incident_actions.router)
router.include_router(integrations.router)
router.include_router(alerts.router)
router.include_router(noise.router)
router.include_router(escalation.router)
router.include_router(contact.router)
router.include_router(schedules.router)
router.include_router(audit.router)
router.include_router(checks.router)
router.include_router(config.router)
router.include_router(postmortems.router)
router.include_router(action_items.router)
router.include_router(problems.router)
router.include_router(status_pages.router)
router.include_router(status_incidents.router)
router.include_router(status_subscribers.router)
router.include_router(stakeholders.router)
router.include_router(reports.router)
router.include_router(workflows.router)
router.include_router(drills.router)
router.include_router(suggestions.router)
router.include_router(readiness.router)
router.include_router(kb.router)
router.include_router(plans.router)
