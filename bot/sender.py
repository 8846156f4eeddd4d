"""Sending through Telegram: outbox messages with errors as outcomes, and replies paced alike."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBUserWarning

from bot.render import send_kwargs
from digests.delivery.message import Message, fit_message
from digests.delivery.outbox import Delivery
from digests.delivery.pacing import Pacer
from digests.store.enums import DeliveryOutcome

log = logging.getLogger(__name__)

# do_api_request suggests send_message instead, on purpose not taken (see TelegramSender.send).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)

# Telegram's answer for a forum topic that was deleted, or a group whose topics were turned off.
THREAD_NOT_FOUND = "message thread not found"
# Set while the outbox sends: the drain has already taken a paced turn for that message.
_FROM_OUTBOX = contextvars.ContextVar("from_outbox", default=False)


def retry_after_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """The outbox's Sender for Telegram: one sendMessage per outbox row.

    With paid broadcasting on, every message carries allow_paid_broadcast, which is what
    lets Telegram accept more than 30 per second (and charge Stars for them).
    """

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False):
        self.bot = bot
        self._extra = {"allow_paid_broadcast": True} if paid_broadcast else {}

    async def send(
        self, chat_id: int, message: Message, *, message_thread_id: int | None = None
    ) -> Delivery:
        """The raw call: the answer is read only for its message id, never built into a
        telegram.Message (that took a quarter of the sender's CPU at broadcast rates)."""
        token = _FROM_OUTBOX.set(True)
        arguments = {k: v for k, v in send_kwargs(message).items() if v is not None}
        if message_thread_id is not None:
            arguments["message_thread_id"] = message_thread_id
        try:
            sent = await self.bot.do_api_request(
                "sendMessage", api_kwargs={"chat_id": chat_id, **arguments, **self._extra}
            )
        except RetryAfter as error:
            return Delivery(
                DeliveryOutcome.RETRY,
                reason="flood control",
                retry_after=retry_after_seconds(error),
            )
        except ChatMigrated as error:
            return Delivery(
                DeliveryOutcome.MIGRATED, reason="group upgraded", new_chat_id=error.new_chat_id
            )
        except Forbidden as error:
            return Delivery(DeliveryOutcome.BLOCKED, reason=error.message)
        except BadRequest as error:
            gone = message_thread_id is not None and THREAD_NOT_FOUND in error.message.lower()
            outcome = DeliveryOutcome.THREAD_GONE if gone else DeliveryOutcome.REJECTED
            return Delivery(outcome, reason=error.message)
        except NetworkError as error:  # timeouts, 5xx, connection failures: worth another try
            return Delivery(DeliveryOutcome.RETRY, reason=f"network: {error.message}")
        except TelegramError as error:
            return Delivery(DeliveryOutcome.RETRY, reason=error.message)
        finally:
            _FROM_OUTBOX.reset(token)
        return Delivery(DeliveryOutcome.SENT, message_id=sent["message_id"])

    async def edit(self, chat_id: int, message_id: int, message: Message) -> None:
        try:
            await self.bot.edit_message_text(
                chat_id=chat_id, message_id=message_id, **send_kwargs(fit_message(message)[-1])
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise


def _is_message(endpoint: str) -> bool:
    """Telegram's limits count messages (sendMessage, sendDocument, …), not edits or actions."""
    return endpoint.startswith("send") and endpoint != "sendChatAction"


class ReplyPacing(BaseRateLimiter[None]):
    """Every other message the bot sends (answers to commands and buttons) takes an urgent
    turn from the outbox's pacer: both share Telegram's budget, and a reply goes ahead of a
    running broadcast instead of queueing behind it or pushing it into 429s. Should a
    reply still meet a flood wait, it waits as told and tries once more.
    """

    def __init__(self, pacer: Pacer):
        self.pacer = pacer

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self, callback, args, kwargs, endpoint: str, data: dict[str, Any], rate_limit_args: None
    ):
        if not _is_message(endpoint) or _FROM_OUTBOX.get():
            return await callback(*args, **kwargs)
        chat_id = int(data["chat_id"])
        try:
            return await self._send_now(chat_id, callback, args, kwargs)
        except RetryAfter as error:
            seconds = retry_after_seconds(error)
            self.pacer.hold_chat(chat_id, seconds)
            await asyncio.sleep(seconds)
            return await self._send_now(chat_id, callback, args, kwargs)

    async def _send_now(self, chat_id: int, callback, args, kwargs):
        async with self.pacer.turn(chat_id, urgent=True):
            return await callback(*args, **kwargs)
