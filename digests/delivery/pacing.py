"""Telegram's flood limits as waits: overall messages per second, per private chat, per group."""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

PAID_BROADCAST_PER_SECOND = 1000.0
WINDOW_SECONDS = 1.0  # Telegram's overall limit is counted per second
YIELD_SECONDS = 0.001  # how long a broadcast send steps aside for a waiting reply
SLOW_ROUND_TRIP_SECONDS = 0.1  # Telegram's answer time the sends in flight must absorb
FEWEST_IN_FLIGHT = 8
IDLE_SECONDS = 0.25  # after its last answer an instance still counts as sending, for its share
FIRST_SHARE_POLL_SECONDS = 0.005  # how often a send looks whether the share it asked for came
STOP_RENEWING_SECONDS = 5.0  # at a clean stop, how long to wait for a renewal under way


@dataclass(frozen=True, slots=True)
class Share:
    """The places of the overall window this instance may hold, for how long."""

    places: int
    lease_seconds: float  # counted from just before the renewal that granted them
    idle: bool = False  # nothing left on record: renew again only when there is something to send
    short: bool = False  # less than a fair share for now: the next renewals may bring more


class SharedRate(Protocol):
    """The overall rate split among every instance on one database (shared_rate.SharedRate)."""

    renew_seconds: float

    def renew(self, *, wants: bool, using: int, held: int) -> Share | None:
        """This instance's share from now on; None: no answer, the current one stays good
        until its lease ends. Blocking: run off the event loop."""

    def release(self) -> None:
        """Give the share back at once (a clean stop). Blocking."""


class Renewals(Protocol):
    """How a share's renewals run: RenewalThread, or virtual time in tests."""

    def start(self, renew: Callable[[], bool], every: float) -> None:
        """Call `renew` now and then every `every` seconds (sooner when woken) until it
        returns False."""

    def running(self) -> bool: ...

    def wake(self) -> None:
        """Renew now: a send waits for places."""

    def stop(self) -> None:
        """No more renewals; blocking until one under way is done."""


class RenewalThread:
    """Renewals in a thread of their own: however busy the event loop is with sends, a live
    instance's lease is renewed on time (a lapsed one would stop it, and hand its places to
    the others, in the middle of a broadcast)."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._woken = threading.Event()
        self._stopping = threading.Event()

    def start(self, renew: Callable[[], bool], every: float) -> None:
        def renewing() -> None:
            while not self._stopping.is_set() and renew():
                self._woken.wait(every)
                self._woken.clear()

        self._stopping.clear()
        self._thread = threading.Thread(target=renewing, name="send-share", daemon=True)
        self._thread.start()

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopping.set()
        self._woken.set()
        if self._thread is not None:
            self._thread.join(STOP_RENEWING_SECONDS)


@dataclass(frozen=True, slots=True)
class Limits:
    """Defaults are Telegram's published limits for bots."""

    overall_per_second: float = 30.0
    private_interval: float = 1.0  # seconds between messages to one private chat
    group_interval: float = 3.0  # 20 per minute per group or channel

    @classmethod
    def for_broadcast(cls, *, paid: bool) -> Limits:
        """Paid broadcasting lifts only the overall limit; every chat's own limit stays."""
        return cls(overall_per_second=PAID_BROADCAST_PER_SECOND) if paid else cls()

    @property
    def in_flight(self) -> int:
        """How many sends may be on the wire at once (and so the connections they need):
        the full rate at a slow round trip, and no more."""
        return max(FEWEST_IN_FLIGHT, math.ceil(self.overall_per_second * SLOW_ROUND_TRIP_SECONDS))


