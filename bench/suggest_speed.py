"""Time to train the suggestion model on a large history, and to suggest for one incident.

Makes N synthetic resolved incidents (titles, descriptions, alert labels and resolution
notes drawn from templates over many services, hosts and numbers, 20 categories), trains
the model on them as the engine does (`learn.train`, one core), then suggests for new
incidents one at a time (features, the 5 most similar, the three guesses) and prints the
train time, the size of the stored model and the suggestion latency against the targets
(training <= 60 s, suggestion p95 <= 20 ms).

With `--database sqlite` (or `postgresql`) it also loads that many incidents into a fresh
database (bench/dataset.py: three years of history, one alert each) and times the
engine's own training run end to end: reading the examples from the database, fitting,
and storing the model (the `suggestions` module inline, as in tests).

Usage: python -m bench.suggest_speed [--incidents 100000] [--queries 500] [--seed 1]
       [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.analytics import add_alerts_and_pages, fresh_database
from bench.dataset import Shape, load
from bench.incidents_api import setup_catalog
from watchkeeper.db import migrate
from watchkeeper.engine.modules.suggestions import Suggestions
from watchkeeper.response.suggestions import cycle
from watchkeeper.response.suggestions.learn import Example, Model, train
from watchkeeper.response.suggestions.text import document

KINDS = [
    ("Disk full on {host}", "{mount} at {n}% on {host}", "DiskFull", "Removed files on {mount}"),
    ("High latency on {svc}", "p99 {n} ms on {svc} {region}", "HighLatency", "Scaled {svc} out"),
    ("{svc} returns 5xx", "error rate {n}% after deploy {ver}", "ErrorRate", "Rolled back {ver}"),
    ("TLS certificate expiring for {svc}", "{n} days left", "CertExpiry", "Renewed the cert"),
    ("Replication lag on {host}", "replica {n} s behind", "ReplicationLag", "Rebuilt replica"),
    ("OOM kills on {svc}", "{n} restarts in {region}", "OOMKilled", "Raised the memory limit"),
    ("Queue backlog on {svc}", "{n} messages waiting", "QueueBacklog", "Added consumers"),
    ("DNS failures in {region}", "{n}% of lookups fail", "DNSFailure", "Failed over resolvers"),
    ("Login failures spike", "{n} failed logins/min on {svc}", "AuthErrors", "Blocked the IPs"),
    ("Cron job {svc} did not run", "last run {n} h ago", "CronMissed", "Restarted scheduler"),
]  # fmt: skip
SERVICES = [f"svc-{i}" for i in range(200)]
REGIONS = ["eu-west-1", "us-east-1", "ap-south-1", "us-west-2"]
MOUNTS = ["/var/lib/postgresql", "/var/log", "/data", "/tmp"]


def incident(rng: random.Random, number: int) -> tuple[str, int, int, int]:
    """(text, category, impact, urgency) of one synthetic incident."""
    kind = rng.randrange(len(KINDS))
    title, description, alert, fix = KINDS[kind]
    values: dict[str, str] = {
        "host": f"db-{rng.randrange(500)}",
        "svc": rng.choice(SERVICES),
        "region": rng.choice(REGIONS),
        "mount": rng.choice(MOUNTS),
        "n": str(rng.randrange(1, 1000)),
        "ver": f"v{rng.randrange(10)}.{rng.randrange(50)}",
    }
    labels = {
        "alertname": alert,
        "region": values["region"],
        "severity": rng.choice(["critical", "warning"]),
    }
    text = document(
        title=title.format(**values),
        description=description.format(**values) + f" (ticket {number})",
        service=values["svc"],
        alerts=[(f"{alert} firing", labels)],
        resolution_notes=fix.format(**values),
    )
    # Two categories per kind (a team splits its history finer than its alerts), the
    # impact following the severity with noise.
    category = kind * 2 + (1 if values["region"].startswith("us") else 0)
    impact = 2 if labels["severity"] == "critical" else 3
    if rng.random() < 0.1:
        impact = rng.randrange(1, 5)
    return text, category, impact, rng.randrange(1, 5)


def engine_run(kind: str, incidents: int) -> None:
    """Time the engine's training run on a loaded database: read, fit, store."""
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, Path(tmp)) as (db, _):
        migrate.upgrade(db)
        now = datetime.now(UTC)
        shape, _, _ = setup_catalog(db, now)
        load(db, Shape(incidents, shape.services, shape.users, shape.categories, now))
        add_alerts_and_pages(db)
        with db.transaction(write=False) as session:
            started, cpu = time.perf_counter(), time.process_time()
            examples = cycle.examples(session)
            read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
        module = Suggestions(retrain_every=timedelta(hours=1), background=False)
        started, cpu = time.perf_counter(), time.process_time()
        with db.transaction() as session:
            module.run_once(session, now)
        whole, whole_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{kind}: reading {len(examples):,} examples {read:.1f} s wall, {read_cpu:.1f} s "
            f"CPU (of this process; the database's own is not counted on PostgreSQL); the "
            f"engine's whole training run (read, fit, store, first suggestions) "
            f"{whole:.1f} s wall, {whole_cpu:.1f} s CPU"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    before = os.getloadavg()[0]
    examples = []
    for number in range(args.incidents, 0, -1):  # newest first, as the engine reads them
        text, category, impact, urgency = incident(rng, number)
        labels = {"category_id": category, "impact": impact, "urgency": urgency}
        examples.append(Example(id=number, text=text, labels=labels))
    started, cpu = time.perf_counter(), time.process_time()
    model = train(examples)
    trained, cpu = time.perf_counter() - started, time.process_time() - cpu
    blob = model.dumps()
    started = time.perf_counter()
    model = Model.loads(blob)
    loaded = time.perf_counter() - started
    queries = [incident(rng, 0)[0] for _ in range(args.queries)]
    timings, cpu_timings = [], []
    for text in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        vector = model.vector(text)
        model.similar(vector, k=5)
        model.guess(vector)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.process_time() - cpu_started) * 1000)
    timings.sort()
    cpu_timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    cpu_p95 = cpu_timings[int(len(cpu_timings) * 0.95) - 1]
    print(f"incidents: {args.incidents:,} (indexed for similarity: {model.index.shape[0]:,})")
    print(f"load average before/after: {before:.1f} / {os.getloadavg()[0]:.1f} (2 cores)")
    print(
        f"train: {trained:.1f} s wall, {cpu:.1f} s CPU (target <= 60 s) "
        f"{'ok' if trained <= 60 else 'MISSED'}"
    )
    print(f"stored model: {len(blob) / 1e6:.1f} MB, loads in {loaded:.2f} s")
    print(
        f"suggest one: p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, "
        f"max {timings[-1]:.2f} ms wall; CPU p50 {statistics.median(cpu_timings):.2f} ms, "
        f"p95 {cpu_p95:.2f} ms (target p95 <= 20 ms) {'ok' if p95 <= 20 else 'MISSED'}"
    )
    if args.database:
        engine_run(args.database, args.incidents)


if __name__ == "__main__":
    main()
