"""`python -m bot.deliver`: send everything in the outbox through Telegram, then exit.

`--client httpx` sends through python-telegram-bot's own HTTPXRequest instead of the lean
aiohttp one, for comparing the two (benchmarks/delivery.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.http import AiohttpRequest
from bot.logs import configure_logging
from bot.sender import TelegramSender
from digests.config import Settings, SettingsError, load_settings
from digests.delivery.drain import DrainReport, drain_until_empty
from digests.delivery.identity import claim_identity
from digests.delivery.pacing import Limits
from digests.delivery.shared_rate import pacer_for
from digests.store.db import make_engine, migrate
from digests.store.tables import utcnow

log = logging.getLogger("bot.deliver")


async def deliver(settings: Settings, *, client: str = "aiohttp") -> DrainReport:
    """Drain with the bot's own pacing and sender; a crash here loses nothing (leases), and
    the next run takes back at once what this one had claimed."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    identity = claim_identity(settings.database_url)
    paid = settings.allow_paid_broadcast
    limits = Limits.for_broadcast(paid=paid)
    bot = Bot(
        settings.token or "",
        base_url=settings.telegram_api_base_url,
        request=http_client(client, limits),
    )
    async with bot:
        return await drain_until_empty(
            engine,
            TelegramSender(bot, paid_broadcast=paid),
            pacer_for(engine, limits),
            clock=utcnow,
            owner=identity.name,
        )


HTTPX_CONNECTIONS = 8  # httpx looks at every pooled connection on each request: keep few


def http_client(name: str, limits: Limits) -> BaseRequest:
    if name == "httpx":  # waiting for a free connection is no failure: the turn is kept
        size = min(limits.in_flight, HTTPX_CONNECTIONS)
        return HTTPXRequest(connection_pool_size=size, pool_timeout=None)
    return AiohttpRequest(connections=limits.in_flight)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.deliver", description=__doc__)
    parser.add_argument("--client", choices=("aiohttp", "httpx"), default="aiohttp")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is needed to deliver through Telegram.", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    report = asyncio.run(deliver(settings, client=args.client))
    log.info(
        "outbox empty: %d sent, %d retried, %d failed", report.sent, report.retried, report.failed
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
