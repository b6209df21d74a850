"""Knowledge-base search latency with 20,000 articles, on SQLite and PostgreSQL.

Loads 20,000 articles (a title of 3-8 words and a body of 150-450 words drawn from a
5,000-word vocabulary with Zipf-like frequencies, so some words are in most articles
and most words in few), then times `search_articles` in process, one query per
transaction as the API runs it: 1 to 3 words each, half of them common words (many
matches to rank) and half rarer ones; every query asks for 20 hits with snippets.

Prints p50/p95/max (wall time) per database against the 50 ms p95 target, and for
SQLite, which runs in process, the p95 of the CPU time the queries used; `os.getloadavg`
is printed too, since on a shared machine waiting for a core dominates wall time.

Usage: python -m bench.kb_search [--articles 20000] [--queries 400] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from bench.incidents_api import POSTGRES_URL
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.response.kb.models import Article
from watchkeeper.response.kb.queries import search_articles
from watchkeeper.response.kb.schemas import Hit

TARGET_MS = 50.0
VOCABULARY = 5_000
_SCHEMA = "wk_bench_kb"


def vocabulary(rng: random.Random) -> list[str]:
    """Pronounceable made-up words, distinct, so frequencies are only what we draw."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words: set[str] = set()
    while len(words) < VOCABULARY:
        syllables = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)))
    return sorted(words)


def load(database: Database, count: int, rng: random.Random) -> list[str]:
    words = vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows = []
    for number in range(count):
        title = " ".join(rng.choices(words, weights, k=rng.randint(3, 8))).capitalize()
        body = " ".join(rng.choices(words, weights, k=rng.randint(150, 450)))
        rows.append(
            {
                "path": f"runbooks/{number}.md",
                "title": title,
                "body": body,
                "tags": [],
                "matchers": [],
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    with database.transaction() as session:
        for chunk in range(0, len(rows), 2_000):
            session.execute(insert(Article), rows[chunk : chunk + 2_000])
    if not database.is_sqlite:
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE kb_articles"))
    return words


def queries(words: list[str], count: int, rng: random.Random) -> list[str]:
    common, rare = words[:50], words[50:2_000]
    found = []
    for number in range(count):
        pool = common if number % 2 == 0 else rare
        found.append(" ".join(rng.sample(pool, rng.randint(1, 3))))
    return found


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[Database]:
    if kind == "sqlite":
        database = Database.from_url(f"sqlite:///{workdir / 'kb.db'}")
        yield database
        database.dispose()
        return
    admin = Database.from_url(POSTGRES_URL, pool_size=1)
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{_SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{_SCHEMA}"'))
    # One connection, so one server backend does every query and its CPU can be read.
    database = Database.from_url(f"{POSTGRES_URL}?options=-csearch_path%3D{_SCHEMA}", pool_size=1)
    try:
        yield database
    finally:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{_SCHEMA}" CASCADE'))
        admin.dispose()


def _backend_cpu(database: Database) -> float:
    """Seconds of CPU the PostgreSQL backend serving this pool has used (-1 elsewhere)."""
    if database.is_sqlite:
        return -1.0
    with database.engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _search(q: str) -> Callable[[Session], list[Hit]]:
    return lambda session: search_articles(session, q, 20)


def run(kind: str, articles: int, count: int) -> bool:
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, Path(tmp)) as database:
        migrate.upgrade(database)
        started = time.perf_counter()
        words = load(database, articles, rng)
        loaded = time.perf_counter() - started
        asked = queries(words, count, rng)
        for q in asked[:20]:  # warm the caches
            database.run(_search(q), write=False)
        backend = _backend_cpu(database)
        times, cpu, hits = [], [], 0
        for q in asked:
            started, used = time.perf_counter(), time.process_time()
            found = database.run(_search(q), write=False)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            hits += len(found)
        server = (_backend_cpu(database) - backend) / count * 1000
    times.sort()
    cpu.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    # SQLite runs in this process, so its CPU time is the query's own cost, whatever else
    # the machine is busy with; PostgreSQL's is in the server, so only wall time counts.
    if kind == "sqlite":
        own = f", CPU p95 {cpu[int(len(cpu) * 0.95) - 1]:.1f} ms"
    else:
        own = f", server CPU mean {server:.1f} ms" if server >= 0 else ""
    ok = p95 < TARGET_MS
    print(
        f"{kind:<10} {articles} articles (loaded in {loaded:.1f} s), {count} queries,"
        f" {hits / count:.1f} hits each: p50 {p50:.1f} ms, p95 {p95:.1f} ms,"
        f" max {times[-1]:.1f} ms{own}  {'OK' if ok else 'OVER'} (target p95 < {TARGET_MS:.0f} ms)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    results = [run(kind, args.articles, args.queries) for kind in args.databases.split(",")]
    print(f"load average at the end: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
