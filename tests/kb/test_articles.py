"""Articles: versions on every edit, diffs, restore, links checked, full-text search."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.conftest import START
from tests.factories import make_service
from watchkeeper.core.errors import Invalid
from watchkeeper.db.session import Database
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.kb import queries
from watchkeeper.response.kb import service as kb
from watchkeeper.response.kb.models import Article
from watchkeeper.response.kb.schemas import ArticleIn, ArticleUpdate

ALICE = Actor(None, "alice")
BOB = Actor(None, "bob")


def _write(db: Database, **fields: object) -> int:
    data = ArticleIn.model_validate({"title": "Disk full", "body": "Free space.", **fields})
    return db.run(lambda s: kb.create(s, data=data, actor=ALICE, now=START).id)


def test_every_edit_is_a_version_with_its_author(db: Database) -> None:
    article_id = _write(db)
    change = ArticleUpdate(body="Free space.\nThen rotate logs.", note="more")
    db.run(lambda s: kb.update(s, article_id=article_id, data=change, actor=BOB, now=START))
    history = db.run(lambda s: queries.versions(s, article_id=article_id), write=False)
    assert [(v.number, v.author, v.note) for v in history] == [
        (2, "bob", "more"),
        (1, "alice", "created"),
    ]


def test_an_edit_that_changes_nothing_is_no_version(db: Database) -> None:
    article_id = _write(db)
    same = ArticleUpdate(title="Disk full", body="Free space.")
    db.run(lambda s: kb.update(s, article_id=article_id, data=same, actor=BOB, now=START))
    assert db.run(lambda s: kb.get(s, article_id=article_id).version, write=False) == 1


def test_the_diff_shows_removed_and_added_lines(db: Database) -> None:
    article_id = _write(db)
    change = ArticleUpdate(body="Delete old logs.")
    db.run(lambda s: kb.update(s, article_id=article_id, data=change, actor=BOB, now=START))
    found = db.run(lambda s: queries.diff(s, article_id=article_id, old=1, new=2), write=False)
    assert "-Free space." in found.diff.splitlines()
    assert "+Delete old logs." in found.diff.splitlines()


def test_restore_brings_back_an_old_version_as_a_new_one(db: Database) -> None:
    article_id = _write(db, tags=["disk"])
    change = ArticleUpdate(title="Disk nearly full", body="Wrong advice.", tags=[])
    db.run(lambda s: kb.update(s, article_id=article_id, data=change, actor=BOB, now=START))
    db.run(lambda s: kb.restore(s, article_id=article_id, number=1, actor=ALICE, now=START))

    def read(session: object) -> tuple[str, str, list[str], int]:
        article = kb.get(session, article_id=article_id)  # type: ignore[arg-type]
        return article.title, article.body, article.tags, article.version

    assert db.run(read, write=False) == ("Disk full", "Free space.", ["disk"], 3)


def test_an_unknown_service_is_refused_by_name_and_nothing_is_written(db: Database) -> None:
    data = ArticleIn(title="Orphan", service_ids=[999])
    with pytest.raises(Invalid, match="service_ids: no service 999"):
        db.run(lambda s: kb.create(s, data=data, actor=ALICE, now=START))
    assert db.run(lambda s: s.query(Article).count(), write=False) == 0


def test_a_matcher_that_does_not_parse_names_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        ArticleIn(title="Bad", matchers=["alertname=DiskFull"])
    assert caught.value.errors()[0]["loc"] == ("matchers", 0)
    assert "not a matcher" in caught.value.errors()[0]["msg"]


def test_matchers_are_kept_in_canonical_form(db: Database) -> None:
    article_id = _write(db, matchers=[' alertname = "DiskFull" '])
    article = db.run(lambda s: kb.get(s, article_id=article_id).matchers, write=False)
    assert article == ['alertname="DiskFull"']


def test_links_to_services_are_stored(db: Database) -> None:
    service_id = db.run(lambda s: make_service(s, now=START).id)
    article_id = _write(db, service_ids=[service_id])
    out = db.run(lambda s: queries.out(s, kb.get(s, article_id=article_id)), write=False)
    assert out.service_ids == [service_id]


def test_search_ranks_the_title_match_first_and_marks_the_words(db: Database) -> None:
    _write(db, title="Network partitions", body="When the disk is full, nothing works.")
    _write(db, title="Disk full on the database host", body="Delete old WAL files.")
    _write(db, title="Certificates", body="Renew them.")
    hits = db.run(lambda s: queries.search_articles(s, "disk full", 10), write=False)
    assert [hit.title for hit in hits] == ["Disk full on the database host", "Network partitions"]
    assert "<mark>" in hits[1].snippet
    assert "<mark>disk</mark>" in hits[1].snippet.lower()


def test_search_finds_words_by_prefix_and_after_an_edit(db: Database) -> None:
    article_id = _write(db, title="Old", body="nothing here")
    change = ArticleUpdate(body="Rotate the certificates")
    db.run(lambda s: kb.update(s, article_id=article_id, data=change, actor=BOB, now=START))
    hits = db.run(lambda s: queries.search_articles(s, "certif", 5), write=False)
    assert [hit.id for hit in hits] == [article_id]
    assert db.run(lambda s: queries.search_articles(s, "nothing", 5), write=False) == []


def test_snippets_escape_what_authors_wrote(db: Database) -> None:
    _write(db, title="Scripts", body="Run <script>alert(1)</script> then reboot & wait")
    hits = db.run(lambda s: queries.search_articles(s, "reboot", 5), write=False)
    assert "<script>" not in hits[0].snippet
    assert "<mark>reboot</mark> &amp; wait" in hits[0].snippet


def test_any_word_search_ranks_articles_holding_some_of_the_words(db: Database) -> None:
    _write(db, title="Disk full", body="Free space.")
    _write(db, title="Certificates", body="Renew them.")
    hits = db.run(
        lambda s: queries.search_articles(s, "the disk of db7 is full", 5, any_word=True),
        write=False,
    )
    assert [hit.title for hit in hits] == ["Disk full"]


def test_deleting_an_article_takes_it_out_of_search(db: Database) -> None:
    article_id = _write(db, title="Gone soon", body="ephemeral")
    db.run(lambda s: kb.remove(s, article_id=article_id))
    assert db.run(lambda s: queries.search_articles(s, "ephemeral", 5), write=False) == []


def test_a_query_matching_more_than_the_ranked_cap_ranks_the_newest(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "RANKED", 3)
    ids = [_write(db, title=f"Disk note {n}", body="disk " * n) for n in range(1, 6)]
    hits = db.run(lambda s: queries.search_articles(s, "disk", 10), write=False)
    assert sorted(hit.id for hit in hits) == ids[2:]
