"""The lean HTTP layer: PTB's calls over aiohttp, answers and errors as PTB expects them."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter

from bot.http import AiohttpRequest
from tests.e2e.emulator import DEFAULT_TOKEN
from tests.e2e.emulator_process import free_port

# PTB warns on every 429 it parses that retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def aiohttp_bot(base_url: str, token: str = DEFAULT_TOKEN) -> Bot:
    return Bot(token, base_url=base_url, request=AiohttpRequest(connections=4))


async def test_messages_and_files_go_through_and_flood_waits_come_back_as_ptb_errors(emulator):
    async with aiohttp_bot(emulator.base_url) as bot:
        sent = await bot.send_message(42, "<b>hello</b>", parse_mode="HTML")
        await bot.send_document(42, b"<opml/>", filename="feeds.opml", caption="Your feeds")
        emulator.fail_next("sendMessage", status=429, retry_after=3, times=1)
        with pytest.raises(RetryAfter):
            await bot.send_message(42, "too fast")
    assert sent.text == "hello"
    assert [message.text for message in emulator.sent(42)] == ["<b>hello</b>", "Your feeds"]
    assert emulator.sent(42)[-1].document is not None


async def test_a_network_error_never_carries_the_bot_token():
    token = "123456:SECRET-token-never-in-errors"
    base_url = f"http://127.0.0.1:{free_port()}/bot"  # nobody listens there
    bot = aiohttp_bot(base_url, token)
    await bot.request.initialize()  # no getMe: the server is not there
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(1, "hi")
    finally:
        await bot.request.shutdown()
    error = caught.value
    assert "SECRET" not in str(error) and "SECRET" not in repr(error)
    assert error.__cause__ is None and error.__suppress_context__  # a traceback shows no URL
