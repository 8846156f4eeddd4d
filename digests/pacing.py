"""Telegram's flood limits as waits: overall messages per second, per private chat, per group."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Defaults are Telegram's published limits for bots."""

    overall_per_second: float = 30.0
    private_interval: float = 1.0  # seconds between messages to one private chat
    group_interval: float = 3.0  # 20 per minute per group or channel


class Pacer:
    """Hands out send slots so that no limit is ever exceeded, instead of waiting for 429s.

    Slots are reserved, not just checked, so concurrent senders queue behind each other
    without a lock and never overshoot.
    """

    def __init__(
        self, limits: Limits | None = None, *, clock: Callable[[], float] = time.monotonic
    ):
        self.limits = limits or Limits()
        self._clock = clock
        self._next_overall = 0.0
        self._next_chat: dict[int, float] = {}

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
        """Reserve the bot's next overall slot; taken only once the chat's own slot has come,
        so a chat that must wait never holds up the others."""
        now = self._clock()
        slot = max(now, self._next_overall)
        self._next_overall = slot + 1.0 / self.limits.overall_per_second
        return slot - now

    def hold_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram asked us to wait (429): later slots for this chat start after that."""
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), self._clock() + seconds)

    async def wait_turn(self, chat_id: int) -> None:
        for reserve in (lambda: self.reserve_chat(chat_id), self.reserve_overall):
            delay = reserve()
            if delay > 0:
                await asyncio.sleep(delay)

    def _forget_idle(self, now: float) -> None:
        self._next_chat = {chat: t for chat, t in self._next_chat.items() if t > now}
