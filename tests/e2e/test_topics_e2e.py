"""Forum topics, end to end: a group subscribes one of its topics, and everything the bot says
goes where it belongs, falling back to the general chat (once said) when the topic is gone."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from digests.delivery.outbox import TOPIC_GONE
from digests.store.tables import Subscription
from tests.e2e.test_bot_e2e import button, say
from tests.e2e.test_delivery_e2e import send_breaking
from tests.news import arrive, event_title, events

FORUM = -1001234500001
ADMIN_HERE = 7  # the group's admin: may subscribe it
READER = 8


async def new_messages(emulator, before: int, count: int = 1, chat_id: int = FORUM):
    return (await emulator.wait_for_messages(chat_id, before + count))[before:]


async def in_topic(emulator, text: str, topic: int | None, *, user_id: int = ADMIN_HERE, **kw):
    """`text` written in a topic of the forum (None: its general chat); the bot's answer."""
    return await say(emulator, text, chat_id=FORUM, user_id=user_id, message_thread_id=topic, **kw)


def forum(emulator, *topics: str) -> list[int]:
    emulator.make_forum(FORUM, title="Newsroom")
    emulator.set_chat_admins(FORUM, [ADMIN_HERE])
    return [emulator.create_topic(FORUM, name) for name in topics]


def topic_of_subscription(runtime) -> int | None:
    with runtime.session() as session:
        return session.exec(select(Subscription.message_thread_id)).one()


async def news(runtime, first: int, count: int) -> None:
    """Articles that arrive after the group subscribed: what its next digest brings."""
    await asyncio.to_thread(arrive, runtime, events(first, count))


async def test_subscribing_in_a_topic_brings_digests_and_breaking_updates_there(
    live_bot, emulator, clock
):
    [talks] = forum(emulator, "Talks")
    [subscribed] = await in_topic(emulator, "/subscribe", talks)
    assert "Subscribed" in subscribed.plain_text and "in this topic" in subscribed.plain_text
    assert subscribed.message_thread_id == talks

    before = len(emulator.sent(FORUM))
    await news(live_bot, 0, 5)
    clock.advance(days=1)
    [digest] = await new_messages(emulator, before)
    assert "Your digest: 5 new articles" in digest.plain_text
    assert digest.message_thread_id == talks

    await send_breaking(emulator, "Talks resume", 1)
    [breaking] = await new_messages(emulator, before + 1)
    assert "Talks resume" in breaking.plain_text
    assert breaking.message_thread_id == talks


async def test_commands_and_buttons_in_a_topic_are_answered_in_it(live_bot, emulator):
    [talks] = forum(emulator, "Talks")
    [latest] = await in_topic(emulator, "/latest", talks, user_id=READER)
    assert latest.message_thread_id == talks
    assert "Calls for a Ukraine ceasefire" in latest.plain_text

    before = len(emulator.sent(FORUM))
    pressed = button(latest, "Get a summary")["callback_data"]
    emulator.user_presses(FORUM, latest.message_id, pressed, user_id=READER)
    [summary] = await new_messages(emulator, before)
    assert summary.message_thread_id == talks and "•" in summary.plain_text
    emulator.user_presses(FORUM, summary.message_id, button(summary, "Long")["callback_data"])
    edited = await emulator.wait_for_edit(FORUM, summary.message_id)  # in place, in its topic
    assert edited.message_thread_id == talks and len(emulator.sent(FORUM)) == before + 1

    [unknown] = await in_topic(emulator, "/frobnicate", talks, user_id=READER)
    assert unknown.message_thread_id == talks and "/help" in unknown.plain_text
    # In a topic every message comes as a reply to the topic's opening: that is no reply to
    # summarize, so /summary alone answers as it does in the general chat.
    bare_in_topic = await in_topic(emulator, "/summary", talks, user_id=READER, expect=2)
    bare_in_general = await in_topic(emulator, "/summary", None, user_id=READER, expect=2)
    assert [m.plain_text for m in bare_in_topic] == [m.plain_text for m in bare_in_general]
    assert bare_in_topic[0].plain_text.startswith("Send /summary followed by")
    assert {m.message_thread_id for m in bare_in_general} == {None}


