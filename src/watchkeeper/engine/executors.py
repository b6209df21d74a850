"""An executor that runs work on the calling thread: engine modules that deliver or probe
from a thread pool take it instead when they are given no workers (tests, one-shot
commands), so the same code path runs without threads."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any


class InlineExecutor(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future
