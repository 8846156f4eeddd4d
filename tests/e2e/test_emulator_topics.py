"""The emulator's forums, as python-telegram-bot sees them over HTTP: topics, their messages,
and Telegram's refusal of a send to a topic that is not there."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from tests.e2e.emulator import DEFAULT_TOKEN, BotApiEmulator

FORUM = -1001234500001
GROUP = -1001234500002  # a supergroup without topics
NOT_FOUND = r"(?i)message thread not found"


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=emulator.base_url) as bot:
        yield bot


async def test_a_message_in_a_topic_names_it_and_answers_its_opening(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.make_forum(FORUM, title="Newsroom")
    topic = emulator.create_topic(FORUM, "Ceasefire")
    emulator.user_sends(FORUM, "/latest", user_id=7, message_thread_id=topic)
    emulator.user_sends(FORUM, "in the general chat", user_id=7)

    [opened, in_topic, general] = [u.message for u in await bot.get_updates(timeout=0)]

    assert opened.forum_topic_created.name == "Ceasefire"
    assert opened.message_thread_id == opened.message_id == topic
    assert in_topic.chat.is_forum and in_topic.is_topic_message
    assert in_topic.message_thread_id == topic
    assert in_topic.reply_to_message.forum_topic_created.name == "Ceasefire"
    assert general.message_thread_id is None and not general.is_topic_message
    assert general.reply_to_message is None


async def test_sending_to_a_topic_is_recorded_and_read_back_with_it(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.make_forum(FORUM)
    topic = emulator.create_topic(FORUM, "Markets")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])

    sent = await bot.send_message(FORUM, "prices", message_thread_id=topic, reply_markup=markup)
    emulator.user_presses(FORUM, sent.message_id, "more", user_id=7)
    [_opened, press] = await bot.get_updates(timeout=0)

    assert emulator.sent(FORUM)[0].message_thread_id == topic
    assert sent.is_topic_message and sent.message_thread_id == topic
    assert press.callback_query.message.message_thread_id == topic
    assert press.callback_query.message.is_topic_message


async def test_a_deleted_topic_takes_its_messages_and_refuses_sends(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.make_forum(FORUM)
    topic = emulator.create_topic(FORUM, "Markets")
    sent = await bot.send_message(FORUM, "prices", message_thread_id=topic)

    emulator.delete_topic(FORUM, topic)

    assert emulator.sent(FORUM)[0].deleted
    with pytest.raises(BadRequest, match=NOT_FOUND):
        await bot.send_message(FORUM, "again", message_thread_id=topic)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("edited", FORUM, sent.message_id)
    with pytest.raises(LookupError):  # a user cannot write in it either: a test bug
        emulator.user_sends(FORUM, "hello?", message_thread_id=topic)
    assert (await bot.send_message(FORUM, "to the general chat")).message_thread_id is None


async def test_topics_turned_off_refuse_every_thread_until_they_are_back(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.make_forum(FORUM)
    topic = emulator.create_topic(FORUM, "Markets")

    emulator.set_topics(FORUM, enabled=False)
    with pytest.raises(BadRequest, match=NOT_FOUND):
        await bot.send_message(FORUM, "prices", message_thread_id=topic)
    assert (await bot.get_chat(FORUM)).is_forum is not True
    emulator.set_topics(FORUM, enabled=True)

    assert (await bot.send_message(FORUM, "prices", message_thread_id=topic)).is_topic_message


async def test_without_topics_a_reply_has_a_thread_that_is_no_topic(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    question = emulator.user_sends(GROUP, "what's new?", user_id=7)
    emulator.user_sends(GROUP, "/latest", user_id=8, reply_to_message_id=question["message_id"])
    [_question, reply] = [u.message for u in await bot.get_updates(timeout=0)]

    assert reply.message_thread_id == question["message_id"]  # the reply chain's first
    assert not reply.is_topic_message
    for thread in (reply.message_thread_id, 1):  # nor is the general chat's id 1 one
        with pytest.raises(BadRequest, match=NOT_FOUND):
            await bot.send_message(GROUP, "answer", message_thread_id=thread)


async def test_in_a_forum_a_reply_inside_a_topic_stays_in_it(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.make_forum(FORUM)
    topic = emulator.create_topic(FORUM, "Markets")
    first = emulator.user_sends(FORUM, "prices?", user_id=7, message_thread_id=topic)
    emulator.user_sends(FORUM, "up", user_id=8, reply_to_message_id=first["message_id"])
    general = emulator.user_sends(FORUM, "hi", user_id=7)
    emulator.user_sends(FORUM, "hello", user_id=8, reply_to_message_id=general["message_id"])
    updates = await bot.get_updates(timeout=0)
    in_topic, in_general = updates[2].message, updates[4].message

    assert (in_topic.message_thread_id, in_topic.is_topic_message) == (topic, True)
    assert in_topic.reply_to_message.text == "prices?"
    assert in_general.message_thread_id == general["message_id"]
    assert not in_general.is_topic_message