async def test_subscribe_in_another_topic_moves_the_digests_there(live_bot, emulator, clock):
    talks, markets = forum(emulator, "Talks", "Markets")
    await in_topic(emulator, "/subscribe", talks)
    [moved] = await in_topic(emulator, "/subscribe", markets)
    assert moved.plain_text.startswith("Moved: digests now come to this topic")
    assert moved.message_thread_id == markets

    [here] = await in_topic(emulator, "/settings", markets, user_id=READER)
    assert "Digests go to this topic" in here.plain_text
    [elsewhere] = await in_topic(emulator, "/settings", talks, user_id=READER)
    assert "Digests go to the topic where /subscribe was sent" in elsewhere.plain_text
    link = f"https://t.me/c/1234500001/{markets}"
    assert link in [entity.get("url") for entity in elsewhere.entities]

    before = len(emulator.sent(FORUM))
    await news(live_bot, 0, 1)
    clock.advance(days=1)
    [digest] = await new_messages(emulator, before)
    assert "Your digest" in digest.plain_text and digest.message_thread_id == markets

    [back] = await in_topic(emulator, "/subscribe", None)
    assert "to the general chat" in back.plain_text and back.message_thread_id is None
    assert topic_of_subscription(live_bot) is None


async def test_a_deleted_topic_sends_digests_to_the_general_chat_saying_so_once(
    live_bot, emulator, clock
):
    [talks] = forum(emulator, "Talks")
    await in_topic(emulator, "/subscribe", talks)
    emulator.delete_topic(FORUM, talks)

    before = len(emulator.sent(FORUM))
    await news(live_bot, 0, 5)
    clock.advance(days=1)
    notice, digest = await new_messages(emulator, before, 2)
    assert notice.plain_text == TOPIC_GONE
    assert "Your digest: 5 new articles" in digest.plain_text
    assert topic_of_subscription(live_bot) is None

    await news(live_bot, 5, 1)
    clock.advance(days=1)
    [second] = await new_messages(emulator, before + 2)
    assert event_title(5) in second.plain_text
    arrived = emulator.sent(FORUM)[before:]
    assert [m.plain_text for m in arrived].count(TOPIC_GONE) == 1
    assert {m.message_thread_id for m in arrived} == {None}
    [settings] = await in_topic(emulator, "/settings", None, user_id=READER)
    assert "Digests go to the general chat" in settings.plain_text


async def test_topics_turned_off_bring_breaking_updates_to_the_group_saying_so(live_bot, emulator):
    [talks] = forum(emulator, "Talks")
    await in_topic(emulator, "/subscribe", talks)
    emulator.set_topics(FORUM, enabled=False)

    before = len(emulator.sent(FORUM))
    await send_breaking(emulator, "Talks resume", 1)
    breaking, notice = await new_messages(emulator, before, 2)  # breaking news goes first
    assert "Talks resume" in breaking.plain_text and notice.plain_text == TOPIC_GONE
    assert {breaking.message_thread_id, notice.message_thread_id} == {None}


async def test_a_group_without_topics_gets_everything_in_the_chat(live_bot, emulator, clock):
    group = -1001234500002
    emulator.set_chat_admins(group, [ADMIN_HERE])
    [welcome] = await say(emulator, "/start", chat_id=group, user_id=ADMIN_HERE)
    # A reply carries its reply chain as a message_thread_id, which is no topic to answer in.
    [subscribed] = await say(
        emulator,
        "/subscribe",
        chat_id=group,
        user_id=ADMIN_HERE,
        reply_to_message_id=welcome.message_id,
    )
    assert subscribed.plain_text.startswith("Subscribed. You will get a digest every day")
    assert "topic" not in subscribed.plain_text
    [settings] = await say(emulator, "/settings", chat_id=group, user_id=ADMIN_HERE)
    assert "Digests go to" not in settings.plain_text

    before = len(emulator.sent(group))
    await news(live_bot, 0, 1)
    clock.advance(days=1)
    [digest] = await new_messages(emulator, before, chat_id=group)
    assert "Your digest" in digest.plain_text
    assert emulator.stats.errors[400] == 0
    assert {m.message_thread_id for m in emulator.sent(group)} == {None}