class Pacer:
    """Hands out send slots so that no limit is ever exceeded, instead of waiting for 429s.

    Telegram counts a message when the request reaches it, which we only know to lie between
    our send and its answer. So a send fills a place in the overall one-second window from
    the moment it starts until one second after its answer, and a chat's next message starts
    an interval after the previous answer: however the network delays a request, no window
    on Telegram's side can hold more than the limit. The price is a rate of limit / (1 +
    round trip): 99.5% of it against a local server, about 91% at a 100 ms round trip.
    Slots are reserved, not just checked, so concurrent senders queue behind each other
    without a lock and never overshoot. With `shared`, the window holds only this instance's
    share of the places, renewed by `renewals` (a thread of its own) while it sends. Clock,
    sleep and renewals can be swapped for virtual time.

    The renewal thread only reads the counts the event loop keeps and sets the share it got
    (single attribute reads and writes, atomic under the GIL); a count read a moment late is
    what a renewal between two sends would have seen.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        shared: SharedRate | None = None,
        renewals: Renewals | None = None,
    ):
        self.limits = limits or Limits()
        self._shared = shared
        self._clock = clock
        self._sleep = sleep
        self._renewals = renewals or RenewalThread()
        self._next_overall = 0.0
        self._next_chat: dict[int, float] = {}
        self._capacity = 0 if shared else max(1, int(self.limits.overall_per_second))
        self._lease_ends = -math.inf  # of the shared places: none before the first renewal
        self._share_pending = False  # asked for places, no renewal since
        self._short = False  # the share is less than fair yet
        self._in_flight = 0
        self._answered: deque[float] = deque()  # answer times within the last window
        self._urgent_waiting = 0
        self._waiting = 0  # turns asked for and not yet sending
        self._busy_until = -math.inf

    def _chat_interval(self, chat_id: int) -> float:
        return self.limits.group_interval if chat_id < 0 else self.limits.private_interval

    def reserve_chat(self, chat_id: int) -> float:
        """Reserve this chat's next slot; returns how many seconds to wait for it."""
        now = self._clock()
        slot = max(now, self._next_chat.get(chat_id, 0.0))
        self._next_chat[chat_id] = slot + self._chat_interval(chat_id)
        if len(self._next_chat) > 50_000:
            self._forget_idle(now)
        return slot - now

    def reserve_overall(self) -> float:
        """Reserve the bot's next evenly spaced slot, so a broadcast flows instead of bursting;
        taken only once the chat's own slot has come, so a chat that must wait never holds
        up the others."""
        now = self._clock()
        slot = max(now, self._next_overall)
        self._next_overall = slot + 1.0 / (self._capacity or self.limits.overall_per_second)
        return slot - now

    def hold_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram asked us to wait (429): later slots for this chat start after that."""
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), self._clock() + seconds)

    @asynccontextmanager
    async def turn(self, chat_id: int, *, urgent: bool = False) -> AsyncIterator[None]:
        """Wait until one message to chat_id may go, and keep its place while it is sent.

        Urgent messages answer a person who is waiting: they skip the chat's interval and
        the even spacing of broadcasts (Telegram tolerates a short burst within one chat)
        and take the next free place in the window ahead of every broadcast message; the
        chat's later messages still keep their interval after them.
        """
        self._waiting += 1
        try:
            self._keep_share()
            if not urgent:
                await self._pause(self.reserve_chat(chat_id))
                await self._pause(self.reserve_overall())
            await self._enter_window(urgent)
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._leave(chat_id)

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            await self._sleep(seconds)

    async def _enter_window(self, urgent: bool) -> None:
        self._urgent_waiting += urgent
        try:
            while (delay := self._window_delay(urgent)) > 0:
                self._keep_share()
                await self._sleep(delay)
        finally:
            self._urgent_waiting -= urgent
        self._in_flight += 1

    def _window_delay(self, urgent: bool) -> float:
        """Seconds until the window may have room for this send (0: it has, go now)."""
        now = self._clock()
        if self._held(now) >= self._places(now):
            # Nothing can leave the window sooner than one window after the oldest answer;
            # with every place in flight, not sooner than one window from now.
            oldest = self._answered[0] if self._answered else now
            delay = oldest + WINDOW_SECONDS - now
            if self._share_pending:
                return min(delay, FIRST_SHARE_POLL_SECONDS)
            if self._shared is not None and (self._short or self._places(now) == 0):
                return min(delay, self._shared.renew_seconds)  # a renewal may bring places
            return delay
        return YIELD_SECONDS if self._urgent_waiting and not urgent else 0.0

    def _held(self, now: float) -> int:
        """Places taken: sends in flight, and those answered within the last window."""
        # Written as the delay above is, so that "not yet expired" always means a wait > 0.
        while self._answered and self._answered[0] + WINDOW_SECONDS <= now:
            self._answered.popleft()
        return self._in_flight + len(self._answered)

    def _held_seen(self, now: float) -> int:
        """_held for the renewal thread: counted on a copy (taken whole under the GIL), the
        event loop's queue left alone."""
        answered = tuple(self._answered)
        return self._in_flight + sum(1 for at in answered if at + WINDOW_SECONDS > now)

    def _places(self, now: float) -> int:
        """How many places this instance may hold now: all of them alone, its share shared."""
        if self._shared is not None and now >= self._lease_ends:
            return 0  # the lease ran out unrenewed: the others may count on these places soon
        return self._capacity

    def _leave(self, chat_id: int) -> None:
        now = self._clock()
        self._in_flight -= 1
        self._answered.append(now)
        self._busy_until = now + IDLE_SECONDS
        ready = now + self._chat_interval(chat_id)
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), ready)

    def _keep_share(self) -> None:
        """Make sure the share is being renewed while this instance has something to send,
        and renewed at once when it gave its places back for being idle."""
        shared = self._shared
        if shared is None:
            return
        if not self._renewals.running():
            self._share_pending = True
            self._renewals.start(self._renew_once, shared.renew_seconds)
        elif self._capacity == 0 and not self._short and not self._share_pending:
            self._share_pending = True
            self._renewals.wake()

    def _sending(self, now: float) -> bool:
        return self._waiting > 0 or self._in_flight > 0 or now < self._busy_until

    def _renew_once(self) -> bool:
        """One renewal, off the event loop; False once idle with nothing on record any more."""
        assert self._shared is not None
        now = self._clock()
        wants, using, held = self._sending(now), self._places(now), self._held_seen(now)
        share = self._shared.renew(wants=wants, using=using, held=held)
        self._share_pending = False
        if share is None:
            return True
        self._capacity, self._short = share.places, share.short
        self._lease_ends = now + share.lease_seconds
        return not (share.idle and not self._sending(self._clock()))

    async def close(self) -> None:
        """At a clean stop: no more renewals, and the share back to the others as soon as
        this instance's answers have left Telegram's window, instead of after its lease."""
        shared = self._shared
        if shared is None:
            return
        await asyncio.to_thread(self._renewals.stop)
        self._capacity, self._lease_ends = 0, -math.inf  # nothing more goes on this share
        if self._in_flight:
            return  # a send still on its way: the share goes when its lease runs out
        if self._answered:
            await self._pause(self._answered[-1] + WINDOW_SECONDS - self._clock())
        await asyncio.to_thread(shared.release)

    def _forget_idle(self, now: float) -> None:
        self._next_chat = {chat: t for chat, t in self._next_chat.items() if t > now}
