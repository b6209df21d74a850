"""Postmortem use cases: star entries, draft, edit, review, publish. Callers own the
transaction; every step that matters to the incident leaves an entry on its timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.lifecycle import Status as IncidentStatus
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.response.postmortems import draft, errors
from watchkeeper.response.postmortems.models import (
    Postmortem,
    PostmortemIncident,
    PostmortemReview,
    PostmortemTemplate,
)
from watchkeeper.response.postmortems.schemas import (
    DEFAULT_SECTIONS,
    Facts,
    PostmortemCreate,
    PostmortemUpdate,
    ReviewersIn,
    Status,
    TemplateIn,
)

TEMPLATE = "default"
# action -> (from, to)
MOVES: dict[str, tuple[Status, Status]] = {
    "submit": (Status.DRAFT, Status.IN_REVIEW),
    "return": (Status.IN_REVIEW, Status.DRAFT),
    "publish": (Status.IN_REVIEW, Status.PUBLISHED),
}
_DONE = (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)


def star(
    session: Session,
    *,
    incident_id: int,
    entry_id: int,
    starred: bool,
    actor: Actor,
) -> TimelineEntry:
    """Mark a timeline entry as one for the postmortem (or unmark it). Starring is not an
    event of the incident: it leaves no entry of its own."""
    incidents.get(session, incident_id=incident_id)
    entry = session.get(TimelineEntry, entry_id)
    if entry is None or entry.incident_id != incident_id:
        raise errors.no_entry(incident_id, entry_id)
    entry.starred = starred
    return entry


def sections(session: Session) -> tuple[list[str], bool]:
    """The template's sections, and whether they are the built-in default."""
    row = session.get(PostmortemTemplate, TEMPLATE)
    return (list(row.sections), False) if row else (list(DEFAULT_SECTIONS), True)


def set_sections(session: Session, *, data: TemplateIn, now: datetime) -> list[str]:
    row = session.get(PostmortemTemplate, TEMPLATE)
    if row is None:
        row = PostmortemTemplate(name=TEMPLATE, sections=data.sections, updated_at=now)
        session.add(row)
    else:
        row.sections, row.updated_at = list(data.sections), now
    return list(row.sections)


