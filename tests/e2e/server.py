"""Start and stop the real `watchkeeper serve` process for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

READY_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """A running server: its URL, its output so far, and the pid to stop it by."""

    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def admin_password(self) -> str | None:
        match = re.search(r"password: (\S+)", self.output)
        return match.group(1) if match else None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Signal the process by its pid and wait; SIGKILL if it will not go.

        Returns the exit status; a server that shut down cleanly on SIGTERM reports
        -SIGTERM, because uvicorn re-raises the signal once it has finished.
        """
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        self._end_group(timeout)
        if self.reader is not None:
            self.reader.join(timeout)
        if self.process.stdout is not None and (self.reader is None or not self.reader.is_alive()):
            self.process.stdout.close()
        return self.process.returncode

    def _end_group(self, timeout: float) -> None:
        """The engine child goes with its server (it is told to); whatever of the process
        group is left after `timeout` is killed, so no test leaves an engine behind."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not group_alive(self.process.pid):
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    @property
    def stopped_cleanly(self) -> bool:
        finished = "Finished server process" in self.output
        return finished and self.process.returncode in (0, -signal.SIGTERM, -signal.SIGINT)


def group_alive(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs (zombies, already dead, do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def start_server(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, wait_ready: bool = True
) -> ServerProcess:
    port = free_port()
    full_env = {
        **os.environ,
        "WATCHKEEPER_DATA_DIR": str(data_dir),
        "WATCHKEEPER_LOG_LEVEL": "INFO",
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper", "serve", "--port", str(port), *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, with its engine child
    )
    server = ServerProcess(url=f"http://127.0.0.1:{port}", process=process)
    server.reader = threading.Thread(target=_collect, args=(server,), daemon=True)
    server.reader.start()
    if wait_ready:
        wait_until_ready(server)
    return server


def _collect(server: ServerProcess) -> None:
    assert server.process.stdout is not None
    for line in server.process.stdout:
        server.lines.append(line.rstrip("\n"))


def wait_until_ready(server: ServerProcess, timeout: float = READY_TIMEOUT) -> float:
    """Poll /readyz until it answers 200; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.process.poll() is not None:
            raise AssertionError(
                f"server exited with {server.process.returncode}:\n{server.output}"
            )
        try:
            if httpx2.get(f"{server.url}/readyz", timeout=1.0).status_code == 200:
                return time.monotonic() - started
        except httpx2.TransportError:
            pass
        time.sleep(0.05)
    server.stop(signal.SIGKILL)
    raise AssertionError(f"server not ready after {timeout} s:\n{server.output}")
