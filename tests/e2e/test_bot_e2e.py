"""A user talks to the real bot over HTTP through the Bot API emulator."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

from sqlmodel import select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.store.tables import Article, OutboxMessage
from tests.news import arrive, event, events

USER = 1001


async def say(emulator, text: str, *, chat_id: int = USER, expect: int = 1, **kwargs):
    before = len(emulator.sent(chat_id))
    emulator.user_sends(chat_id, text, **kwargs)
    messages = await emulator.wait_for_messages(chat_id, before + expect)
    return messages[before:]


async def eventually(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await asyncio.to_thread(condition):
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def answer_to(emulator, query_id: str):
    """The bot's answer to one button press (its notice), once it came."""

    def answered() -> bool:
        return any(a.callback_query_id == query_id for a in emulator.callback_answers)

    await eventually(answered)
    return next(a for a in emulator.callback_answers if a.callback_query_id == query_id)


def button(message, text_part: str) -> dict:
    return next(b for b in message.buttons if text_part in b["text"])


async def test_start_registers_commands_and_welcomes(live_bot, emulator):
    [welcome] = await say(emulator, "/start")
    assert "No time to read? Get a summary." in welcome.plain_text
    assert welcome.parse_mode == "HTML"
    registered = {c["command"] for c in emulator.commands}
    assert {"start", "help", "latest", "summary", "actor", "subscribe", "settings"} <= registered


async def test_latest_lists_the_seed_articles_with_summary_buttons(live_bot, emulator):
    [latest] = await say(emulator, "/latest")
    assert "Calls for a Ukraine ceasefire: Western diplomacy and Russian terms" in latest.plain_text
    assert "Diplomatic Efforts Intensify Amid Ceasefire Hope" in latest.plain_text
    summary_buttons = [b for b in latest.buttons if b["text"].startswith("Get a summary")]
    assert len(summary_buttons) == 5
    assert all(len(b["callback_data"].encode()) <= 64 for b in latest.buttons)


async def test_summary_button_then_length_switch_edits_in_place(live_bot, emulator):
    [latest] = await say(emulator, "/latest")
    first = button(latest, "Get a summary")
    before = len(emulator.sent(USER))
    emulator.user_presses(USER, latest.message_id, first["callback_data"])
    [summary] = (await emulator.wait_for_messages(USER, before + 1))[before:]
    assert summary.plain_text.count("•") == 2  # short: two sentences
    longer = button(summary, "Long")
    emulator.user_presses(USER, summary.message_id, longer["callback_data"])
    edited = await emulator.wait_for_edit(USER, summary.message_id)
    assert edited.plain_text.count("•") == 5
    assert "✓ Long" in [b["text"] for b in edited.buttons]


async def test_summary_by_number_is_extractive(live_bot, emulator):
    with live_bot.session() as session:
        article = session.exec(select(Article).order_by(Article.id).offset(2)).first()
    [reply] = await say(emulator, f"/summary {article.story_id}")  # its story's number
    assert reply.plain_text.startswith(f"#{article.story_id} {article.title}\n")
    sentences = [line[2:] for line in reply.plain_text.splitlines() if line.startswith("• ")]
    assert sentences and all(s in article.text for s in sentences)


async def test_actor_shows_statements_across_spellings(live_bot, emulator):
    [putin] = await say(emulator, "/actor putin")
    assert "Putin" in putin.plain_text
    assert "Statements" in putin.plain_text
    [zelensky] = await say(emulator, "/actor Selenskyj")
    assert re.search(r"Zelensk", zelensky.plain_text)
    [in_cyrillic] = await say(emulator, "/actor Зеленский")
    assert "Volodymyr Zelenskyy" in in_cyrillic.plain_text
    assert "Selenskyj" not in in_cyrillic.plain_text.splitlines()[0]


async def test_unknown_command_points_to_help(live_bot, emulator):
    [reply] = await say(emulator, "/frobnicate now")
    assert "/help" in reply.plain_text


