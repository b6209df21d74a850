"""Demo data loads once, into an empty installation, and its people can log in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import START
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.teams.models import TeamMembership
from watchkeeper.cli.demo import DEMO_PASSWORD, load_demo
from watchkeeper.core.clock import FrozenClock
from watchkeeper.incidents.models import Incident
from watchkeeper.settings import Settings
from watchkeeper.wiring import prepare

POLICY = access.SessionPolicy(idle=timedelta(hours=1), max_age=timedelta(hours=1))


def test_demo_data_loads_once_with_working_logins(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=None)
    installation = prepare(settings, clock=FrozenClock(START))
    try:
        load_demo(installation)
        load_demo(installation)  # a second run finds teams and adds nothing
        with installation.database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(TeamMembership)) == 6
            assert session.scalar(select(func.count()).select_from(Incident)) == 3
            _, secret = access.login(
                session, login="alice", password=DEMO_PASSWORD, now=START, policy=POLICY
            )
            assert secret
    finally:
        installation.database.dispose()
