"""Sending outbox messages through Telegram, and translating its errors into delivery outcomes."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.render import send_kwargs
from digests.markup import Message
from digests.outbox import Delivery

log = logging.getLogger(__name__)


def retry_after_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """The outbox's Sender for Telegram: one sendMessage per outbox row."""

    def __init__(self, bot: Bot):
        self.bot = bot

    async def send(self, chat_id: int, message: Message) -> Delivery:
        try:
            sent = await self.bot.send_message(chat_id, **send_kwargs(message))
        except RetryAfter as error:
            return Delivery("retry", reason="flood control", retry_after=retry_after_seconds(error))
        except ChatMigrated as error:
            return Delivery("migrated", reason="group upgraded", new_chat_id=error.new_chat_id)
        except Forbidden as error:
            return Delivery("blocked", reason=error.message)
        except BadRequest as error:
            return Delivery("rejected", reason=error.message)
        except NetworkError as error:  # timeouts, 5xx, connection failures: worth another try
            return Delivery("retry", reason=f"network: {error.message}")
        except TelegramError as error:
            return Delivery("retry", reason=error.message)
        return Delivery("sent", message_id=sent.message_id)

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None:
        try:
            await self.bot.edit_message_text(
                chat_id=chat_id, message_id=message_id, **send_kwargs(message)
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise
