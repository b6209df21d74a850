"""Paging scenarios' vocabulary on top of the harness: people who can be reached,
policies, alerts by name, and what each person received."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tests.alertmanager import firing
from tests.factories import Person, bearer, make_person
from tests.scenarios.harness import Harness
from watchkeeper.catalog.users.roles import Role
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.pipeline.notify.models import Notification

CODE = re.compile(r"code is (\d{6})")


@dataclass
class Paging:
    h: Harness
    people: dict[str, Person] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)  # address -> login

    def person(self, login: str, *, role: Role = Role.RESPONDER, reachable: bool = True) -> Person:
        """A user with (by default) one verified email contact method."""
        person = make_person(self.h.db, now=self.h.clock.now(), role=role, login=login)
        self.people[login] = person
        if reachable:
            self.reach(person, "email", f"{login}@example.com")
        return person

    def reach(self, person: Person, kind: str, address: str) -> int:
        """Add a contact method and verify it with the code it received."""
        api = f"/api/v1/users/{person.id}/contact-methods"
        created = self.h.client.post(
            api, json={"kind": kind, "address": address}, headers=bearer(person)
        )
        assert created.status_code == 201, created.text
        method_id = int(created.json()["id"])
        self.h.run_engine()
        [sent] = self.h.channel.take()
        code = CODE.search(sent.message.text)
        assert sent.address == address
        assert code, sent.message.text
        verified = self.h.client.post(
            f"{api}/{method_id}/verify", json={"code": code.group(1)}, headers=bearer(person)
        )
        assert verified.status_code == 200, verified.text
        self.addresses[address] = person.login
        return method_id

    def policy(self, *levels: tuple[list[tuple[str, int]], int], repeat: int = 0) -> int:
        """A policy of levels `([(type, id), ...], delay_minutes)` used by service `web`."""
        body: dict[str, Any] = {
            "name": f"policy {len(levels)}-{repeat}-{self.h.clock.now().timestamp()}",
            "repeat": repeat,
            "levels": [
                {"targets": [{"type": t, "id": i} for t, i in targets], "delay_minutes": delay}
                for targets, delay in levels
            ],
        }
        created = self.h.client.post(
            "/api/v1/escalation-policies", json=body, headers=bearer(self.h.admin)
        )
        assert created.status_code == 201, created.text
        policy_id = int(created.json()["id"])
        service_id = self.h.service_ids.get("web") or self.h.service("web")
        changed = self.h.client.patch(
            f"/api/v1/services/{service_id}",
            json={"escalation_policy_id": policy_id},
            headers=bearer(self.h.admin),
        )
        assert changed.status_code == 200, changed.text
        return policy_id

    def alert(self, name: str, *, severity: str = "critical") -> None:
        body = firing(name, severity=severity, at=self.h.clock.now())
        response = self.h.post("alertmanager", body)
        assert response.status_code == 202, response.text

    def at(self, **delta: float) -> list[tuple[str, list[int]]]:
        """Move the clock, run the engine, and say who got what."""
        self.h.clock.advance(timedelta(**delta))
        return self.now()

    def now(self) -> list[tuple[str, list[int]]]:
        """Run the engine; (login, incident numbers) of each page message it sent."""
        self.h.run_engine()
        got = []
        for sent in self.h.channel.take():
            incidents = [card["id"] for card in sent.message.payload.get("incidents", [])]
            got.append((self.addresses.get(sent.address, sent.address), incidents))
        return got

    def timeline(self, incident_id: int, kind: str) -> list[str]:
        with self.h.db.transaction(write=False) as session:
            stmt = select(TimelineEntry.summary).where(
                TimelineEntry.incident_id == incident_id, TimelineEntry.kind == kind
            )
            return list(session.scalars(stmt.order_by(TimelineEntry.id)))

    def outbox(self) -> list[tuple[str, str]]:
        with self.h.db.transaction(write=False) as session:
            stmt = select(Notification.kind, Notification.status).order_by(Notification.id)
            return [(row[0], row[1]) for row in session.execute(stmt)]

    def act(self, who: str, action: str, incident_id: int) -> None:
        response = self.h.client.post(
            f"/api/v1/incidents/{incident_id}/{action}", headers=bearer(self.people[who])
        )
        assert response.status_code == 200, response.text
