"""Knowledge-base search latency with 20,000 articles, on SQLite and PostgreSQL.

Loads 20,000 articles (a title of 3-8 words and a body of 150-450 words drawn from a
5,000-word vocabulary with Zipf-like frequencies, so some words are in most articles
and most words in few), then times `search_articles` in process, one query per
transaction as the API runs it: 1 to 3 words each, half of them common words (many
matches to rank) and half rarer ones; every query asks for 20 hits with snippets.

Prints p50/p95/max per database against the 50 ms p95 target.

Usage: python -m bench.kb_search [--articles 20000] [--queries 400] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
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
    database = Database.from_url(f"{POSTGRES_URL}?options=-csearch_path%3D{_SCHEMA}")
    try:
        yield database
    finally:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{_SCHEMA}" CASCADE'))
        admin.dispose()


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
        times, hits = [], 0
        for q in asked:
            started = time.perf_counter()
            found = database.run(_search(q), write=False)
            times.append((time.perf_counter() - started) * 1000)
            hits += len(found)
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    ok = p95 < TARGET_MS
    print(
        f"{kind:<10} {articles} articles (loaded in {loaded:.1f} s), {count} queries,"
        f" {hits / count:.1f} hits each: p50 {p50:.1f} ms, p95 {p95:.1f} ms,"
        f" max {times[-1]:.1f} ms  {'OK' if ok else 'OVER'} (target p95 < {TARGET_MS:.0f} ms)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    results = [run(kind, args.articles, args.queries) for kind in args.databases.split(",")]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
