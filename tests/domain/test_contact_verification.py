"""Verifying a contact method: a code allows five tries, counted before each comparison,
so neither a hundred guesses in a row nor a burst of parallel ones can find it; a new
code starts over."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import make_user
from watchkeeper.core.errors import Invalid
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.session import Database
from watchkeeper.pipeline.notify import service as notify
from watchkeeper.pipeline.notify.models import ContactMethod, Notification
from watchkeeper.pipeline.notify.schemas import ContactMethodIn


def _added(db: Database) -> tuple[int, int]:
    def work(session: Session) -> tuple[int, int]:
        user = make_user(session, now=START, login="alice")
        data = ContactMethodIn(kind="email", address="alice@example.com")
        method = notify.add_method(
            session, user_id=user.id, data=data, now=START, sealer=Sealer("test key")
        )
        return user.id, method.id

    return db.run(work)


def _latest_code(db: Database) -> str:
    with db.transaction(write=False) as session:
        stmt = select(Notification.body).where(Notification.kind == "verify")
        body = session.scalars(stmt.order_by(Notification.id.desc())).first()
    match = re.search(r"\b(\d{6})\b", body or "")
    assert match, body
    return match.group(1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _try(db: Database, user_id: int, method_id: int, code: str) -> notify.Verification:
    return db.run(
        lambda s: notify.verify(s, user_id=user_id, method_id=method_id, code=code, now=START)
    )


def _verified(db: Database, method_id: int) -> bool:
    with db.transaction(write=False) as session:
        method = session.get(ContactMethod, method_id)
        assert method is not None
        return method.verified_at is not None


def test_the_right_code_verifies_after_a_few_wrong_ones(db: Database) -> None:
    user_id, method_id = _added(db)
    code = _latest_code(db)
    tries = [_try(db, user_id, method_id, _wrong(code)) for _ in range(4)]
    assert [(t.verified, t.tries_left) for t in tries] == [
        (False, 4),
        (False, 3),
        (False, 2),
        (False, 1),
    ]
    assert _try(db, user_id, method_id, code).verified
    assert _verified(db, method_id)


def test_five_wrong_codes_lock_the_code_so_the_right_one_fails_too(db: Database) -> None:
    user_id, method_id = _added(db)
    code = _latest_code(db)
    for _ in range(5):
        assert not _try(db, user_id, method_id, _wrong(code)).verified
    with pytest.raises(Invalid, match="send a new code"):
        _try(db, user_id, method_id, code)
    assert not _verified(db, method_id)


def test_a_new_code_gives_five_tries_again_and_the_old_one_is_void(db: Database) -> None:
    user_id, method_id = _added(db)
    old = _latest_code(db)
    for _ in range(5):
        _try(db, user_id, method_id, _wrong(old))

    def resend(session: Session) -> None:
        method = notify.get_method(session, user_id=user_id, method_id=method_id)
        notify.send_code(session, method=method, now=START + timedelta(minutes=1))

    db.run(resend)
    new = _latest_code(db)
    if new != old:
        assert not _try(db, user_id, method_id, old).verified
    assert _try(db, user_id, method_id, new).verified


def test_parallel_guesses_share_the_five_tries(db: Database) -> None:
    user_id, method_id = _added(db)
    code = _latest_code(db)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def guess() -> None:
        start.wait()
        try:
            outcome = "wrong" if not _try(db, user_id, method_id, _wrong(code)).verified else "?"
        except Invalid:
            outcome = "locked"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["locked"] * 7 + ["wrong"] * 5
