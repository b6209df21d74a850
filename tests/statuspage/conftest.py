from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import Person
from tests.statuspage.helpers import Pages


@pytest.fixture
def pages(client: TestClient, admin: Person) -> Pages:
    return Pages(client, admin)
