"""Several users at once through the real bot: nobody waits for another's slow link or long
extraction, one chat's messages are answered in order, one heavy request per user at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from sqlmodel import Session, select

from digests.ingest.seeding import ingest_seeds
from digests.runtime import Runtime
from digests.store.tables import Subscription
from digests.work import CpuPool
from tests.e2e.conftest import bot_settings, run_bot
from tests.e2e.test_bot_e2e import say
from tests.ingest import test_polling
from tests.ingest.test_polling import article_page, item, rss, story_title

site = test_polling.site
loopback_only = test_polling.loopback_only

ADMIN = 900  # an admin in bot_settings
SLOW = 3001  # the user whose link hangs
OTHERS = (3002, 3003, 3004)
STILL_WORKING = "I'm still working on your last link."


class HeldCpu(CpuPool):
    """The worker pool with a brake: every job waits until the test lets go, so "an
    extraction is under way" lasts exactly as long as the test needs it to."""

    def __init__(self) -> None:
        super().__init__(processes=1)
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def run(self, function, *args, **kwargs):
        self.started.set()
        await self.release.wait()
        return await asyncio.to_thread(function, *args, **kwargs)


async def intranet_runtime(engine, database_url, clock, emulator, **fields) -> Runtime:
    settings = bot_settings(database_url, emulator, allow_private_urls=True)
    runtime = Runtime(settings=settings, engine=engine, clock=clock, **fields)
    await asyncio.to_thread(ingest_seeds, runtime)
    return runtime


@pytest.fixture
async def intranet_bot(engine, database_url, clock, emulator) -> AsyncIterator[Runtime]:
    runtime = await intranet_runtime(engine, database_url, clock, emulator)
    async for running in run_bot(runtime):
        yield running


@pytest.fixture
async def held_extraction(engine, database_url, clock, emulator) -> AsyncIterator[HeldCpu]:
    held = HeldCpu()
    runtime = await intranet_runtime(engine, database_url, clock, emulator, cpu=held)
    async for _running in run_bot(runtime):
        yield held
    held.release.set()


class Hanging:
    """A page whose server does not answer until the test lets it."""

    def __init__(self, site, path: str, n: int, *, feed: bool = False) -> None:
        self.answer = asyncio.Event()
        self.asked = asyncio.Event()
        self.body = rss(item(n)) if feed else article_page(n)
        self.content_type = "application/rss+xml" if feed else "text/html"
        self.url = site.route(path, self._handle)

    async def _handle(self, _request: web.Request) -> web.Response:
        self.asked.set()
        await self.answer.wait()
        return web.Response(text=self.body, content_type=self.content_type)


async def others_are_answered(emulator) -> None:
    """Three other users ask at once; each gets their own answer."""
    asks = {OTHERS[0]: "/latest", OTHERS[1]: "/actor Putin", OTHERS[2]: "/start"}
    replies = await asyncio.gather(
        *(say(emulator, text, chat_id=chat) for chat, text in asks.items())
    )
    [latest], [putin], [welcome] = replies
    assert "Latest articles" in latest.plain_text
    assert "Putin" in putin.plain_text
    assert "No time to read? Get a summary." in welcome.plain_text


async def test_others_are_answered_while_one_users_link_hangs(intranet_bot, emulator, site):
    hanging = Hanging(site, "/story/7", 7)
    emulator.user_sends(SLOW, f"/summary {hanging.url}")
    await asyncio.wait_for(hanging.asked.wait(), 10)
    await others_are_answered(emulator)
    assert emulator.sent(SLOW) == []  # still hanging: the others did not wait for it
    hanging.answer.set()
    [summary] = await emulator.wait_for_messages(SLOW, 1)
    assert summary.plain_text.startswith(story_title(7))


async def test_others_are_answered_while_an_admins_feed_hangs(intranet_bot, emulator, site):
    hanging = Hanging(site, "/feed.xml", 12, feed=True)
    emulator.user_sends(ADMIN, f"/addfeed {hanging.url}")
    await asyncio.wait_for(hanging.asked.wait(), 10)
    await others_are_answered(emulator)
    assert emulator.sent(ADMIN) == []
    hanging.answer.set()
    [added] = await emulator.wait_for_messages(ADMIN, 1)
    assert "Feed added" in added.plain_text


async def test_the_user_with_a_slow_link_is_answered_meanwhile(intranet_bot, emulator, site):
    hanging = Hanging(site, "/story/8", 8)
    emulator.user_sends(SLOW, hanging.url)
    await asyncio.wait_for(hanging.asked.wait(), 10)
    [latest] = await say(emulator, "/latest", chat_id=SLOW)
    assert "Latest articles" in latest.plain_text
    hanging.answer.set()
    summary = (await emulator.wait_for_messages(SLOW, 2))[1]
    assert summary.plain_text.startswith(story_title(8))


async def test_a_second_link_meanwhile_gets_still_working(intranet_bot, emulator, site):
    hanging = Hanging(site, "/story/9", 9)
    other = site.put("/story/10", article_page(10), "text/html")
    emulator.user_sends(SLOW, hanging.url)
    await asyncio.wait_for(hanging.asked.wait(), 10)
    [busy] = await say(emulator, f"/summary {other}", chat_id=SLOW)
    assert busy.plain_text.startswith(STILL_WORKING)
    assert site.hits["/story/10"] == 0
    hanging.answer.set()
    first = (await emulator.wait_for_messages(SLOW, 2))[1]
    assert first.plain_text.startswith(story_title(9))
    [second] = await say(emulator, other, chat_id=SLOW)  # free again once the first is done
    assert second.plain_text.startswith(story_title(10))


async def test_one_chats_messages_are_answered_in_order(live_bot, emulator):
    asks = ["/start", "/subscribe", "/settings", "/latest", "/unsubscribe", "/help"]
    for text in asks:
        emulator.user_sends(OTHERS[0], text)
    replies = await emulator.wait_for_messages(OTHERS[0], len(asks))
    expected = [
        "No time to read?",
        "Subscribed",
        "Digest settings",
        "Latest articles",
        "Unsubscribed",
        "What I can do",
    ]
    texts = [reply.plain_text for reply in replies]
    assert all(part in text for part, text in zip(expected, texts, strict=True)), texts


async def test_a_long_extraction_holds_no_lock_on_the_database(
    held_extraction, emulator, site, engine
):
    url = site.put("/story/11", article_page(11), "text/html")
    emulator.user_sends(SLOW, f"/summary {url}")
    await asyncio.wait_for(held_extraction.started.wait(), 10)  # extracting, and held there
    [subscribed] = await say(emulator, "/subscribe", chat_id=OTHERS[0])
    assert "Subscribed" in subscribed.plain_text
    await others_are_answered(emulator)
    with Session(engine) as session:
        chats = session.exec(select(Subscription.chat_id)).all()
    assert OTHERS[0] in chats
    assert emulator.sent(SLOW) == []
    held_extraction.release.set()
    [summary] = await emulator.wait_for_messages(SLOW, 1)
    assert summary.plain_text.startswith(story_title(11))
