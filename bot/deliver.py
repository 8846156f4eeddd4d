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

from bot import startup
from bot.http import AiohttpRequest
from bot.logs import configure_logging, startup_finished
from bot.sender import TelegramSender
from digests.config import Settings, SettingsError, StartupError, load_settings
from digests.delivery.drain import DrainReport, drain_until_empty
from digests.delivery.identity import claim_identity
from digests.delivery.pacing import Limits
from digests.delivery.shared_rate import pacer_for
from digests.store.connect import open_database
from digests.store.tables import utcnow

log = logging.getLogger("bot.deliver")


async def deliver(settings: Settings, *, client: str = "aiohttp") -> DrainReport:
    """Drain with the bot's own pacing and sender; a crash here loses nothing (leases), and
    the next run takes back at once what this one had claimed."""
    engine = open_database(settings.database_url)
    identity = claim_identity(settings.database_url)
    paid = settings.allow_paid_broadcast
    limits = Limits.for_broadcast(paid=paid)
    bot = Bot(
        settings.token or "",
        base_url=settings.telegram_api_base_url,
        request=http_client(client, limits),
    )
    await startup.initialize(bot)
    startup_finished(succeeded=True)
    pacer = pacer_for(engine, limits)
    async with bot:
        try:
            return await drain_until_empty(
                engine,
                TelegramSender(bot, paid_broadcast=paid),
                pacer,
                clock=utcnow,
                owner=identity.name,
            )
        finally:
            await pacer.close()


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
        if not settings.token:
            raise SettingsError("TELEGRAM_BOT_TOKEN is needed to deliver through Telegram.")
        configure_logging(settings.log_level, hold_until_started=True)
        report = asyncio.run(deliver(settings, client=args.client))
    except StartupError as error:
        startup_finished(succeeded=False)
        print(error, file=sys.stderr)
        return error.exit_code
    log.info(
        "outbox empty: %d sent, %d retried, %d failed", report.sent, report.retried, report.failed
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
