"""A small process pool that can kill one hung task.

concurrent.futures cannot stop a single task, so this is its own pool: each
worker is a process taking one task at a time over a Pipe. The first
workers are forked from the parent when it runs no other thread: they share
what it has imported (a one-file conversion costs one interpreter less).
Workers replacing them later are started by the fork server: by then the
parent may run a thread (forking could copy a lock it holds), and it may
have grown, which a fork would count against the worker's memory cap.

The parent waits on the pipes and the process sentinels with a timeout
until the nearest deadline; a worker past its deadline is killed, a worker
that died (segfault, os._exit, the kernel's OOM killer) is noticed by its
sentinel, and either way its task is recorded as failed with the cause and a
fresh worker takes its place. A worker sets RLIMIT_AS to the memory cap on
start, so an allocation past it raises MemoryError inside the conversion;
workers are replaced after `recycle` tasks so memory cannot creep. A task
with an `Output` is written by its worker (the parent only moves the part
into place), so the parent's share of a report is a few hundred bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from gongkai.batch import Outcome, Task, TaskOptions, convert_task, failed, memory_message
from gongkai.ocr import MAX_OCR_PAGES, OCR_PAGE_SECONDS, pages_read_by
from gongkai.plugins import get_registry

PR_SET_PDEATHSIG = 1  # prctl(2)
# A worker that has not begun its task this long after receiving it is stuck starting (its task is not to blame
# for the wait, but the wait is bounded all the same).
STARTUP = 300.0
# The most time a task is given besides its limit: its pages read by OCR, as many as a document may have.
MAX_EXTRA = MAX_OCR_PAGES * OCR_PAGE_SECONDS


def _worker(conn: Connection, lifeline: Connection, options: TaskOptions) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker would run the parent's handler
    _die_with_parent(lifeline)
    get_registry()  # the plugins load before the cap: a cap too small for them is a memory limit, not "no reader"
    if options.memory_mb:
        limit = options.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            index, name, source, output = task
            conn.send(("start", index))  # the time limit counts from here: a fresh worker's start-up is not the file's
            try:
                with pages_read_by(lambda seconds: conn.send(("more", seconds))):  # OCR: more time per page
                    outcome = convert_task(source, name, options, output)  # with an output: written here, not sent
            except MemoryError:
                outcome = failed("memory", memory_message(options))
            conn.send((index, outcome))
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)  # the parent is gone: leave quietly


def _die_with_parent(lifeline: Connection) -> None:
    """Never outlive the parent, even busy in a conversion: the lifeline's end closes when the parent dies
    (however it dies), and on Linux the kernel also kills a worker whose parent, the fork server, is gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="gongkai-lifeline").start()


@dataclass
class _Slot:
    process: Any
    conn: Connection
    lifeline: Connection | None = None
    task: Task | None = None
    deadline: float = 0.0
    started: float = 0.0
    count: int = 0
    extra: float = 0.0  # seconds its task was given more, for pages read by OCR


