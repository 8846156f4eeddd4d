"""Broadcasts under Telegram's flood limits: the live bot, and `python -m bot.deliver` killed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from digests.delivery import broadcasts
from digests.store.tables import OutboxMessage, utcnow
from digests.subscriptions.subscribers import ChatInfo, subscribe
from tests.e2e.conftest import TOKEN
from tests.e2e.emulator import RateLimits
from tests.e2e.test_bot_e2e import eventually, say

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
ADMIN = 900


@pytest.fixture
def emulator_limits() -> RateLimits:
    """Telegram's own limits: 30 messages/s, 1/s per private chat (burst 3), 20/min a group."""
    return RateLimits()


def add_subscribers(runtime, chat_ids: range) -> None:
    with runtime.session() as session:
        for chat_id in chat_ids:
            subscribe(
                session,
                ChatInfo(id=chat_id),
                now=runtime.clock(),
                timezone="UTC",
                digest_time="08:00",
            )


async def send_breaking(emulator, text: str, audience: int, *, before_sending=None) -> None:
    """The admin previews the update, then presses its Send button."""
    [preview] = await say(emulator, f"/breaking {text}", chat_id=ADMIN)
    send = next(b for b in preview.buttons if b["text"].startswith(f"Send to {audience} sub"))
    if before_sending is not None:
        before_sending()
    emulator.user_presses(ADMIN, preview.message_id, send["callback_data"], user_id=ADMIN)


def copies(emulator, chat_ids, text: str) -> list[int]:
    html = broadcasts.breaking_html(text)
    return [[m.text for m in emulator.sent(chat_id)].count(html) for chat_id in chat_ids]


async def test_a_reply_overtakes_a_running_broadcast_without_a_single_429(live_bot, emulator):
    readers = range(3001, 3151)
    add_subscribers(live_bot, readers)
    await send_breaking(emulator, "Talks resume", len(readers))
    await emulator.wait_for_messages(readers[0])
    [reply] = await say(emulator, "/help", chat_id=readers[-1])
    await eventually(lambda: sum(copies(emulator, readers, "Talks resume")) == len(readers), 15)
    assert set(copies(emulator, readers, "Talks resume")) == {1}
    order = emulator.sent()
    html = broadcasts.breaking_html("Talks resume")
    last_breaking = max(i for i, message in enumerate(order) if message.text == html)
    assert order.index(reply) < last_breaking  # it did not queue behind the broadcast
    assert emulator.stats.rate_limited == 0


async def test_a_429_storm_during_a_broadcast_delivers_everything_exactly_once(
    live_bot, emulator, clock
):
    readers = range(4001, 4031)
    add_subscribers(live_bot, readers)

    def storm() -> None:
        emulator.fail_next("sendMessage", status=429, retry_after=1, times=8)

    await send_breaking(emulator, "Storm", len(readers), before_sending=storm)

    def all_delivered() -> bool:
        clock.advance(seconds=1)  # the bot's clock: flood waits of 429'd rows run out
        return min(copies(emulator, readers, "Storm")) >= 1

    await eventually(all_delivered, 15)
    assert set(copies(emulator, readers, "Storm")) == {1}
    assert emulator.stats.rate_limited == 8


def sent_count(engine) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(OutboxMessage.status == "sent")
        return connection.execute(query).scalar_one()


async def start_deliver(database_url: str, emulator) -> asyncio.subprocess.Process:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "ALLOW_PAID_BROADCAST": "false",
        "LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.deliver", cwd=ROOT, env=env
    )


async def test_the_sender_killed_mid_broadcast_loses_nothing_and_repeats_only_in_flight(
    runtime, engine, database_url, emulator
):
    readers = range(5001, 5061)
    add_subscribers(runtime, readers)
    with runtime.session() as session:
        draft = broadcasts.draft(session, admin_user_id=ADMIN, admin_chat_id=ADMIN, text="Kill")
        broadcasts.confirm(session, draft.id, message_id=None, now=utcnow())

    sender = await start_deliver(database_url, emulator)
    while await asyncio.to_thread(sent_count, engine) < 20:
        assert sender.returncode is None, "the sender finished before it could be killed"
        await asyncio.sleep(0.02)
    sender.send_signal(signal.SIGKILL)
    await sender.wait()
    await asyncio.sleep(0.3)  # requests already on the wire land or die
    in_flight = emulator.stats.delivered - await asyncio.to_thread(sent_count, engine)

    restarted = await start_deliver(database_url, emulator)  # takes its rows back at once
    assert await asyncio.wait_for(restarted.wait(), 60) == 0
    counts = copies(emulator, readers, "Kill")
    assert min(counts) == 1  # nothing lost
    assert sum(counts) - len(readers) <= in_flight
    assert emulator.stats.rate_limited == 0