def create(
    session: Session,
    *,
    incident_id: int,
    data: PostmortemCreate,
    actor: Actor,
    zone: str,
    now: datetime,
) -> Postmortem:
    """Draft the postmortem of a resolved (or closed) incident from its record."""
    incident = incidents.get(session, incident_id=incident_id, lock=True)
    if incident.status not in _DONE:
        raise errors.transition("draft", f"for an incident that is {incident.status}", [])
    existing = session.scalar(
        select(Postmortem.id).where(Postmortem.incident_id == incident_id)
    ) or session.scalar(
        select(PostmortemIncident.postmortem_id).where(
            PostmortemIncident.incident_id == incident_id
        )
    )
    if existing is not None:
        raise errors.exists(incident_id, existing)
    also = _check_also(session, incident_id, data.also_incident_ids)
    owner_id = data.owner_id if data.owner_id is not None else actor.user_id
    incidents.check_user(session, "owner_id", owner_id)
    facts = draft.gather(session, incident=incident, also=also)
    wanted, _ = sections(session)
    postmortem = Postmortem(
        incident_id=incident_id,
        title=f"Postmortem: {incident.title}"[:255],
        status=Status.DRAFT.value,
        owner_id=owner_id,
        body=draft.compose(facts, sections=wanted, zone=zone),
        facts=facts.model_dump(mode="json"),
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(postmortem)
    session.flush()
    session.add_all(PostmortemIncident(postmortem_id=postmortem.id, incident_id=i) for i in also)
    _log(session, postmortem, f"{actor.name} started the postmortem", actor, now, "drafted")
    return postmortem


def _check_also(session: Session, incident_id: int, wanted: Sequence[int]) -> list[int]:
    also = [i for i in dict.fromkeys(wanted) if i != incident_id]
    if not also:
        return []
    found = set(session.scalars(select(Incident.id).where(Incident.id.in_(also))))
    for other in also:
        if other not in found:
            raise errors.no_such_incident(other)
    taken = (
        session.scalars(
            select(PostmortemIncident.incident_id).where(PostmortemIncident.incident_id.in_(also))
        ).first()
        or session.scalars(
            select(Postmortem.incident_id).where(Postmortem.incident_id.in_(also))
        ).first()
    )
    if taken is not None:
        raise errors.covered(taken)
    return also


def get(session: Session, *, postmortem_id: int, lock: bool = False) -> Postmortem:
    stmt = select(Postmortem).where(Postmortem.id == postmortem_id)
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise errors.not_found(postmortem_id)
    return found


def for_incident(session: Session, *, incident_id: int) -> Postmortem:
    """The postmortem that covers an incident, as its lead or as a merged/related one."""
    found = session.scalar(
        select(Postmortem).where(Postmortem.incident_id == incident_id)
    ) or session.scalar(
        select(Postmortem)
        .join(PostmortemIncident, PostmortemIncident.postmortem_id == Postmortem.id)
        .where(PostmortemIncident.incident_id == incident_id)
    )
    if found is None:
        raise errors.none_for(incident_id)
    return found


def facts_of(postmortem: Postmortem) -> Facts:
    """The drafted facts, with the mitigation time people gave since."""
    facts = Facts.model_validate(postmortem.facts)
    facts.milestones.mitigated_at = postmortem.mitigated_at
    return facts


def update(
    session: Session,
    *,
    postmortem_id: int,
    data: PostmortemUpdate,
    actor: Actor,
    now: datetime,
) -> Postmortem:
    """Change fields. Once published only the public flag and summary may change."""
    postmortem = get(session, postmortem_id=postmortem_id, lock=True)
    changes = data.model_dump(exclude_unset=True)
    content = set(changes) - {"public", "public_summary"}
    if postmortem.status == Status.PUBLISHED and content:
        raise errors.published()
    if "owner_id" in changes:
        incidents.check_user(session, "owner_id", changes["owner_id"])
    was_public = postmortem.public
    for name, value in changes.items():
        setattr(postmortem, name, value)
    postmortem.updated_at = now
    if postmortem.public != was_public:
        said = "marked the postmortem public" if postmortem.public else "made it private again"
        _log(session, postmortem, f"{actor.name} {said}", actor, now, "public")
    return postmortem


def request_review(
    session: Session, *, postmortem_id: int, data: ReviewersIn, actor: Actor, now: datetime
) -> Postmortem:
    postmortem = get(session, postmortem_id=postmortem_id, lock=True)
    if postmortem.status == Status.PUBLISHED:
        raise errors.published()
    asked = {review.user_id for review in reviews(session, postmortem_id=postmortem.id)}
    logins = []
    for user_id in dict.fromkeys(data.user_ids):
        login = incidents.check_user(session, "user_ids", user_id)
        if user_id not in asked:
            session.add(
                PostmortemReview(postmortem_id=postmortem.id, user_id=user_id, requested_at=now)
            )
            logins.append(str(login))
    if logins:
        said = f"{actor.name} asked {', '.join(logins)} to review the postmortem"
        _log(session, postmortem, said, actor, now, "review_requested")
    return postmortem


def reviews(session: Session, *, postmortem_id: int) -> Sequence[PostmortemReview]:
    stmt = select(PostmortemReview).where(PostmortemReview.postmortem_id == postmortem_id)
    return session.scalars(
        stmt.order_by(PostmortemReview.requested_at, PostmortemReview.user_id)
    ).all()


def approve(session: Session, *, postmortem_id: int, actor: Actor, now: datetime) -> Postmortem:
    postmortem = get(session, postmortem_id=postmortem_id, lock=True)
    if postmortem.status != Status.IN_REVIEW:
        raise errors.transition("approve", postmortem.status, _allowed(postmortem))
    review = session.get(PostmortemReview, (postmortem.id, actor.user_id))
    if review is None:
        raise errors.not_a_reviewer(actor.name)
    if review.approved_at is None:
        review.approved_at = now
        _log(session, postmortem, f"{actor.name} approved the postmortem", actor, now, "approved")
    return postmortem


def move(
    session: Session, *, postmortem_id: int, action: str, actor: Actor, now: datetime
) -> Postmortem:
    """submit (draft -> in_review), return (in_review -> draft), publish (in_review ->
    published, once every reviewer approved)."""
    postmortem = get(session, postmortem_id=postmortem_id, lock=True)
    source, target = MOVES[action]
    if postmortem.status != source:
        raise errors.transition(action, postmortem.status, _allowed(postmortem))
    asked = reviews(session, postmortem_id=postmortem.id)
    if action == "submit" and not asked:
        raise errors.needs_reviewers()
    if action == "publish":
        waiting = [review.user_id for review in asked if review.approved_at is None]
        if waiting:
            raise errors.waiting_for(_names(session, waiting))
        postmortem.published_at = now
    if action == "return":
        for review in asked:  # the text will change: approvals start over
            review.approved_at = None
    postmortem.status = target.value
    postmortem.updated_at = now
    said = {
        "submit": "submitted the postmortem for review",
        "return": "sent the postmortem back to draft",
        "publish": "published the postmortem",
    }[action]
    _log(session, postmortem, f"{actor.name} {said}", actor, now, action)
    return postmortem


def _allowed(postmortem: Postmortem) -> list[str]:
    return [action for action, (source, _) in MOVES.items() if source == postmortem.status]


def _names(session: Session, user_ids: list[int]) -> list[str]:
    return list(
        session.scalars(select(User.login).where(User.id.in_(user_ids)).order_by(User.login))
    )


def _log(
    session: Session, postmortem: Postmortem, summary: str, actor: Actor, now: datetime, step: str
) -> None:
    record(
        session,
        incident_id=postmortem.incident_id,
        kind="postmortem",
        summary=summary,
        actor=actor,
        at=now,
        data={"postmortem_id": postmortem.id, "step": step},
    )
