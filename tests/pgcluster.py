"""A private PostgreSQL server in a temporary directory, that a test may stop and start.

The shared test server (tests/pg.py) must never go down under other tests; an outage
test starts its own with `initdb` and `pg_ctl`. PostgreSQL refuses to run as root, so
as root the commands run as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.server import free_port
from tests.pg import unavailable


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@dataclass
class PrivateCluster:
    root: Path
    port: int
    pg_ctl: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*_as_postgres(), *args], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise AssertionError(f"{' '.join(args)}: {result.stdout}{result.stderr}\n{log[-2000:]}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=100"
        )
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def private_postgres() -> Iterator[PrivateCluster]:
    """A fresh, running cluster in a temporary directory; stopped and removed afterwards.

    The directory is made directly under the system's temporary folder: as root, the
    `postgres` user must be able to reach it, and pytest's own folders are private.
    """
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        unavailable("initdb and pg_ctl are needed for a private PostgreSQL server")
    assert initdb is not None
    assert pg_ctl is not None
    root = Path(tempfile.mkdtemp(prefix="watchkeeper-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    cluster = PrivateCluster(root=root, port=free_port(), pg_ctl=pg_ctl)
    subprocess.run(
        [
            *_as_postgres(),
            initdb,
            "-D",
            str(cluster.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    cluster.start()
    try:
        yield cluster
    finally:
        with suppress(AssertionError):  # already stopped
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
