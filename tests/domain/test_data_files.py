"""The embedded install's files are private to the user the server runs as: the data dir,
the SQLite database and its WAL and shared-memory files hold contact-method secrets,
Apprise URLs with credentials and raw payloads."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import text

from watchkeeper.settings import Settings
from watchkeeper.wiring import open_database, prepare


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _settings(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, secret_key="k", log_level="WARNING")


def test_a_new_install_keeps_its_data_dir_and_database_files_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    old = os.umask(0o022)  # the usual umask, which left them 0755 and 0644
    try:
        installation = prepare(_settings(data_dir))
        database = installation.database
        with database.transaction() as session:  # a write, so the WAL and its index exist
            session.execute(text("CREATE TABLE probe (x INTEGER)"))
        files = {name: data_dir / name for name in ("watchkeeper.db", "watchkeeper.db-wal")}
        files["watchkeeper.db-shm"] = data_dir / "watchkeeper.db-shm"
        assert _mode(data_dir) == 0o700
        for name, path in files.items():
            assert path.exists(), name
            assert _mode(path) == 0o600, name
        database.dispose()
    finally:
        os.umask(old)


def test_a_database_made_before_is_made_private_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "watchkeeper.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE probe (x INTEGER)")
    path.chmod(0o644)
    database = open_database(_settings(tmp_path))
    try:
        with database.transaction() as session:
            session.execute(text("INSERT INTO probe VALUES (1)"))
        assert _mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            assert _mode(tmp_path / f"watchkeeper.db{suffix}") == 0o600, suffix
    finally:
        database.dispose()