class LocalPool:
    """`jobs` worker processes; per task a time limit (seconds) and a memory cap (MB, RLIMIT_AS)."""

    def __init__(self, options: TaskOptions, jobs: int, timeout: float | None = 120, recycle: int = 200) -> None:
        self.options = options
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.recycle = max(1, recycle)
        self.context = multiprocessing.get_context("forkserver")
        self._fork = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
        self._started = False  # the first workers have been started
        self.slots: list[_Slot] = []
        self.peak_rss_kb: dict[int, int] = {}  # worker pid → its ru_maxrss, as last reported

    def _start(self) -> _Slot:
        parent, child = self.context.Pipe()
        keep, give = self.context.Pipe()  # the lifeline: nothing is ever sent on it, it only closes
        fresh = not self._started and threading.active_count() == 1
        context = self._fork if fresh and self._fork is not None else self.context
        for stream in (sys.stdout, sys.stderr):  # what is buffered would be written again by the copy
            with contextlib.suppress(Exception):
                stream.flush()
        process = context.Process(target=_worker, args=(child, give, self.options), daemon=True)
        process.start()
        child.close()
        give.close()
        return _Slot(process, parent, lifeline=keep)

    def _retire(self, slot: _Slot, kill: bool) -> None:
        if kill:
            slot.process.kill()
        else:
            try:
                slot.conn.send(None)
            except OSError:
                slot.process.kill()
        slot.process.join(5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join()
        slot.conn.close()
        if slot.lifeline is not None:
            slot.lifeline.close()

    def run(self, tasks: Iterable[Task], window: int) -> Iterator[tuple[int, Outcome]]:
        pending = iter(tasks)
        waiting: Task | None = next(pending, None)
        while len(self.slots) < self.jobs:
            self.slots.append(self._start())
        self._started = True
        try:
            while True:
                # hand out tasks to idle workers, keeping within `window` of the oldest unfinished task
                busy = [s.task.index for s in self.slots if s.task is not None]
                for i, slot in enumerate(self.slots):
                    if waiting is None or (busy and waiting.index >= min(busy) + window):
                        break
                    if slot.task is not None:
                        continue
                    if slot.count >= self.recycle:
                        self._retire(slot, kill=False)
                        slot = self.slots[i] = self._start()
                    slot.conn.send((waiting.index, waiting.name, waiting.source, waiting.output))
                    slot.task, slot.count, slot.started = waiting, slot.count + 1, time.monotonic()
                    slot.extra = 0.0
                    # until the worker says it started, only its start-up is timed (generously)
                    slot.deadline = slot.started + STARTUP if self.timeout else float("inf")
                    busy.append(waiting.index)
                    waiting = next(pending, None)
                working = [s for s in self.slots if s.task is not None]
                if not working:
                    return
                until = min(s.deadline for s in working) - time.monotonic()
                ready = wait(
                    [s.conn for s in working] + [s.process.sentinel for s in working],
                    timeout=max(0.0, min(until, 3600.0)),
                )
                now = time.monotonic()
                for i, slot in enumerate(self.slots):
                    task = slot.task
                    if task is None:
                        continue
                    outcome: Outcome | None = None
                    replace = False
                    if slot.conn in ready or slot.process.sentinel in ready:
                        told = False  # the worker only said it started, or that it reads a page by OCR
                        try:
                            while outcome is None and slot.conn.poll():
                                message = slot.conn.recv()
                                if message[0] == "start":
                                    slot.started = time.monotonic()
                                    slot.deadline = slot.started + self.timeout if self.timeout else float("inf")
                                    told = True
                                elif message[0] == "more":
                                    more = min(message[1], MAX_EXTRA - slot.extra)  # no more than the pages allowed
                                    slot.deadline += more if self.timeout else 0.0
                                    slot.extra += more
                                    told = True
                                else:
                                    _, outcome = message
                        except (EOFError, OSError):
                            outcome = None
                        if outcome is None and told and slot.process.is_alive():
                            continue
                        if outcome is None:
                            slot.process.join(1)
                            outcome = failed(*_death(slot.process.exitcode, self.options), now - slot.started)
                            replace = True
                    elif now >= slot.deadline:
                        more = f" and {slot.extra:g} s for its pages read by OCR" if slot.extra else ""
                        outcome = failed("timeout", f"timed out after {self.timeout:g} s{more}", now - slot.started)
                        replace = True
                    if outcome is None:
                        continue
                    if not replace:
                        self.peak_rss_kb[slot.process.pid] = outcome.maxrss_kb
                    slot.task = None
                    if replace:
                        self._retire(slot, kill=True)
                        self.slots[i] = self._start()
                    yield task.index, outcome
        finally:
            if waiting is not None or any(s.task is not None for s in self.slots):
                self.close(kill=True)

    def close(self, kill: bool = False) -> None:
        for slot in self.slots:
            self._retire(slot, kill=kill or slot.task is not None)
        self.slots = []


def _death(exitcode: int | None, options: TaskOptions) -> tuple[str, str]:
    if exitcode is not None and exitcode < 0:
        return "died", f"worker died (signal {-exitcode})"
    return "died", f"worker died (exit code {exitcode})"


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
