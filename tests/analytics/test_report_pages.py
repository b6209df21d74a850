"""The report pages: every figure of a plot is in the table beside it, filters live in
the URL, and a bad filter is said on the page instead of failing it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.analytics.history import build
from tests.factories import Person, browser_login
from watchkeeper.db.session import Database

CUSTOM = "start=2026-03-01&end=2026-03-14"


@pytest.fixture
def browser(client: TestClient, db: Database, viewer: Person) -> TestClient:
    build(db)
    browser_login(client, viewer.login)
    return client


def _charts(html: str) -> list[Any]:
    found = re.findall(r"data-chart='([^']*)'", html)
    return [json.loads(raw.replace("&#39;", "'")) for raw in found]


def test_response_page_has_its_plots_and_their_numbers(browser: TestClient) -> None:
    page = browser.get(f"/reports?{CUSTOM}&by=service")
    assert page.status_code == 200
    by_group, by_day = _charts(page.text)
    assert by_group["labels"] == ["web", "db"]
    assert by_group["datasets"][1]["data"] == [80.0, 75.0]  # MTTR medians in minutes
    assert re.search(r'<th scope="row">web</th><td>3 .*?</td><td>25 min</td>', page.text)
    assert len(by_day["labels"]) == 5
    assert 'href="/api/v1/reports/response.csv?start=2026-03-01T00%3A00' in page.text


def test_the_filters_stay_in_the_form(browser: TestClient) -> None:
    page = browser.get(f"/reports/sla?{CUSTOM}&by=priority")
    assert 'name="start" value="2026-03-01"' in page.text
    assert '<option value="priority" selected>' in page.text
    assert re.search(r'<th scope="row">P1</th><td>1</td><td>0\.0%</td><td>1</td>', page.text)
    assert "55 min" in page.text  # the DST incident acknowledged 55 minutes late


def test_noise_and_load_pages_render_with_their_tables(browser: TestClient) -> None:
    assert "No alerts in this range." in browser.get(f"/reports/noise?{CUSTOM}").text
    load = browser.get(f"/reports/load?{CUSTOM}")
    assert load.status_code == 200
    assert load.text.count('<tr><th scope="row">Mon</th>') == 1


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("start=2026-03-14&end=2026-03-01", "start must be before end"),
        ("end=9999-12-31", "to must be a day between 1971 and 9000"),
        ("start=yesterday", "from must be a day such as 2026-03-01"),
    ],
)
def test_a_bad_range_is_said_on_the_page(browser: TestClient, query: str, said: str) -> None:
    page = browser.get(f"/reports?{query}")
    assert page.status_code == 200
    assert said in page.text


def test_the_pages_need_a_login(client: TestClient) -> None:
    assert client.get("/reports", follow_redirects=False).status_code in (302, 303)


def test_the_forms_empty_fields_mean_not_set(browser: TestClient) -> None:
    page = browser.get("/reports?since=7d&start=&end=&by=priority&service_id=")
    assert page.status_code == 200
    assert '<option value="7d" selected>' in page.text
    assert "No incidents in this range." in page.text