async def test_subscribe_then_the_digest_arrives_once(live_bot, emulator, clock):
    [reply] = await say(emulator, "/subscribe")
    assert "Subscribed" in reply.plain_text
    before = len(emulator.sent(USER))
    await asyncio.to_thread(arrive, live_bot, [replace(raw, url=None) for raw in events(0, 5)])
    clock.advance(days=1)
    [digest] = (await emulator.wait_for_messages(USER, before + 1))[before:]
    assert "Your digest: 5 new articles" in digest.plain_text  # the news, not the seeds before

    def statuses():
        with live_bot.session() as session:
            return [row.status for row in session.exec(select(OutboxMessage)).all()]

    await eventually(lambda: statuses() == ["sent"])
    await asyncio.sleep(1.0)  # five more ticks: nothing is sent twice
    assert len(emulator.sent(USER)) == before + 1
    assert digest.link_preview_options == {"is_disabled": True}
    read_buttons = [b for b in digest.buttons if b["text"].startswith("Read: ")]
    assert len(read_buttons) == 5
    emulator.user_presses(USER, digest.message_id, read_buttons[0]["callback_data"])
    [full_text] = (await emulator.wait_for_messages(USER, before + 2))[before + 1 :]
    assert event(0).text in full_text.plain_text


async def test_a_failure_tells_the_user_without_internals(live_bot, emulator):
    emulator.fail_next("sendMessage", status=500, description="Internal Server Error", times=1)
    [reply] = await say(emulator, "/latest")
    assert (
        reply.plain_text == "Sorry, something went wrong on my side. Please try again in a moment."
    )


async def test_article_text_that_would_break_telegram_html_is_escaped(live_bot, emulator):
    hostile = RawArticle(
        text="Markets & <b>unclosed tags <i> and a stray < sign. " * 10,
        title="AT&T <script> & Co: 3 < 4",
        url="https://news.example/a?x=1&y=<2>",
    )
    with live_bot.session() as session:
        source = ensure_source(
            session, kind="feed", url="https://news.example/feed", title="<News>"
        )
        ingest_batch(session, prepare_batch([hostile]), source=source)
    [latest] = await say(emulator, "/latest")
    assert "AT&T <script> & Co: 3 < 4" in latest.plain_text
    summary_button = button(latest, "Get a summary: AT&T")
    before = len(emulator.sent(USER))
    emulator.user_presses(USER, latest.message_id, summary_button["callback_data"])
    [summary] = (await emulator.wait_for_messages(USER, before + 1))[before:]
    assert "Markets & <b>unclosed tags" in summary.plain_text


async def test_follow_an_actor_from_the_profile_and_see_it_in_settings(live_bot, emulator):
    await say(emulator, "/subscribe")
    [profile] = await say(emulator, "/actor Rubio")
    follow_button = button(profile, "Follow")
    emulator.user_presses(USER, profile.message_id, follow_button["callback_data"])
    edited = await emulator.wait_for_edit(USER, profile.message_id)
    assert "Unfollow" in [b["text"] for b in edited.buttons]
    [settings] = await say(emulator, "/settings")
    assert "Following: Marco Rubio" in settings.plain_text
    emulator.user_presses(USER, settings.message_id, button(settings, "Unfollow")["callback_data"])
    redrawn = await emulator.wait_for_edit(USER, settings.message_id)
    assert "Following: nobody" in redrawn.plain_text


async def test_in_groups_only_chat_admins_change_the_subscription(live_bot, emulator):
    group = -500
    emulator.set_chat_admins(group, [7])
    [refused] = await say(
        emulator, "/subscribe", chat_id=group, user_id=8, chat_type="group", chat_title="Readers"
    )
    assert "Only the chat's administrators" in refused.plain_text
    [accepted] = await say(emulator, "/subscribe", chat_id=group, user_id=7, chat_type="group")
    assert "Subscribed" in accepted.plain_text
    [latest] = await say(emulator, "/latest", chat_id=group, user_id=8, chat_type="group")
    assert "Latest articles" in latest.plain_text


async def test_a_channel_where_the_bot_is_admin_can_subscribe(live_bot, emulator):
    channel = -1009999
    before = len(emulator.sent(channel))
    emulator.add_channel_post(channel, "/subscribe", chat_title="News channel")
    [reply] = (await emulator.wait_for_messages(channel, before + 1))[before:]
    assert "Subscribed" in reply.plain_text
