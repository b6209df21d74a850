"""Quality of the suggestion model on real outage write-ups, not text we wrote.

The data: the README of the public list `danluu/post-mortems` (get it with
`git clone https://github.com/danluu/post-mortems`; nothing of it is kept in this
project). Each entry is one paragraph, `[Company](link). What happened.`, under a
category heading (Config Errors, Hardware/Power Failures, Conflicts, Time,
Uncategorized); the parser stops at the first heading that is not a category.

An entry becomes one incident: its text is the paragraph with links reduced to their
words and addresses dropped (an address would give away the company), its category the
heading, its company the first link's words. For each of `--splits` fixed seeds it
holds out `--test` of each category (stratified), trains `learn.train` on the rest
exactly as the engine does, and measures:

- category: accuracy and macro-F1 of the suggested category against the majority-class
  baseline (always the most common category of the training part), once over all five
  headings and once without "Uncategorized" (a heading that says no category);
- similar incidents, held-out entries as new incidents against the training part as
  the resolved history: recall@5 (the share of new incidents with at least one
  relevant past one among the 5 shown) and MRR (mean of 1 / rank of the first relevant
  one; 0 when none ranks), each against a random ranking of the same history.
  Relevant is, first, the same category (queries from the four real categories only),
  and second, the same company (queries whose company has an entry in the history).

Usage: python -m bench.suggest_quality --postmortems post-mortems/README.md
       [--splits 5] [--test 0.3]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from watchkeeper.response.suggestions.learn import Example, Model, train

CATEGORIES = ("Config Errors", "Hardware/Power Failures", "Conflicts", "Time", "Uncategorized")
NONE = "Uncategorized"
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
BARE_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Entry:
    category: str
    company: str
    text: str


def parse(markdown: str) -> list[Entry]:
    entries: list[Entry] = []
    heading = None
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if block.startswith("## "):
            heading = block[3:].strip()
            if heading not in CATEGORIES and entries:
                break
            continue
        if heading not in CATEGORIES or not block.startswith("["):
            continue
        first = LINK.match(block)
        if first is None:
            continue
        company = first.group(1).strip()
        body = block[first.end() :].lstrip(" .,")
        body = BARE_URL.sub("", LINK.sub(r"\1", body))
        entries.append(Entry(heading, company, " ".join(body.split())))
    return entries


def split(entries: Sequence[Entry], test: float, seed: int) -> tuple[list[Entry], list[Entry]]:
    """Stratified by category: `test` of each category held out (at least one)."""
    rng = random.Random(seed)
    held, kept = [], []
    for category in CATEGORIES:
        group = [e for e in entries if e.category == category]
        rng.shuffle(group)
        cut = max(1, round(len(group) * test))
        held += group[:cut]
        kept += group[cut:]
    return kept, held


def _model(history: Sequence[Entry], labels: dict[str, int]) -> Model:
    return train(
        [
            Example(id=i, text=e.text, labels={"category_id": labels.get(e.category)})
            for i, e in enumerate(history)
        ]
    )


def category_scores(
    history: Sequence[Entry], new: Sequence[Entry], *, with_none: bool
) -> tuple[float, float, float, float]:
    """(accuracy, macro-F1, baseline accuracy, baseline macro-F1)."""
    names = [c for c in CATEGORIES if with_none or c != NONE]
    history = [e for e in history if e.category in names]
    new = [e for e in new if e.category in names]
    labels = {name: i for i, name in enumerate(names)}
    model = _model(history, labels)
    truth = [labels[e.category] for e in new]
    guessed = [model.guess(model.vector(e.text))["category_id"].value for e in new]
    majority = labels[Counter(e.category for e in history).most_common(1)[0][0]]
    baseline = [majority] * len(new)
    return (
        float(accuracy_score(truth, guessed)),
        float(f1_score(truth, guessed, average="macro", zero_division=0)),
        float(accuracy_score(truth, baseline)),
        float(f1_score(truth, baseline, average="macro", zero_division=0)),
    )


Relevant = Callable[[Entry, Entry], bool]


def ranking_scores(
    history: Sequence[Entry], new: Sequence[Entry], relevant: Relevant, seed: int
) -> tuple[float, float, float, float, int]:
    """(recall@5, MRR, random recall@5, random MRR, queries) over queries that have at
    least one relevant entry in the history."""
    model = _model(history, {})
    rng = random.Random(seed)
    hits, ranks, random_hits, random_ranks = [], [], [], []
    for query in new:
        wanted = {i for i, past in enumerate(history) if relevant(query, past)}
        if not wanted:
            continue
        found = [n.incident_id for n in model.similar(model.vector(query.text), k=len(history))]
        hits.append(bool(wanted & set(found[:5])))
        ranks.append(next((1 / (r + 1) for r, i in enumerate(found) if i in wanted), 0.0))
        shuffled = list(range(len(history)))
        rng.shuffle(shuffled)
        random_hits.append(bool(wanted & set(shuffled[:5])))
        random_ranks.append(next(1 / (r + 1) for r, i in enumerate(shuffled) if i in wanted))
    n = len(hits)
    return (
        sum(hits) / n,
        sum(ranks) / n,
        sum(random_hits) / n,
        sum(random_ranks) / n,
        n,
    )


def _same_category(query: Entry, past: Entry) -> bool:
    return query.category != NONE and query.category == past.category


def _same_company(query: Entry, past: Entry) -> bool:
    return query.company.lower() == past.company.lower()


def _line(name: str, runs: Sequence[Sequence[float]], labels: Sequence[str]) -> str:
    parts = []
    for i, label in enumerate(labels):
        values = [run[i] for run in runs]
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        parts.append(f"{label} {statistics.mean(values):.3f} ±{spread:.3f}")
    return f"{name}: " + ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postmortems", type=Path, required=True, help="the list's README.md")
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--test", type=float, default=0.3)
    args = parser.parse_args()
    entries = parse(args.postmortems.read_text(encoding="utf-8"))
    counts = Counter(e.category for e in entries)
    print(f"entries: {len(entries)} ({', '.join(f'{c} {counts[c]}' for c in CATEGORIES)})")
    print(f"splits: {args.splits} fixed seeds (0..{args.splits - 1}), {args.test:.0%} held out")
    cat_all, cat_real, by_category, by_company = [], [], [], []
    for seed in range(args.splits):
        history, new = split(entries, args.test, seed)
        cat_all.append(category_scores(history, new, with_none=True))
        cat_real.append(category_scores(history, new, with_none=False))
        by_category.append(ranking_scores(history, new, _same_category, seed))
        by_company.append(ranking_scores(history, new, _same_company, seed))
    labels = ("accuracy", "macro-F1", "baseline accuracy", "baseline macro-F1")
    print(_line("category, 5 headings", cat_all, labels))
    print(_line("category, 4 (without Uncategorized)", cat_real, labels))
    ranking = ("recall@5", "MRR", "random recall@5", "random MRR", "queries")
    print(_line("similar, relevant = same category", by_category, ranking))
    print(_line("similar, relevant = same company", by_company, ranking))


if __name__ == "__main__":
    main()
