"""Through Telegram: forged buttons, numbers past the database's and strangers at admin buttons
each get a polite answer, and the bot keeps answering afterwards."""

from __future__ import annotations

from sqlmodel import select

from bot.router import OUT_OF_DATE, REFUSAL
from digests.store.tables import Broadcast, OutboxMessage
from tests.e2e.test_admin_e2e import ADMIN, subscribe_readers
from tests.e2e.test_bot_e2e import USER, answer_to, say

HUGE = "99999999999999999999"
FORGED = [
    "sum:²",
    f"latest:{HUGE}",
    f"read:{HUGE}",
    f"actor:1:{HUGE}",
    "follow:on:²",
    "set:weekday:²",
    f"sum:{2**31}",
    "brk",
]


async def test_forged_buttons_are_answered_politely_and_the_bot_carries_on(live_bot, emulator):
    [latest] = await say(emulator, "/latest")
    for data in FORGED:
        query_id = emulator.user_presses(USER, latest.message_id, data, forged=True)
        answer = await answer_to(emulator, query_id)
        assert answer.text == OUT_OF_DATE, data
    assert len(emulator.sent(USER)) == 1  # no "something went wrong", no stray message
    emulator.user_presses(USER, latest.message_id, latest.buttons[0]["callback_data"])
    [_, summary] = await emulator.wait_for_messages(USER, 2)
    assert "Short" in " ".join(b["text"] for b in summary.buttons)


async def test_numbers_past_the_database_get_an_answer(live_bot, emulator):
    [reply] = await say(emulator, f"/summary {HUGE}")
    assert reply.plain_text == f"There is no story #{HUGE}. See /latest for the list."
    [reply] = await say(emulator, "/summary ²")
    assert reply.plain_text == "No article title matches “²”. See /latest for the list."
    [reply] = await say(emulator, f"/removefeed {HUGE}", chat_id=ADMIN)
    assert reply.plain_text == f"I have no feed “{HUGE}”. /feeds lists them with numbers."


async def test_a_long_query_comes_back_short(live_bot, emulator):
    [reply] = await say(emulator, "/summary " + "ceasefire" * 450)
    assert reply.plain_text.startswith("No article title matches “ceasefire")
    assert len(reply.plain_text) < 200


async def test_a_stranger_forging_an_admins_send_button_is_refused(live_bot, emulator):
    await subscribe_readers(emulator)
    [preview] = await say(emulator, "/breaking Fake news", chat_id=ADMIN)
    send = next(b for b in preview.buttons if b["text"].startswith("Send"))
    [own] = await say(emulator, "/start", chat_id=USER)
    query_id = emulator.user_presses(USER, own.message_id, send["callback_data"], forged=True)
    answer = await answer_to(emulator, query_id)
    assert (answer.text, answer.show_alert) == (REFUSAL, True)
    with live_bot.session() as session:
        assert session.exec(select(OutboxMessage)).all() == []
        assert session.exec(select(Broadcast)).one().status == "draft"
