"""Admins push breaking updates; everyone else is refused; /stats reports the figures."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from digests.ingest.seeding import ingest_seeds
from digests.runtime import Runtime
from digests.store.tables import Chat, OutboxMessage
from tests.e2e.conftest import bot_settings, run_bot
from tests.e2e.test_bot_e2e import answer_to, eventually, say

ADMIN = 900
READERS = (2001, 2002, 2003)


async def subscribe_readers(emulator) -> None:
    for chat_id in READERS:
        [reply] = await say(emulator, "/subscribe", chat_id=chat_id)
        assert "Subscribed" in reply.plain_text


async def test_breaking_update_preview_send_progress_and_blocked_reader(live_bot, emulator):
    await subscribe_readers(emulator)
    emulator.block_chat(2002)
    [preview] = await say(emulator, "/breaking Ceasefire <signed> & sealed", chat_id=ADMIN)
    assert "Preview — this goes to 3 subscribers" in preview.plain_text
    assert "Ceasefire <signed> & sealed" in preview.plain_text
    assert not any("Breaking" in m.plain_text for c in READERS for m in emulator.sent(c))

    send = next(b for b in preview.buttons if b["text"].startswith("Send to 3"))
    emulator.user_presses(ADMIN, preview.message_id, send["callback_data"], user_id=ADMIN)
    for chat_id in (2001, 2003):
        messages = await emulator.wait_for_messages(chat_id, 2)
        assert messages[-1].plain_text.startswith("Breaking")
    final = await eventually_edited(emulator, preview.message_id, "Sent")
    assert "2 / 3 sent, 1 failed" in final.plain_text
    with live_bot.session() as session:
        assert session.get(Chat, 2002).active is False


async def eventually_edited(emulator, message_id: int, word: str):
    def shows_word() -> bool:
        record = next(m for m in emulator.sent(ADMIN) if m.message_id == message_id)
        return word in record.plain_text

    await eventually(shows_word, timeout=10)
    return next(m for m in emulator.sent(ADMIN) if m.message_id == message_id)


async def test_strangers_cannot_broadcast_or_see_stats(live_bot, emulator):
    await subscribe_readers(emulator)
    [refusal] = await say(emulator, "/breaking Fake news", chat_id=2001)
    assert "only the bot's administrators" in refusal.plain_text
    [stats] = await say(emulator, "/stats", chat_id=2001)
    assert "only the bot's administrators" in stats.plain_text
    with live_bot.session() as session:
        assert session.exec(select(OutboxMessage)).all() == []


async def test_admin_can_cancel_before_sending(live_bot, emulator):
    await subscribe_readers(emulator)
    [preview] = await say(emulator, "/breaking Never mind", chat_id=ADMIN)
    cancel = next(b for b in preview.buttons if b["text"] == "Cancel")
    emulator.user_presses(ADMIN, preview.message_id, cancel["callback_data"], user_id=ADMIN)
    edited = await emulator.wait_for_edit(ADMIN, preview.message_id)
    assert "Cancelled" in edited.plain_text
    assert all(len(emulator.sent(chat_id)) == 1 for chat_id in READERS)


async def test_send_on_a_cancelled_preview_sends_nothing_and_says_so(live_bot, emulator):
    await subscribe_readers(emulator)
    [preview] = await say(emulator, "/breaking Never mind", chat_id=ADMIN)
    cancel, send = (
        next(b for b in preview.buttons if b["text"].startswith(word)) for word in ("Canc", "Send")
    )
    emulator.user_presses(ADMIN, preview.message_id, cancel["callback_data"], user_id=ADMIN)
    edited = await emulator.wait_for_edit(ADMIN, preview.message_id)
    assert "Cancelled before it was sent: nobody got it." in edited.plain_text
    assert "0 / 0" not in edited.plain_text
    # A stale Send (a double tap, or a client showing the old buttons) queues nothing.
    pressed = emulator.user_presses(
        ADMIN, preview.message_id, send["callback_data"], user_id=ADMIN, forged=True
    )
    answer = await answer_to(emulator, pressed)
    assert answer.text is not None and "cancelled before it was sent" in answer.text
    assert answer.text != "Queued."
    await asyncio.sleep(1.5)  # a drain or two
    assert all(len(emulator.sent(chat_id)) == 1 for chat_id in READERS)
    with live_bot.session() as session:
        assert session.exec(select(OutboxMessage)).all() == []


async def test_stats_for_admins(live_bot, emulator):
    await subscribe_readers(emulator)
    [stats] = await say(emulator, "/stats", chat_id=ADMIN)
    assert "Subscribers: 3 active, 0 inactive" in stats.plain_text
    assert "Articles: 5" in stats.plain_text
    assert "Delivered in the last 5 minutes: 0 (0.0 messages/s)" in stats.plain_text


async def test_stats_count_a_few_deliveries_instead_of_rounding_them_to_zero(live_bot, emulator):
    await subscribe_readers(emulator)
    [preview] = await say(emulator, "/breaking Three readers", chat_id=ADMIN)
    send = next(b for b in preview.buttons if b["text"].startswith("Send to 3"))
    emulator.user_presses(ADMIN, preview.message_id, send["callback_data"], user_id=ADMIN)
    await eventually_edited(emulator, preview.message_id, "Sent")
    [stats] = await say(emulator, "/stats", chat_id=ADMIN)
    assert "Delivered in the last 5 minutes: 3 (0.01 messages/s)" in stats.plain_text


async def test_admin_commands_are_listed_only_for_admins(live_bot, emulator):
    registrations = [
        params
        for method, params in emulator.requests
        if method == "setMyCommands" and "language_code" not in params
    ]
    [public] = [p for p in registrations if "scope" not in p]
    [for_admin] = [p for p in registrations if "scope" in p]
    assert "breaking" not in public["commands"] and "stats" not in public["commands"]
    assert "breaking" in for_admin["commands"] and str(ADMIN) in for_admin["scope"]
    [help_for_reader] = await say(emulator, "/help", chat_id=2001)
    assert "/breaking" not in help_for_reader.plain_text
    [help_for_admin] = await say(emulator, "/help", chat_id=ADMIN)
    assert "/breaking" in help_for_admin.plain_text


async def test_a_breaking_update_leaves_within_seconds_not_at_the_next_tick(
    engine, database_url, clock, emulator
):
    settings = bot_settings(database_url, emulator, scheduler_tick_seconds=3600)
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    await asyncio.to_thread(ingest_seeds, runtime)
    async for _ in run_bot(runtime):
        [subscribed] = await say(emulator, "/subscribe", chat_id=2001)
        assert "Subscribed" in subscribed.plain_text
        await asyncio.sleep(1.5)  # the first tick (at 1 s) is over; the next is an hour away
        [preview] = await say(emulator, "/breaking Talks resume", chat_id=ADMIN)
        send = next(b for b in preview.buttons if b["text"].startswith("Send to 1"))
        emulator.user_presses(ADMIN, preview.message_id, send["callback_data"], user_id=ADMIN)
        messages = await emulator.wait_for_messages(2001, 2, timeout=5)
        assert messages[-1].plain_text.startswith("Breaking")
