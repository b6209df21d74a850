"""Who a level's targets mean, and the pages that wake them, for many incidents at once.

`Targets` resolves users, teams and schedules for a whole escalation batch with one query
per kind, and remembers the answers for the batch. `Pages` collects the pages a run
decides and writes them with one INSERT, their timeline entries with another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams.models import TeamMembership
from watchkeeper.catalog.users.models import User
from watchkeeper.db import ids
from watchkeeper.incidents.timeline import Actor, Entries
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.pipeline.escalation.schemas import Target

HIGH_URGENCY_UP_TO = 2  # P1 and P2 page with high urgency


def urgency_of(priority: int) -> str:
    return "high" if priority <= HIGH_URGENCY_UP_TO else "low"


class Targets:
    """The active users behind targets at one moment, looked up once per batch."""

    def __init__(self, session: Session, at: datetime) -> None:
        self.session = session
        self.at = at
        self._users: dict[tuple[str, int], list[int]] = {}
        self._admins: list[int] | None = None

    def load(self, targets: Iterable[Target]) -> None:
        """Look up every target not known yet: one query per kind of target."""
        wanted: dict[str, set[int]] = {"user": set(), "team": set(), "schedule": set()}
        for target in targets:
            if (target.type, target.id) not in self._users:
                wanted[target.type].add(target.id)
        found: dict[tuple[str, int], list[int]] = {}
        if wanted["user"]:
            active = self._active(wanted["user"])
            found |= {
                ("user", user_id): [user_id] if user_id in active else []
                for user_id in wanted["user"]
            }
        if wanted["team"]:
            found |= self._teams(wanted["team"])
        if wanted["schedule"]:
            found |= self._schedules(wanted["schedule"])
        self._users |= found

    def users(self, targets: Sequence[Target]) -> list[int]:
        """The active users the targets mean, each once, in target order."""
        self.load(targets)
        users: list[int] = []
        for target in targets:
            users.extend(u for u in self._users[(target.type, target.id)] if u not in users)
        return users

    def admins(self) -> list[int]:
        if self._admins is None:
            stmt = select(User.id).where(User.role == "admin", User.is_active)
            self._admins = list(self.session.scalars(stmt.order_by(User.login)))
        return self._admins

    def _active(self, user_ids: Iterable[int]) -> set[int]:
        stmt = select(User.id).where(User.id.in_(sorted(set(user_ids))), User.is_active)
        return set(self.session.scalars(stmt))

    def _teams(self, team_ids: set[int]) -> dict[tuple[str, int], list[int]]:
        rows = self.session.execute(
            select(TeamMembership.team_id, User.id)
            .join(User, User.id == TeamMembership.user_id)
            .where(TeamMembership.team_id.in_(sorted(team_ids)), User.is_active)
            .order_by(TeamMembership.team_id, User.login)
        )
        found: dict[tuple[str, int], list[int]] = {("team", team_id): [] for team_id in team_ids}
        for team_id, user_id in rows:
            found[("team", team_id)].append(user_id)
        return found

    def _schedules(self, schedule_ids: set[int]) -> dict[tuple[str, int], list[int]]:
        # A schedule deleted since the snapshot was taken has nobody on call.
        on_call = schedules.users_on_call_for(self.session, schedule_ids=schedule_ids, at=self.at)
        active = self._active(u for users in on_call.values() for u in users)
        return {
            ("schedule", schedule_id): [u for u in on_call.get(schedule_id, []) if u in active]
            for schedule_id in schedule_ids
        }


@dataclass
class Pages:
    """Pages decided by one run, and their timeline entries; nothing is written until
    `write`, which needs one query for the names and two INSERTs."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    said: list[tuple[int, list[int], str, Actor, datetime, int | None, str]] = field(
        default_factory=list
    )

    def add(
        self,
        *,
        incident_id: int,
        priority: int,
        user_ids: Sequence[int],
        reason: str,
        actor: Actor,
        now: datetime,
        level: int | None = None,
    ) -> None:
        """Page each user once for the incident, and say so on its timeline."""
        if not user_ids:
            return
        urgency = urgency_of(priority)
        self.rows.extend(
            {
                "incident_id": incident_id,
                "user_id": user_id,
                "reason": reason[:200],
                "level": level,
                "urgency": urgency,
                "created_at": now,
                "planned": False,
            }
            for user_id in user_ids
        )
        self.said.append((incident_id, list(user_ids), reason, actor, now, level, urgency))

    def write(self, session: Session) -> list[int]:
        """Insert the pages (the notify stage turns them into messages); returns their ids."""
        if not self.rows:
            return []
        table = Page.table()
        page_ids = ids.reserve(session, table, len(self.rows))
        for row, page_id in zip(self.rows, page_ids, strict=True):
            row["id"] = page_id
        session.execute(insert(table), self.rows)
        everyone = sorted({user_id for said in self.said for user_id in said[1]})
        logins = dict(
            session.execute(select(User.id, User.login).where(User.id.in_(everyone))).all()
        )
        entries = Entries()
        for incident_id, user_ids, reason, actor, now, level, urgency in self.said:
            names = ", ".join(logins.get(user_id, f"user {user_id}") for user_id in user_ids)
            entries.add(
                incident_id,
                "paged",
                f"paged {names} ({reason})",
                actor,
                now,
                {"user_ids": user_ids, "level": level, "urgency": urgency},
            )
        entries.write(session)
        self.rows, self.said = [], []
        return page_ids
