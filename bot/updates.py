"""Updates of different chats are handled at once; one chat's updates in the order they came."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates waiting for their chat's turn count too, so this bounds memory, not work: the work
# is bounded by the thread pool (database) and the worker processes (extraction).
MAX_CONCURRENT_UPDATES = 512


class _Turns:
    """One chat's lock and how many of its updates hold or wait for it (freed at zero)."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerChatOrder(BaseUpdateProcessor):
    """A slow answer in one chat never delays another chat, while within a chat a button
    press is still handled after the command that drew it, and /subscribe before /settings.

    asyncio.Lock wakes its waiters first come, first served, and PTB starts one task per
    update in the order the updates arrive, so a chat's updates keep their order.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, _Turns] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        if chat is None:
            await coroutine
            return
        turns = self._chats.setdefault(chat, _Turns())
        turns.users += 1
        try:
            async with turns.lock:
                await coroutine
        finally:
            turns.users -= 1
            if turns.users == 0:
                del self._chats[chat]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
