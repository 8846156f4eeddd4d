"""End-to-end fixtures: the real python-telegram-bot application against the local emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import build_application
from digests.runtime import Runtime, ingest_seeds
from tests.conftest import make_settings
from tests.e2e.emulator import BotApiEmulator

TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKENtest12"


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(TOKEN) as running:
        yield running


@pytest.fixture
async def live_bot(engine, database_url, clock, emulator) -> AsyncIterator[Runtime]:
    """The bot as `python -m bot` runs it (post_init, polling, scheduler) on the seeded database."""
    settings = make_settings(
        database_url,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emulator.base_url,
        scheduler_tick_seconds=0.2,
        admin_user_ids=[900],
    )
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    await asyncio.to_thread(ingest_seeds, runtime)
    application = build_application(runtime)
    await application.initialize()
    await application.post_init(application)
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    await application.start()
    try:
        yield runtime
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
