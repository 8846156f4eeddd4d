"""A newcomer sets up their digest in Telegram: what they type or press is either kept as they
meant it or answered with what to type instead, and the card says when the next digest comes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from digests.runtime import Runtime
from tests.e2e.conftest import bot_settings, run_bot
from tests.e2e.test_bot_e2e import USER, answer_to, button, say
from tests.news import seeds_arrive

CARD_BUTTONS = ("07:00", "08:00", "12:00", "18:00", "21:00")
# Seed headlines: "official" is a word of the second article only, and inside a longer word
# ("officials", "unofficial") of every other one.
PUTIN_STANCE = "Russian President Vladimir Putin has recently articulated a stance"
CALLS = "Calls for a Ukraine ceasefire"


async def subscribed(emulator, chat_id: int = USER):
    await say(emulator, "/subscribe", chat_id=chat_id)
    [card] = await say(emulator, "/settings", chat_id=chat_id)
    return card


async def press(emulator, card, label: str, *, chat_id: int = USER, user_id: int | None = None):
    data = button(card, label)["callback_data"]
    return emulator.user_presses(chat_id, card.message_id, data, user_id=user_id)


@pytest.fixture
async def live_bot(engine, database_url, clock, emulator) -> AsyncIterator[Runtime]:
    """The bot with nothing stored yet: the sample articles come as news once a test's reader
    has subscribed (readers start from now), through `news_arrives`."""
    runtime = Runtime(settings=bot_settings(database_url, emulator), engine=engine, clock=clock)
    async for running in run_bot(runtime):
        yield running


async def news_arrives(runtime: Runtime) -> None:
    await asyncio.to_thread(seeds_arrive, runtime)


async def digest_now(emulator, card) -> str | None:
    query_id = await press(emulator, card, "Send my digest now")
    return (await answer_to(emulator, query_id)).text


async def test_topics_match_whole_words_and_off_clears_them(live_bot, emulator):
    card = await subscribed(emulator)
    [saved] = await say(emulator, "/settings include off")
    assert "Only articles about: anything" in saved.plain_text
    [saved] = await say(emulator, "/settings include Official")
    assert "Only articles about: official" in saved.plain_text
    await news_arrives(live_bot)
    before = len(emulator.sent(USER))
    assert await digest_now(emulator, card) == "Your digest is on its way."
    [digest] = (await emulator.wait_for_messages(USER, before + 1))[before:]
    assert "Your digest: 1 new article" in digest.plain_text
    assert PUTIN_STANCE in digest.plain_text and CALLS not in digest.plain_text


async def test_too_many_or_too_long_topics_are_refused_and_nothing_changes(live_bot, emulator):
    await subscribed(emulator)
    many = ", ".join(f"topic{n}" for n in range(21))
    [refused] = await say(emulator, f"/settings include {many}")
    assert refused.plain_text == "That is 21 topics; 20 at most. Keep the ones that matter most."
    [refused] = await say(emulator, "/settings exclude " + "x" * 41)
    assert "A topic is 40 characters at most" in refused.plain_text
    [card] = await say(emulator, "/settings")
    assert "Only articles about: anything" in card.plain_text
    assert "Never articles about: nothing" in card.plain_text


async def test_time_zones_by_city_in_any_case_and_suggestions_for_slips(live_bot, emulator):
    await subscribed(emulator)
    [saved] = await say(emulator, "/settings timezone europe/berlin")
    assert "every day at 08:00 (Europe/Berlin)" in saved.plain_text
    assert "Next digest: Mon 23 Nov, 08:00 CET" in saved.plain_text
    [saved] = await say(emulator, "/settings tz new york")
    assert "(America/New_York)" in saved.plain_text
    assert "Next digest: Sun 22 Nov, 08:00 EST" in saved.plain_text  # 07:00 there now
    [saved] = await say(emulator, "/settings timezone Kyiv")
    assert "(Europe/Kyiv)" in saved.plain_text
    [slip] = await say(emulator, "/settings timezone Berln")
    assert slip.plain_text == "“Berln” is not a time zone I know. Did you mean Europe/Berlin?"
    [empty] = await say(emulator, "/settings timezone")
    assert empty.plain_text.startswith("Name a time zone or a city, for example")
    [card] = await say(emulator, "/settings")
    assert "(Europe/Kyiv)" in card.plain_text  # refusals changed nothing
    await press(emulator, card, "Berlin")
    redrawn = await emulator.wait_for_edit(USER, card.message_id)
    assert "✓ Berlin" in [b["text"] for b in redrawn.buttons]
    assert "(Europe/Berlin)" in redrawn.plain_text


async def test_empty_quiet_hours_are_refused_and_a_digest_inside_them_is_announced(
    live_bot, emulator
):
    await subscribed(emulator)
    [refused] = await say(emulator, "/settings quiet 07:00-07:00")
    assert refused.plain_text.startswith("Quiet hours from 07:00 to 07:00 hold back nothing")
    [card] = await say(emulator, "/settings quiet 22:00-09:00")
    assert "Quiet hours: 22:00–09:00" in card.plain_text
    assert "08:00 falls in your quiet hours, so the digest arrives at 09:00 instead." in (
        card.plain_text
    )
    assert "Next digest: Mon 23 Nov, 09:00 UTC" in card.plain_text
    [card] = await say(emulator, "/settings time 10:00")
    assert "falls in your quiet hours" not in card.plain_text
    assert "Next digest: Mon 23 Nov, 10:00 UTC" in card.plain_text


async def test_time_buttons_only_for_digests_at_a_time_of_day(live_bot, emulator):
    card = await subscribed(emulator)
    assert {"07:00", "✓ 08:00"} <= {b["text"] for b in card.buttons}
    await press(emulator, card, "Hourly")
    hourly = await emulator.wait_for_edit(USER, card.message_id)
    assert not {b["text"].removeprefix("✓ ") for b in hourly.buttons} & set(CARD_BUTTONS)
    assert "every hour at :00" in hourly.plain_text
    assert "Next digest: Sun 22 Nov, 13:00 UTC" in hourly.plain_text
    await press(emulator, hourly, "Instant")
    instant = await emulator.wait_for_edit(USER, card.message_id, count=2)
    assert not {b["text"].removeprefix("✓ ") for b in instant.buttons} & set(CARD_BUTTONS)
    assert "Next digest: as soon as articles arrive" in instant.plain_text


async def test_an_unknown_setting_lists_the_real_ones_and_help_names_them(live_bot, emulator):
    await subscribed(emulator)
    [reply] = await say(emulator, "/settings bogus 1")
    assert reply.plain_text == (
        "I don't know the setting “bogus”. The settings are: rhythm, time, weekday, timezone, "
        "length, include, exclude, quiet, images, language."
    )
    [saved] = await say(emulator, "/settings weekday fri")
    assert "Saved." in saved.plain_text
    [saved] = await say(emulator, "/settings rhythm Weekly")
    assert "every Friday at 08:00" in saved.plain_text
    assert "Next digest: Fri 27 Nov, 08:00 UTC" in saved.plain_text
    [saved] = await say(emulator, "/settings length LONG")
    assert "Summary length: long" in saved.plain_text
    [help_text] = await say(emulator, "/help")
    settings_line = next(
        line for line in help_text.plain_text.splitlines() if line.startswith("/settings")
    )
    assert "weekday" in settings_line and "length" in settings_line
    assert "/digest" in help_text.plain_text


async def test_send_my_digest_now_then_nothing_new(live_bot, emulator):
    card = await subscribed(emulator)
    await news_arrives(live_bot)
    before = len(emulator.sent(USER))
    assert await digest_now(emulator, card) == "Your digest is on its way."
    [digest] = (await emulator.wait_for_messages(USER, before + 1))[before:]
    assert "Your digest: 5 new articles" in digest.plain_text
    assert await digest_now(emulator, card) == "Nothing new since your last digest."
    [reply] = await say(emulator, "/digest")
    assert reply.plain_text == "Nothing new since your last digest."
    assert len(emulator.sent(USER)) == before + 2  # the digest and that answer only


async def test_send_now_acts_only_for_the_pressing_chat_and_its_admins(live_bot, emulator):
    card = await subscribed(emulator)
    stranger = 2002
    [own] = await say(emulator, "/start", chat_id=stranger)
    data = button(card, "Send my digest now")["callback_data"]
    query_id = emulator.user_presses(stranger, own.message_id, data, forged=True)
    answer = await answer_to(emulator, query_id)
    assert answer.text == "You are not subscribed yet: /subscribe starts digests."
    group = -600
    emulator.set_chat_admins(group, [7])
    await say(emulator, "/subscribe", chat_id=group, user_id=7, chat_type="group")
    [group_card] = await say(emulator, "/settings", chat_id=group, user_id=8, chat_type="group")
    query_id = await press(emulator, group_card, "Send my digest now", chat_id=group, user_id=8)
    answer = await answer_to(emulator, query_id)
    assert answer.text == "Only the chat's administrators can change its digest."
    assert len(emulator.sent(USER)) == 2 and len(emulator.sent(group)) == 2  # no digest
