"""Webhook mode: Telegram's secret header checked on every request; /healthz and /metrics."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from digests.ingest.seeding import ingest_seeds
from digests.runtime import Runtime
from tests.e2e.conftest import bot_settings, run_bot
from tests.e2e.emulator_process import free_port

SECRET = "s3cret-Token_1"
HOOK = "https://bot.example/hooks/digests"


@pytest.fixture
async def webhook_bot(engine, database_url, clock, emulator):
    port = free_port()
    settings = bot_settings(
        database_url, emulator, webhook_url=HOOK, webhook_secret=SECRET, listen_port=port
    )
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    await asyncio.to_thread(ingest_seeds, runtime)
    async for _ in run_bot(runtime):
        yield f"http://127.0.0.1:{port}"


def update(text: str, update_id: int = 1) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": 4242, "type": "private", "first_name": "Web"},
            "from": {"id": 4242, "is_bot": False, "first_name": "Web"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_webhook_is_registered_with_its_secret(webhook_bot, emulator):
    [(_, params)] = [r for r in emulator.requests if r[0] == "setWebhook"]
    assert params["url"] == HOOK
    assert params["secret_token"] == SECRET


async def test_updates_with_the_secret_are_handled_and_others_refused(webhook_bot, emulator):
    async with aiohttp.ClientSession() as http:
        forged = await http.post(f"{webhook_bot}/hooks/digests", json=update("/latest", 1))
        assert forged.status == 403
        wrong = await http.post(
            f"{webhook_bot}/hooks/digests",
            json=update("/latest", 2),
            headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
        )
        assert wrong.status == 403
        genuine = await http.post(
            f"{webhook_bot}/hooks/digests",
            json=update("/latest", 3),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        assert genuine.status == 200
    [reply] = await emulator.wait_for_messages(4242, 1)
    assert "Latest articles" in reply.plain_text
    await asyncio.sleep(0.3)
    assert len(emulator.sent(4242)) == 1  # the forged updates did nothing


async def test_health_and_metrics(webhook_bot):
    async with aiohttp.ClientSession() as http:
        health = await http.get(f"{webhook_bot}/healthz")
        assert health.status == 200
        assert await health.json() == {"database": True, "scheduler": True, "queue_depth": 0}
        metrics = await (await http.get(f"{webhook_bot}/metrics")).text()
    assert "digests_outbox_queue_depth 0.0" in metrics
    assert "digests_summarize_seconds_count" in metrics
    assert "digests_updates_handled_total" in metrics
    assert "digests_messages_sent_total" in metrics


async def post_raw_secret(base: str, secret: bytes) -> tuple[int, bytes]:
    """A request whose secret header holds exactly these bytes (clients refuse to send some)."""
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps(update("/latest", 9)).encode()
    head = (
        b"POST /hooks/digests HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nX-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head + body)
    await writer.drain()
    response = await reader.read()
    writer.close()
    return int(response.split(b" ", 2)[1]), response


@pytest.mark.parametrize(
    "secret",
    [b"\xff\xfe", "sëcret".encode(), SECRET.encode() + b"\x80", "s3cret-Token_1é".encode()],
)
async def test_a_secret_that_is_not_ascii_is_refused_like_any_wrong_one(
    webhook_bot, emulator, secret, caplog
):
    status, _ = await post_raw_secret(webhook_bot, secret)
    assert status == 403
    assert "UnicodeEncodeError" not in caplog.text
    await asyncio.sleep(0.3)
    assert emulator.sent(4242) == []
