"""Start-up time of `watchkeeper serve`, beside a bare FastAPI app on uvicorn as baseline.

Measures, from process start, the time until `/healthz` answers (serving) and until
`/readyz` answers 200 (database migrated, engine ticking). Three cases, run in turns so
that machine noise hits them alike:

- baseline: a one-route FastAPI app under uvicorn (what any FastAPI service pays);
- first start: an empty data dir (migrations, first admin, secret key);
- restart: the same data dir again.

Usage: python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx2

BASELINE_APP = """
import sys, uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, started: float, timeout: float = 60.0) -> float:
    while time.perf_counter() - started < timeout:
        try:
            if httpx2.get(url, timeout=0.5).status_code == 200:
                return time.perf_counter() - started
        except httpx2.TransportError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{url} not up after {timeout} s")


def _measure(
    command: list[str], port: int, env: dict[str, str], ready: bool
) -> tuple[float, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        serving = _wait(f"http://127.0.0.1:{port}/healthz", started)
        readiness = _wait(f"http://127.0.0.1:{port}/readyz", started) if ready else serving
        return serving, readiness
    finally:
        process.terminate()
        process.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {"baseline": [], "first": [], "restart": []}
    for _ in range(args.runs):
        port = _free_port()
        results["baseline"].append(
            _measure([sys.executable, "-c", BASELINE_APP, str(port)], port, dict(os.environ), False)
        )
        with tempfile.TemporaryDirectory() as data_dir:
            env = {
                **os.environ,
                "WATCHKEEPER_DATA_DIR": data_dir,
                "WATCHKEEPER_LOG_LEVEL": "WARNING",
            }
            serve = [sys.executable, "-m", "watchkeeper", "serve", "--port"]
            for case in ("first", "restart"):
                port = _free_port()
                results[case].append(_measure([*serve, str(port)], port, env, True))
    base = statistics.median(serving for serving, _ in results["baseline"])
    print(f"start-up, median of {args.runs} runs (seconds from process start)")
    print(f"{'case':<28}{'serving /healthz':>18}{'ready /readyz':>16}{'vs baseline':>14}")
    labels = {
        "baseline": "bare FastAPI on uvicorn",
        "first": "watchkeeper, empty data dir",
        "restart": "watchkeeper, restart",
    }
    for case, label in labels.items():
        serving = statistics.median(s for s, _ in results[case])
        ready = statistics.median(r for _, r in results[case])
        print(f"{label:<28}{serving:>18.2f}{ready:>16.2f}{serving / base:>13.2f}x")


if __name__ == "__main__":
    main()
