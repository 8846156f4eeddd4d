"""Where CPU-heavy steps run, and how many heavy requests one user may have going at once.

Python threads keep the GIL while they run pure-Python code, so a page extraction in a thread
slows every reply of the process it runs in (each I/O wait hands the GIL over and waits up to
the switch interval to get it back). Heavy steps therefore run in a few worker processes: the
bot's own process keeps a core for answering, and a queue of heavy jobs only makes heavy jobs
wait.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TypeVar

T = TypeVar("T")

# Imported once by the fork server, so a new worker starts in milliseconds, not seconds.
PRELOAD = [
    "digests.ingest.pipeline",
    "digests.ingest.sources.feed",
    "digests.ingest.sources.webpage",
]
HEAVY_PER_USER = 1


def default_processes() -> int:
    """Every core but one, which stays with the event loop (and at least one worker)."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


class CpuPool:
    """A small pool of worker processes, started on first use; a worker that dies (out of
    memory, killed) costs the job it ran, and the next job gets a fresh pool."""

    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or default_processes()
        self._executor: Executor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                # Not fork: the bot's threads (database pool, loops) must not be copied mid-lock.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
                self._executor = ProcessPoolExecutor(self.processes, mp_context=context)
            return self._executor

    def start(self) -> None:
        """Start the workers now (blocking: call it in a thread), so the first heavy request
        does not pay for the fork server's start on the event loop."""
        pool = self._pool()
        for started in [pool.submit(os.getpid) for _ in range(self.processes)]:
            started.result()

    def _discard(self, broken: Executor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    async def run(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`function(*args, **kwargs)` in a worker; the event loop stays free meanwhile (even
        to start or grow the pool, which waits for the fork server: that happens in a thread)."""
        job = partial(function, *args, **kwargs)
        pool = await asyncio.to_thread(self._pool)
        try:
            future = await asyncio.to_thread(pool.submit, job)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._discard(pool)
            raise

    def call(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """The same from a worker thread (handlers run in threads): the thread just waits."""
        pool = self._pool()
        try:
            return pool.submit(function, *args, **kwargs).result()
        except BrokenProcessPool:
            self._discard(pool)
            raise

    def close(self) -> None:
        """Stop the workers now: a job under way is abandoned rather than waited for, so a
        stopping bot is not held for minutes by someone's huge page."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        # ProcessPoolExecutor offers no terminate before Python 3.14 (terminate_workers).
        workers = list(getattr(executor, "_processes", {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=5)


_SHARED = CpuPool()


def shared_cpu_pool() -> CpuPool:
    """The process's pool: workers are the machine's resource, whatever the runtimes in it."""
    return _SHARED


class InFlight:
    """Heavy requests in flight per owner (a user): a second link while the first is still
    being fetched is refused politely rather than queued, so one user cannot fill the pool."""

    def __init__(self, per_owner: int = HEAVY_PER_USER) -> None:
        self.per_owner = per_owner
        self._counts: Counter[Hashable] = Counter()
        self._lock = threading.Lock()

    def try_claim(self, owner: Hashable) -> _Claim | None:
        """A claim to hold while the request runs, or None when the owner is at the limit."""
        with self._lock:
            if self._counts[owner] >= self.per_owner:
                return None
            self._counts[owner] += 1
        return _Claim(self, owner)

    def _release(self, owner: Hashable) -> None:
        with self._lock:
            self._counts[owner] -= 1
            if self._counts[owner] <= 0:
                del self._counts[owner]


class _Claim:
    """Released when the `with` block around the request ends, however it ends."""

    def __init__(self, in_flight: InFlight, owner: Hashable) -> None:
        self._in_flight, self._owner = in_flight, owner

    def __enter__(self) -> _Claim:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._in_flight._release(self._owner)
