"""Time the coverage report and the escalation simulator on a mid-sized set-up, in process.

Builds, in a fresh SQLite file (or a PostgreSQL schema of its own): U users with a verified
email method, S schedules of two daily layers (the second restricted to evenings, so
every schedule has nightly gaps), one two-level policy per schedule and 5 services per
policy. Then times the coverage report (the API's work without HTTP) and a simulation
of one alert (run in a rolled-back transaction, as the API runs it).

Usage: python -m bench.readiness [--schedules 40] [--users 80] [--runs 10]
       [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.incidents_api import POSTGRES_URL
from watchkeeper.analytics.readiness import service, simulator
from watchkeeper.analytics.readiness.schemas import SimulationIn
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.schemas import ServiceCreate
from watchkeeper.catalog.users.models import User
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.schemas import LayerCreate, ScheduleCreate
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.schemas import LevelIn, PolicyCreate, Target
from watchkeeper.pipeline.notify.models import ContactMethod

SCHEMA = "wk_bench_readiness"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[Database]:
    if kind == "sqlite":
        database = Database.from_url(f"sqlite:///{workdir / 'bench.db'}")
        migrate.upgrade(database)
        yield database
        database.dispose()
        return
    admin = Database.from_url(POSTGRES_URL, pool_size=1)
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    database = Database.from_url(f"{POSTGRES_URL}?options=-csearch_path%3D{SCHEMA}")
    migrate.upgrade(database)
    try:
        yield database
    finally:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        admin.dispose()


def build(database: Database, *, users: int, count: int) -> int:
    """The set-up; returns a service id to simulate on."""
    with database.transaction() as session:
        people = [
            User(
                login=f"u{n}",
                name=f"User {n}",
                email=f"u{n}@example.com",
                role="admin" if n == 0 else "responder",
                password_hash=None,
                is_active=True,
                must_change_password=False,
                time_zone="UTC",
                created_at=NOW,
                updated_at=NOW,
            )
            for n in range(users)
        ]
        session.add_all(people)
        session.flush()
        session.add_all(
            ContactMethod(
                user_id=u.id,
                kind="email",
                address=u.email or "",
                label="work",
                verified_at=NOW,
                created_at=NOW,
            )
            for u in people
        )
        service_id = 0
        for n in range(count):
            rota = schedules.create(
                session,
                data=ScheduleCreate(name=f"rota {n}", time_zone="Europe/Berlin"),
                now=NOW,
            )
            day = [people[(n + k) % users].id for k in range(3)]
            for name, members, restrictions in (
                ("days", day, []),
                ("evenings", day[:1], [{"days": list(range(7)), "start": "17:00", "end": "23:00"}]),
            ):
                layer = {
                    "name": name,
                    "participants": members,
                    "rotation": "daily",
                    "handoff_time": "09:00",
                    "start": "2026-03-01T09:00",
                    "restrictions": restrictions,
                }
                if name == "days":
                    layer["restrictions"] = [
                        {"days": list(range(7)), "start": "09:00", "end": "17:00"}
                    ]
                schedules.add_layer(
                    session, schedule_id=rota.id, data=LayerCreate.model_validate(layer), now=NOW
                )
            policy = escalation.create_policy(
                session,
                data=PolicyCreate(
                    name=f"policy {n}",
                    levels=[
                        LevelIn(targets=[Target(type="schedule", id=rota.id)], delay_minutes=10),
                        LevelIn(targets=[Target(type="user", id=people[0].id)], delay_minutes=10),
                    ],
                ),
                now=NOW,
            )
            for k in range(5):
                made = services.create(
                    session,
                    data=ServiceCreate(name=f"svc {n}-{k}", escalation_policy_id=policy.id),
                    now=NOW,
                )
                service_id = service_id or made.id
    return service_id


def timed(work: Callable[[], object], runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        took.append((time.perf_counter() - start) * 1000)
    return took


def show(name: str, took: list[float]) -> None:
    ordered = sorted(took)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(f"  {name:<12} p50 {statistics.median(ordered):7.1f} ms  p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schedules", type=int, default=40)
    parser.add_argument("--users", type=int, default=80)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        with tempfile.TemporaryDirectory() as workdir, fresh_database(kind, Path(workdir)) as db:
            run(db, kind, args)


def run(db: Database, kind: str, args: argparse.Namespace) -> None:
    service_id = build(db, users=args.users, count=args.schedules)

    def report() -> object:
        with db.transaction(write=False) as session:
            return service.coverage(session, now=NOW)

    def simulate() -> object:
        data = SimulationIn(service_id=service_id, at=NOW + timedelta(hours=20))
        with db.rehearsal() as session:
            return simulator.simulate(session, data=data, now=NOW)

    found = report()
    print(
        f"{kind}: {args.schedules} schedules, {args.schedules * 5} services, "
        f"{args.users} users; {len(getattr(found, 'findings', []))} findings"
    )
    show("coverage", timed(report, args.runs))
    show("simulate", timed(simulate, args.runs))


if __name__ == "__main__":
    main()
