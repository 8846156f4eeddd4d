"""Flood-control accounting of the Bot API emulator: Telegram's per-bot and per-chat send limits."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    """Telegram's published broadcast limits; tests shrink them to provoke 429s quickly."""

    global_per_second: float = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: int = 20
    paid_broadcast_per_second: float = 1000


class _SlidingWindow:
    """At most `limit` events per `window` seconds; O(1) because the deque never outgrows limit."""

    __slots__ = ("stamps", "window")

    def __init__(self, limit: int, window: float) -> None:
        self.stamps: deque[float] = deque(maxlen=max(1, limit))
        self.window = window

    def wait_time(self, now: float) -> float:
        stamps = self.stamps
        if len(stamps) < stamps.maxlen:
            return 0.0
        return max(0.0, stamps[0] + self.window - now)

    def record(self, now: float) -> None:
        self.stamps.append(now)


class _TokenBucket:
    """Allows a burst, then a steady rate: how Telegram treats one private chat."""

    __slots__ = ("burst", "rate", "tokens", "updated")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = float(self.burst)
        self.updated = now

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def record(self, now: float) -> None:
        self.tokens -= 1


class FloodControl:
    """Decides whether one more sendMessage fits; a rejected message consumes no quota."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._global = _SlidingWindow(int(limits.global_per_second), 1.0)
        self._paid = _SlidingWindow(int(limits.paid_broadcast_per_second), 1.0)
        self._groups: dict[int, _SlidingWindow] = {}
        self._privates: dict[int, _TokenBucket] = {}

    def admit(self, chat_id: int, *, paid: bool = False) -> int:
        """Return 0 and count the message if it may go out, else the retry_after to answer."""
        now = time.monotonic()
        limiters = (self._paid if paid else self._global, self._chat_limiter(chat_id, now))
        wait = max(limiter.wait_time(now) for limiter in limiters)
        if wait > 0:
            return max(1, math.ceil(wait))
        for limiter in limiters:
            limiter.record(now)
        return 0

    def _chat_limiter(self, chat_id: int, now: float) -> _SlidingWindow | _TokenBucket:
        if chat_id < 0:
            window = self._groups.get(chat_id)
            if window is None:
                window = self._groups[chat_id] = _SlidingWindow(self.limits.group_per_minute, 60.0)
            return window
        bucket = self._privates.get(chat_id)
        if bucket is None:
            limits = self.limits
            bucket = _TokenBucket(limits.private_per_second, limits.private_burst, now)
            self._privates[chat_id] = bucket
        return bucket
