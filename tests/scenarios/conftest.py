"""Scenario fixtures: the harness on the test database, app and clock."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import Person
from tests.scenarios.harness import Harness
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings


@pytest.fixture
def h(
    client: TestClient, db: Database, clock: FrozenClock, settings: Settings, admin: Person
) -> Harness:
    return Harness(client=client, db=db, clock=clock, settings=settings, admin=admin)
