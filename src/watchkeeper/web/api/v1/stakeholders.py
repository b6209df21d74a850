"""`/api/v1/incidents/{id}/stakeholders` and `/stakeholder-updates`: who hears how an
incident goes, the updates sent to them and when the next is due; and the admins'
`/api/v1/stakeholder-rules` and `/stakeholder-templates`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from watchkeeper.core.ids import Id
from watchkeeper.incidents import errors as incident_errors
from watchkeeper.incidents.models import Incident
from watchkeeper.response.stakeholders import cadence
from watchkeeper.response.stakeholders import service as stakeholders
from watchkeeper.response.stakeholders.schemas import (
    CadenceOut,
    RuleIn,
    RuleOut,
    StakeholderOut,
    Target,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    UpdateIn,
    UpdateOut,
)
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiAdmin, ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["stakeholders"])
ONE = "/incidents/{incident_id}/stakeholders"
UPDATES = "/incidents/{incident_id}/stakeholder-updates"
RULES = "/stakeholder-rules"
TEMPLATES = "/stakeholder-templates"


@router.get(ONE, summary="List an incident's stakeholders")
def list_stakeholders(_: ApiViewer, session: DbSession, incident_id: Id) -> list[StakeholderOut]:
    return stakeholders.list_(session, incident_id=incident_id)


@router.post(ONE, status_code=201, summary="Add a stakeholder to an incident")
def add_stakeholder(
    _: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: Target
) -> StakeholderOut:
    row = stakeholders.add(session, incident_id=incident_id, data=body, now=now)
    return next(s for s in stakeholders.list_(session, incident_id=incident_id) if s.id == row.id)


@router.delete(ONE + "/{stakeholder_id}", status_code=204, summary="Remove a stakeholder")
def remove_stakeholder(
    _: ApiResponder, session: DbSession, incident_id: Id, stakeholder_id: Id
) -> None:
    stakeholders.remove(session, incident_id=incident_id, stakeholder_id=stakeholder_id)


@router.get(UPDATES, summary="List the stakeholder updates sent on an incident")
def list_updates(_: ApiViewer, session: DbSession, incident_id: Id) -> list[UpdateOut]:
    rows = stakeholders.list_updates(session, incident_id=incident_id)
    return [UpdateOut.model_validate(row) for row in rows]


@router.post(UPDATES, status_code=201, summary="Send a stakeholder update")
def send_update(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: UpdateIn
) -> UpdateOut:
    row = stakeholders.send_update(
        session, incident_id=incident_id, data=body, actor=actor_of(principal), now=now
    )
    return UpdateOut.model_validate(row)


@router.get("/incidents/{incident_id}/stakeholder-cadence", summary="When the next update is due")
def get_cadence(
    _: ApiViewer, request: Request, session: DbSession, now: Now, incident_id: Id
) -> CadenceOut:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise incident_errors.incident_not_found(incident_id)
    minutes = context_of(request).settings.stakeholder_update_minutes
    return cadence.of(session, incident=incident, minutes=minutes, now=now)


@router.get(RULES, summary="List stakeholder rules")
def list_rules(_: ApiViewer, session: DbSession) -> list[RuleOut]:
    return [RuleOut.model_validate(row) for row in stakeholders.list_rules(session)]


@router.post(RULES, status_code=201, summary="Add a stakeholder rule")
def add_rule(_: ApiAdmin, session: DbSession, now: Now, body: RuleIn) -> RuleOut:
    return RuleOut.model_validate(stakeholders.add_rule(session, data=body, now=now))


@router.delete(RULES + "/{rule_id}", status_code=204, summary="Remove a stakeholder rule")
def remove_rule(_: ApiAdmin, session: DbSession, rule_id: Id) -> None:
    stakeholders.remove_rule(session, rule_id=rule_id)


@router.get(TEMPLATES, summary="List stakeholder update templates")
def list_templates(_: ApiViewer, session: DbSession) -> list[TemplateOut]:
    return [TemplateOut.model_validate(row) for row in stakeholders.list_templates(session)]


@router.post(TEMPLATES, status_code=201, summary="Create a stakeholder update template")
def create_template(_: ApiAdmin, session: DbSession, now: Now, body: TemplateIn) -> TemplateOut:
    return TemplateOut.model_validate(stakeholders.create_template(session, data=body, now=now))


@router.patch(TEMPLATES + "/{template_id}", summary="Edit a stakeholder update template")
def update_template(
    _: ApiAdmin, session: DbSession, now: Now, template_id: Id, body: TemplatePatch
) -> TemplateOut:
    row = stakeholders.update_template(session, template_id=template_id, data=body, now=now)
    return TemplateOut.model_validate(row)


@router.delete(TEMPLATES + "/{template_id}", status_code=204, summary="Delete a template")
def delete_template(_: ApiAdmin, session: DbSession, template_id: Id) -> None:
    stakeholders.delete_template(session, template_id=template_id)
