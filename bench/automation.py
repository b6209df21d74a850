"""Workflows engine module: what one run of a workflow costs.

Declares N incidents (one in ten a P1) on a fresh SQLite file with 10 workflows on
`incident_opened` (half wait for P1, half for P5), each adding a note and a task from
templates; then runs the workflows module until it has nothing left and prints how many
runs it made, the time, and the time per run.

Usage: python -m bench.automation [--incidents 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.schemas import ServiceCreate
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.sealing import Sealer
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.schemas import IncidentCreate, Source
from watchkeeper.incidents.timeline import SYSTEM
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.response.workflows import cycle
from watchkeeper.response.workflows import service as workflows
from watchkeeper.response.workflows.models import WorkflowRun
from watchkeeper.response.workflows.schemas import WorkflowCreate
from watchkeeper.settings import Settings
from watchkeeper.wiring import prepare

START = datetime(2026, 1, 15, 9, tzinfo=UTC)


def _setup(session: Session) -> int:
    service = services.create(session, data=ServiceCreate(name="web"), now=START)
    session.flush()
    for number in range(10):
        body = {
            "name": f"workflow {number}",
            "trigger": "incident_opened",
            "conditions": {"priorities": ["P1" if number % 2 else "P5"]},
            "actions": [
                {"kind": "add_note", "text": "note on #{{ incident.number }}"},
                {"kind": "add_task", "title": "follow up {{ incident.title }}"},
            ],
        }
        workflows.create(
            session,
            data=WorkflowCreate.model_validate(body),
            guard=OutboundGuard(()),
            sealer=Sealer("bench" * 8),
            user_id=None,
            now=START,
        )
    return service.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    count = parser.parse_args().incidents
    settings = Settings(
        _env_file=None, data_dir=Path(tempfile.mkdtemp()), secret_key="bench", log_level="WARNING"
    )
    database = prepare(settings, clock=FrozenClock(START)).database
    service_id = database.run(_setup)
    later = START + timedelta(minutes=1)

    def declare(session: Session) -> None:
        rules = incidents.load_policy(session)
        for number in range(count):
            level = 1 if number % 10 == 0 else 3
            data = IncidentCreate(
                title=f"incident {number}", service_id=service_id, impact=level, urgency=level
            )
            incidents.create(
                session, data=data, actor=SYSTEM, now=later, source=Source.MANUAL, rules=rules
            )

    database.run(declare)
    started, turns = time.perf_counter(), 0
    while database.run(lambda s: cycle.run_once(s, later, base_url="http://bench")):
        turns += 1
    took = time.perf_counter() - started
    runs = database.run(lambda s: s.scalar(select(func.count()).select_from(WorkflowRun)) or 0)
    print(
        f"{count} incidents, 10 workflows: {runs} runs (2 actions each) in {took:.2f} s "
        f"over {turns} module runs; {took / max(runs, 1) * 1000:.1f} ms per run"
    )


if __name__ == "__main__":
    main()
