"""Virtual time for pacing tests: seconds pass only once every simulated sender waits."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable

from digests.delivery.pacing import Pacer

TICK = 1e-9  # virtual seconds: below any interval a test checks


class VirtualTime:
    """Seconds that pass only once every simulated sender waits: pacing tests in no time."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        when = self.now + max(seconds, TICK)  # a wait always moves time, despite rounding
        heapq.heappush(self._timers, (when, next(self._order), wake))
        await wake

    async def run(self, *coroutines) -> None:
        """Until the coroutines and every task they start (a pacer's renewals) are done."""
        loop = asyncio.get_running_loop()
        live = [0]

        def counted(loop, coroutine, **kwargs) -> asyncio.Task:
            task = asyncio.Task(coroutine, loop=loop, **kwargs)
            live[0] += 1
            task.add_done_callback(lambda _: live.__setitem__(0, live[0] - 1))
            return task

        previous = loop.get_task_factory()
        loop.set_task_factory(counted)
        try:
            tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
            while live[0]:
                await asyncio.sleep(0)
                if live[0] and len(self._timers) == live[0]:  # all wait: on to the next wake-up
                    when, _, wake = heapq.heappop(self._timers)
                    self.now = max(self.now, when)
                    wake.set_result(None)
        finally:
            loop.set_task_factory(previous)
        for task in tasks:
            task.result()


class VirtualRenewals:
    """A pacer's share renewals in virtual time: in place, on the event loop, each taking no
    time, so that a virtual second passes only when every sender and renewal waits."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self._task: asyncio.Task | None = None

    def start(self, renew: Callable[[], bool], every: float) -> None:
        async def renewing() -> None:
            while renew():
                await self.time.sleep(every)

        self._task = asyncio.ensure_future(renewing())

    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        """The next renewal comes at its time: a send polls for it meanwhile."""

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


class Sends:
    """(start, answer) of every simulated request, as the pacer let them go."""

    def __init__(self, pacer: Pacer, time: VirtualTime) -> None:
        self.pacer, self.time = pacer, time
        self.log: list[tuple[float, float, int, bool]] = []

    async def send(self, chat_id: int, latency: float, *, urgent: bool = False) -> None:
        async with self.pacer.turn(chat_id, urgent=urgent):
            start = self.time.now
            await self.time.sleep(latency)
        self.log.append((start, self.time.now, chat_id, urgent))

    async def send_later(self, delay: float, chat_id: int, *, urgent: bool = False) -> None:
        await self.time.sleep(delay)
        await self.send(chat_id, 0.01, urgent=urgent)

    def most_in_any_window(self, seconds: float, chat_id: int | None = None) -> int:
        """Telegram counts a request at some moment between its start and its answer: the
        most that could land in one window, whatever those moments were."""
        spans = [(s, e) for s, e, c, _ in self.log if chat_id in (None, c)]
        return max(sum(s <= last < e + seconds for s, e in spans) for last, _ in spans)
