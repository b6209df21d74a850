"""Upgrading seals the contact methods stored in plain text before: their addresses and
webhook secrets are encrypted in place with a key from the installation's secret key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.pg import fresh_schema, schema_name
from watchkeeper.db import migrate
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.session import Database

BEFORE = "0010"  # the last revision that stored contact methods in plain text
URL = "tgram://123456789:AAH-bot-token/987654"
SECRET = "whsec_c2VjcmV0IHNpZ25pbmcga2V5IGJ5dGVz"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at BEFORE holding one user with an Apprise and a webhook method."""

    def fill(database: Database) -> Database:
        migrate.upgrade(database, BEFORE)
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, login, name, role, is_active, must_change_password,"
                    " time_zone, created_at, updated_at) VALUES (1, 'alice', 'Alice', 'responder',"
                    " true, false, 'UTC', '2026-01-15 09:00:00', '2026-01-15 09:00:00')"
                )
            )
            for id_, kind, address, secret in [
                (1, "apprise", URL, None),
                (2, "webhook", "https://hooks.example.com/u/s3cret", SECRET),
            ]:
                connection.execute(
                    text(
                        "INSERT INTO contact_methods (id, user_id, kind, address, label, secret,"
                        " created_at) VALUES (:id, 1, :kind, :address, :kind, :secret,"
                        " '2026-01-15 09:00:00')"
                    ),
                    {"id": id_, "kind": kind, "address": address, "secret": secret},
                )
        return database

    if request.param == "sqlite":
        database = Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")
        yield fill(database)
        database.dispose()
        return
    with fresh_schema(schema_name(request, "seal")) as url:
        database = Database.from_url(url, pool_size=1)
        yield fill(database)
        database.dispose()


def _rows(database: Database) -> list[tuple[str, str | None]]:
    with database.engine.connect() as connection:
        stmt = text("SELECT address, secret FROM contact_methods ORDER BY id")
        return [(row[0], row[1]) for row in connection.execute(stmt)]


def test_upgrading_seals_the_plain_addresses_and_secrets(old_database: Database) -> None:
    migrate.upgrade(old_database, secret_key="installation key")
    sealer = Sealer("installation key")
    (apprise, none), (webhook, secret) = _rows(old_database)
    assert none is None
    assert secret is not None
    assert "AAH-bot-token" not in apprise
    assert "s3cret" not in webhook
    assert SECRET not in secret
    assert sealer.open(apprise) == URL
    assert sealer.open(webhook) == "https://hooks.example.com/u/s3cret"
    assert sealer.open(secret) == SECRET


def test_upgrading_them_without_the_secret_key_stops_and_changes_nothing(
    old_database: Database,
) -> None:
    with pytest.raises(RuntimeError, match="secret key"):
        migrate.upgrade(old_database)
    assert migrate.current(old_database) == BEFORE
    assert _rows(old_database)[0] == (URL, None)
