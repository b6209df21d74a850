"""The read side of postmortems: the API's view of one, and lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.response.postmortems.draft import durations
from watchkeeper.response.postmortems.models import Postmortem, PostmortemReview
from watchkeeper.response.postmortems.schemas import (
    DurationOut,
    PostmortemOut,
    ReviewOut,
    Status,
)
from watchkeeper.response.postmortems.service import facts_of

LIST_LIMIT = 200


def out(session: Session, postmortem: Postmortem) -> PostmortemOut:
    facts = facts_of(postmortem)
    reviews = session.execute(
        select(PostmortemReview, User.login)
        .join(User, User.id == PostmortemReview.user_id)
        .where(PostmortemReview.postmortem_id == postmortem.id)
        .order_by(PostmortemReview.requested_at, User.login)
    )
    return PostmortemOut(
        id=postmortem.id,
        incident_id=postmortem.incident_id,
        incident_ids=facts.incident_ids,
        title=postmortem.title,
        status=Status(postmortem.status),
        owner_id=postmortem.owner_id,
        body=postmortem.body,
        facts=facts,
        durations=[
            DurationOut(name=name, seconds=None if value is None else int(value.total_seconds()))
            for name, value in durations(facts.milestones)
        ],
        mitigated_at=postmortem.mitigated_at,
        public=postmortem.public,
        public_summary=postmortem.public_summary,
        reviews=[
            ReviewOut(
                user_id=review.user_id,
                login=login,
                requested_at=review.requested_at,
                approved_at=review.approved_at,
            )
            for review, login in reviews
        ],
        created_at=postmortem.created_at,
        updated_at=postmortem.updated_at,
        published_at=postmortem.published_at,
    )


def list_(
    session: Session,
    *,
    status: Status | None = None,
    owner_id: int | None = None,
    public: bool | None = None,
) -> Sequence[Postmortem]:
    """The most recently changed postmortems first, by the (status, updated_at) index."""
    stmt = select(Postmortem)
    if status is not None:
        stmt = stmt.where(Postmortem.status == status.value)
    if owner_id is not None:
        stmt = stmt.where(Postmortem.owner_id == owner_id)
    if public is not None:
        stmt = stmt.where(Postmortem.public.is_(public))
    stmt = stmt.order_by(Postmortem.updated_at.desc(), Postmortem.id.desc()).limit(LIST_LIMIT)
    return session.scalars(stmt).all()
