"""End-to-end fixtures: the real python-telegram-bot application against the local emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import build_application
from bot.webserver import serve
from digests.ingest.seeding import ingest_seeds
from digests.runtime import Runtime
from tests.conftest import make_settings
from tests.e2e.emulator import DEFAULT_TOKEN, BotApiEmulator

TOKEN = DEFAULT_TOKEN


async def run_bot(runtime: Runtime) -> AsyncIterator[Runtime]:
    """Serve exactly as `python -m bot` does, until the test ends."""
    stop = asyncio.Event()
    application = build_application(runtime)
    task = asyncio.create_task(serve(application, runtime, stop=stop))
    while not application.running:
        assert not task.done(), task.exception()
        await asyncio.sleep(0.01)
    try:
        yield runtime
    finally:
        stop.set()
        await task


def bot_settings(database_url: str, emulator: BotApiEmulator, **overrides):
    values = {
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": emulator.base_url,
        "scheduler_tick_seconds": 0.2,
        "admin_user_ids": [900],
    }
    return make_settings(database_url, **{**values, **overrides})


@pytest.fixture
async def live_bot(engine, database_url, clock, emulator) -> AsyncIterator[Runtime]:
    """The bot on long polling (post_init, scheduler, handlers) over the seeded database."""
    runtime = Runtime(settings=bot_settings(database_url, emulator), engine=engine, clock=clock)
    await asyncio.to_thread(ingest_seeds, runtime)
    async for running in run_bot(runtime):
        yield running
