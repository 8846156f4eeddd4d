"""Pending-update queue of the Bot API emulator, with getUpdates' long-polling semantics."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from typing import Any

from .emulator_objects import ApiError, Signal

_TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
# Bounded so that a long benchmark cannot exhaust memory through the hand-out times alone.
HANDED_OUT_LOG_SIZE = 200_000


class UpdateQueue:
    """Updates stay pending until a later getUpdates confirms them with a higher offset."""

    def __init__(self) -> None:
        self._pending: deque[dict[str, Any]] = deque()
        self._next_id = 1
        self._arrived = Signal()
        self._poll_generation = 0
        self._closed = False
        # update_id -> time.time() of the first getUpdates answer that carried it: where the
        # bot's own handling time starts, for benchmarks that time it server-side.
        self.handed_out: dict[int, float] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self._arrived.fire()
        return update

    def drop_pending(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        """Release long-polls at shutdown instead of holding the server open for `timeout`."""
        self._closed = True
        self._arrived.fire()

    async def fetch(self, offset: int | None, limit: int, timeout: float) -> list[dict[str, Any]]:
        self._confirm(offset)
        # A newer poll supersedes an older one, which Telegram answers with 409.
        self._poll_generation += 1
        generation = self._poll_generation
        self._arrived.fire()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _TERMINATED)
            ready = list(itertools.islice(self._pending, limit))
            remaining = deadline - loop.time()
            if ready or self._closed or remaining <= 0:
                self._note_handed_out(ready)
                return ready
            await self._arrived.wait(remaining)

    def _note_handed_out(self, updates: list[dict[str, Any]]) -> None:
        now = time.time()
        for update in updates:
            self.handed_out.setdefault(update["update_id"], now)
        while len(self.handed_out) > HANDED_OUT_LOG_SIZE:
            del self.handed_out[next(iter(self.handed_out))]

    def _confirm(self, offset: int | None) -> None:
        pending = self._pending
        if offset is None or offset == 0:
            return
        if offset < 0:  # "-N" keeps only the newest N updates
            while len(pending) > -offset:
                pending.popleft()
            return
        while pending and pending[0]["update_id"] < offset:
            pending.popleft()
