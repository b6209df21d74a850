"""The Opsgenie drop-in's cost per request beside the PagerDuty Events API route.

In one process, on a fresh SQLite file (or PostgreSQL with `--database postgresql`), the
real app behind Starlette's test client (no network): N sequential requests of each kind,
and the median and p90 time per request, with the ratio to a PagerDuty trigger:

- pagerduty: `POST /v2/enqueue`, a new dedup key each (the group-commit path);
- opsgenie-create: `POST /v2/alerts`, a new alias each (alert row, tags, event, request
  status in one transaction);
- opsgenie-repeat: `POST /v2/alerts` with one alias again and again (the dedup upsert);
- opsgenie-ack: `POST /v2/alerts/{alias}/acknowledge?identifierType=alias`;
- opsgenie-get: `GET /v2/alerts/{alias}?identifierType=alias`;
- opsgenie-list: `GET /v2/alerts?query=status:open AND tag:bench` over the N alerts.

Usage: python -m bench.opsgenie [--requests 300] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from prometheus_client import CollectorRegistry
from starlette.testclient import TestClient
from tests.factories import bearer, make_person
from tests.pg import fresh_schema

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.clock import SystemClock
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings
from watchkeeper.wiring import Installation, build_app


def timed(count: int, call: Callable[[int], int]) -> list[float]:
    seconds = []
    for index in range(count):
        started = time.perf_counter()
        status = call(index)
        seconds.append(time.perf_counter() - started)
        assert status in (200, 202), status
    return seconds


def run(url: str, data_dir: Path, count: int) -> None:
    database = Database.from_url(url)
    migrate.upgrade(database)
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=url,
        secret_key="bench",
        log_level="WARNING",
        ingest_rate_limit="100000 per second",
    )
    clock = SystemClock()
    installation = Installation(
        settings=settings, database=database, clock=clock, registry=CollectorRegistry()
    )
    admin = make_person(database, now=clock.now(), role=Role.ADMIN, login="bench")
    with TestClient(build_app(installation, mail=False)) as client:
        service = client.post("/api/v1/services", json={"name": "Bench"}, headers=bearer(admin))
        keys = {}
        for type_ in ("generic", "pagerduty"):
            made = client.post(
                f"/api/v1/services/{service.json()['id']}/integrations",
                json={"type": type_, "name": type_},
                headers=bearer(admin),
            )
            keys[type_] = made.json()["key"]
        genie = {"Authorization": f"GenieKey {keys['generic']}"}

        def pagerduty(i: int) -> int:
            body = {
                "routing_key": keys["pagerduty"],
                "event_action": "trigger",
                "dedup_key": f"pd-{i}",
                "payload": {"summary": f"Alert {i}", "source": "bench", "severity": "error"},
            }
            return client.post("/v2/enqueue", json=body).status_code

        def create(i: int) -> int:
            body = {"message": f"Alert {i}", "alias": f"og-{i}", "tags": ["bench"]}
            return client.post("/v2/alerts", json=body, headers=genie).status_code

        def repeat(i: int) -> int:
            body = {"message": "Same alert", "alias": "og-repeat"}
            return client.post("/v2/alerts", json=body, headers=genie).status_code

        def ack(i: int) -> int:
            path = f"/v2/alerts/og-{i}/acknowledge"
            params = {"identifierType": "alias"}
            return client.post(path, json={}, params=params, headers=genie).status_code

        def get(i: int) -> int:
            params = {"identifierType": "alias"}
            return client.get(f"/v2/alerts/og-{i}", params=params, headers=genie).status_code

        def listing(i: int) -> int:
            params = {"query": "status:open AND tag:bench", "limit": "100"}
            return client.get("/v2/alerts", params=params, headers=genie).status_code

        results = {}
        for name, call in (
            ("pagerduty", pagerduty),
            ("opsgenie-create", create),
            ("opsgenie-repeat", repeat),
            ("opsgenie-ack", ack),
            ("opsgenie-get", get),
            ("opsgenie-list", listing),
        ):
            results[name] = timed(count, call)
    database.dispose()
    base = statistics.median(results["pagerduty"])
    print(f"{count} sequential requests each; median and p90 in ms; ratio of medians")
    for name, seconds in results.items():
        median = statistics.median(seconds)
        p90 = statistics.quantiles(seconds, n=10)[-1]
        print(
            f"{name:16} median {median * 1000:7.2f}  p90 {p90 * 1000:7.2f}  "
            f"x{median / base:5.2f} of pagerduty"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.database == "sqlite":
            run(f"sqlite:///{folder}/bench.db", Path(folder), args.requests)
        else:
            with fresh_schema("wk_bench_opsgenie") as url:
                run(url, Path(folder), args.requests)


if __name__ == "__main__":
    main()
