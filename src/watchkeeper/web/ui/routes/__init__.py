"""All UI routes, behind one CSRF check for every state-changing request."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from watchkeeper.web.deps import verify_csrf
from watchkeeper.web.ui.routes import (
    account,
    action_pages,
    admin_audit,
    admin_catalog,
    admin_escalation,
    admin_policy,
    admin_service_page,
    admin_teams,
    admin_users,
    alerts_pages,
    auth,
    checks_pages,
    home,
    incident_lists,
    incident_live,
    incident_page,
    noise_inhibitions,
    noise_rules,
    noise_silences,
    noise_windows,
    notification_settings,
    postmortem_pages,
    problem_pages,
    reports_pages,
    schedules,
    service_directory,
    sso,
    status_pages,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
for module in (
    auth,
    sso,
    home,
    account,
    admin_users,
    admin_teams,
    admin_catalog,
    admin_policy,
    admin_service_page,
    admin_escalation,
    admin_audit,
    alerts_pages,
    checks_pages,
    incident_lists,
    incident_page,
    incident_live,
    notification_settings,
    schedules,
    service_directory,
    noise_silences,
    noise_windows,
    noise_rules,
    noise_inhibitions,
    postmortem_pages,
    action_pages,
    problem_pages,
    status_pages,
    reports_pages,
):
    router.include_router(module.router)
