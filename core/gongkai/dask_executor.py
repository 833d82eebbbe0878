"""The same per-file conversion on a Dask distributed cluster (`pip install 'gongkai[dask]'`).

Tasks are submitted in bounded batches (never more in flight than the
cluster has threads, and never further than `window` past the oldest
unfinished one) and gathered as they complete. A task that does not finish
within the time limit is recorded as failed and cancelled; a Dask worker
that hangs inside a task cannot be killed from the client, so the local pool
is the stricter of the two. The memory cap is the Dask worker's own
(`dask worker --memory-limit`).

A Dask worker never writes a task's `Output`: it sends the Report back and
the client writes it. The worker may run on another machine, where the
output folder is missing or is another folder by the same name, and a part
it left behind (a task cancelled for its time limit runs on) could not be
told stale by its process id on the client.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gongkai.batch import Outcome, Task, TaskOptions, convert_task, failed

SCHEDULER_ENV = "GONGKAI_DASK_SCHEDULER"


class SchedulerUnreachable(Exception):
    """The Dask scheduler could not be reached (or dask is not installed)."""


class DaskExecutor:
    def __init__(
        self,
        options: TaskOptions,
        address: str | Any,
        timeout: float | None = 120,
        send_bytes: bool = False,
        connect_timeout: float = 10,
    ) -> None:
        try:
            distributed: Any = importlib.import_module("distributed")
        except ImportError:
            raise SchedulerUnreachable("Dask is not installed: pip install 'gongkai[dask]'") from None
        self.options = options
        self.timeout = timeout
        self.send_bytes = send_bytes
        try:
            self.client: Any = distributed.Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        threads = sum(self.client.nthreads().values())
        self.in_flight = max(1, threads)

    def run(self, tasks: Iterable[Task], window: int) -> Iterator[tuple[int, Outcome]]:
        as_completed: Any = importlib.import_module("distributed").as_completed
        pending = iter(tasks)
        waiting: Task | None = next(pending, None)
        running: dict[Any, tuple[Task, float]] = {}  # future → (task, deadline)
        done: Any = as_completed()
        run_id = f"{time.time_ns():x}"
        try:
            while True:
                while waiting is not None and len(running) < self.in_flight:
                    if running and waiting.index >= min(t.index for t, _ in running.values()) + window:
                        break
                    source = waiting.source
                    if self.send_bytes and isinstance(source, str):
                        source = Path(source).read_bytes()
                    future = self.client.submit(  # without the task's output: the client writes it
                        convert_task,
                        source,
                        waiting.name,
                        self.options,
                        pure=False,
                        key=f"gongkai-{run_id}-{waiting.index}",
                    )
                    deadline = time.monotonic() + self.timeout if self.timeout else float("inf")
                    running[future] = (waiting, deadline)
                    done.add(future)
                    waiting = next(pending, None)
                if not running:
                    return
                until = min(d for _, d in running.values()) - time.monotonic()
                finished = _next_batch(done, max(0.05, min(until, 1.0)))
                for future in finished:
                    if future not in running:
                        continue  # cancelled earlier for its deadline
                    task, _ = running.pop(future)
                    try:
                        outcome: Outcome = future.result()
                    except Exception as exc:  # a worker lost, a task erred outside convert_task
                        outcome = failed("died", f"dask task failed: {exc.__class__.__name__}: {exc}")
                    yield task.index, outcome
                now = time.monotonic()
                for future, (task, deadline) in list(running.items()):
                    if now >= deadline:
                        del running[future]
                        future.cancel()
                        yield task.index, failed("timeout", f"timed out after {self.timeout:g} s", self.timeout or 0.0)
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        self.client.close()


def _next_batch(done: Any, seconds: float) -> list[Any]:
    """The futures completed so far, waiting up to `seconds` for the first."""
    end = time.monotonic() + seconds
    while not done.has_ready() and time.monotonic() < end:
        time.sleep(0.005)
    return list(done.next_batch(block=False)) if done.has_ready() else []
