"""`python -m bot.deliver`: send everything in the outbox through Telegram, then exit."""

from __future__ import annotations

import asyncio
import logging
import math
import sys

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.logs import configure_logging
from bot.sender import TelegramSender
from digests.config import Settings, SettingsError, load_settings
from digests.delivery.drain import CONCURRENT_CHATS, DrainReport, drain_until_empty
from digests.delivery.pacing import Limits
from digests.delivery.shared_rate import pacer_for
from digests.store.db import make_engine, migrate
from digests.store.tables import utcnow

log = logging.getLogger("bot.deliver")

SLOW_ROUND_TRIP_SECONDS = 0.25  # Telegram's answer time the pool must absorb at full rate


async def deliver(settings: Settings) -> DrainReport:
    """Drain with the bot's own pacing and sender; a crash here loses nothing (leases)."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    paid = settings.allow_paid_broadcast
    limits = Limits.for_broadcast(paid=paid)
    # Waiting for a free connection is no failure: the send keeps its paced turn meanwhile.
    request = HTTPXRequest(connection_pool_size=connections_for(limits), pool_timeout=None)
    bot = Bot(settings.token or "", base_url=settings.telegram_api_base_url, request=request)
    async with bot:
        return await drain_until_empty(
            engine,
            TelegramSender(bot, paid_broadcast=paid),
            pacer_for(engine, limits),
            clock=utcnow,
        )


def connections_for(limits: Limits) -> int:
    """Enough connections for the full rate at a slow round trip, and no more: httpx looks at
    every pooled connection on each request, so idle ones cost CPU at high rates."""
    wanted = math.ceil(limits.overall_per_second * SLOW_ROUND_TRIP_SECONDS)
    return min(CONCURRENT_CHATS, wanted)


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is needed to deliver through Telegram.", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    report = asyncio.run(deliver(settings))
    log.info(
        "outbox empty: %d sent, %d retried, %d failed", report.sent, report.retried, report.failed
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
