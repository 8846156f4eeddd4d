"""Choosing sources and feeds of one's own, through the real bot and the Bot API emulator: a
source turned off in /sources stays out of the next digest; with USER_FEEDS a reader's own feed
reaches their chat only, within their quota, and never on a private address."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.seeding import ingest_seeds
from digests.ingest.sources.raw import RawArticle
from digests.ingest.sources.seeds import SEED_SOURCE_NAME, SEED_SOURCE_URL
from digests.runtime import Runtime
from digests.store.tables import Article, Source
from digests.subscriptions.sources import NO_SUCH_SOURCE
from tests.e2e.conftest import bot_settings, run_bot
from tests.e2e.test_bot_e2e import button, eventually, say
from tests.e2e.test_feeds_e2e import (
    ADMIN,
    PRIVATE,
    become_instant_subscriber,
    message_containing,
    publish,
)
from tests.ingest import test_polling
from tests.ingest.test_polling import story_title

site = test_polling.site
loopback_only = test_polling.loopback_only

ALICE, BOB = 2201, 2202


def story(title: str, url: str) -> RawArticle:
    body = f"{title}. " + "The council met on Monday and agreed on a new plan for the harbour. " * 4
    return RawArticle(title=title, text=body, url=url)


def add_news(runtime: Runtime, source_url: str, kind: str, title: str) -> None:
    with runtime.session() as session:
        source = ensure_source(session, kind=kind, url=source_url)
        ingest_batch(
            session, prepare_batch([story(title, f"{source_url}/{len(title)}")]), source=source
        )


async def own_feeds_bot(engine, database_url, clock, emulator, **overrides):
    settings = bot_settings(database_url, emulator, user_feeds=True, **overrides)
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    await asyncio.to_thread(ingest_seeds, runtime)
    async for running in run_bot(runtime):
        yield running


@pytest.fixture
async def user_feeds_bot(engine, database_url, clock, emulator) -> AsyncIterator[Runtime]:
    """USER_FEEDS=true with a quota of one, and private addresses allowed for the test site."""
    async for running in own_feeds_bot(
        engine, database_url, clock, emulator, user_feed_limit=1, allow_private_urls=True
    ):
        yield running


@pytest.fixture
async def guarded_user_feeds_bot(engine, database_url, clock, emulator) -> AsyncIterator[Runtime]:
    async for running in own_feeds_bot(engine, database_url, clock, emulator):
        yield running


async def test_a_source_turned_off_in_sources_stays_out_of_the_next_digest(live_bot, emulator):
    await become_instant_subscriber(emulator, ALICE)
    [card] = await say(emulator, "/settings", chat_id=ALICE)
    emulator.user_presses(ALICE, card.message_id, button(card, "Choose sources")["callback_data"])
    listing = await message_containing(emulator, ALICE, "Sources for this chat's digests")
    assert "1 of 1 kept" in listing.plain_text
    seeds = button(listing, SEED_SOURCE_NAME)
    assert seeds["text"].startswith("✓")
    emulator.user_presses(ALICE, listing.message_id, seeds["callback_data"])
    await eventually(lambda: "0 of 1 kept" in emulator.sent(ALICE)[-1].plain_text)
    assert button(emulator.sent(ALICE)[-1], SEED_SOURCE_NAME)["text"].startswith("✗")

    add_news(live_bot, SEED_SOURCE_URL, "seed", "Seed story nobody asked for")
    add_news(live_bot, "https://news.example/feed", "feed", "Harbour reopens after the storm")
    digest = await message_containing(emulator, ALICE, "Harbour reopens after the storm")
    assert "Your digest: 1 new article" in digest.plain_text
    await asyncio.sleep(0.5)  # another tick: nothing more comes
    assert not any("Seed story" in m.plain_text for m in emulator.sent(ALICE))

    [again] = await say(emulator, "/sources", chat_id=ALICE)  # the new source: on
    assert "1 of 2 kept" in again.plain_text
    assert button(again, "news.example")["text"].startswith("✓")
    [stats] = await say(emulator, "/stats", chat_id=ADMIN)
    assert f"Sources turned off (chats)\n1 × {SEED_SOURCE_NAME}" in stats.plain_text


async def test_a_readers_own_feed_reaches_their_chat_only(user_feeds_bot, emulator, site):
    await become_instant_subscriber(emulator, ALICE)
    await become_instant_subscriber(emulator, BOB)
    publish(site, 1)
    emulator.user_sends(ALICE, f"/addfeed {site.url('/feed.xml')}")
    # The reply, and the instant digest of the feed's newest entry, in either order.
    added = await message_containing(emulator, ALICE, "Feed added for this chat only")
    assert added.plain_text.startswith("Feed added for this chat only: Harbour News")
    digest = await message_containing(emulator, ALICE, "Your digest")
    assert "Your digest: 1 new article" in digest.plain_text

    [refused] = await say(emulator, f"/addfeed {site.url('/other.xml')}", chat_id=ALICE)
    assert "as many feeds of its own as I keep for one chat (1)" in refused.plain_text
    assert site.hits["/other.xml"] == 0
    [listing] = await say(emulator, "/sources", chat_id=ALICE)
    assert button(listing, "Harbour News")["text"].endswith("(yours)")

    with user_feeds_bot.session() as session:
        article_id = session.exec(select(Article.id).where(Article.title == story_title(1))).one()
    for line in ("/latest", f"/summary {article_id}", "/summary Ferries", "/sources", "/feeds"):
        [reply] = await say(emulator, line, chat_id=BOB)
        assert story_title(1) not in reply.plain_text and "Harbour News" not in reply.plain_text
    with user_feeds_bot.session() as session:
        feed_id = session.exec(select(Source.id).where(Source.owner_chat_id == ALICE)).one()
    [bobs] = await say(emulator, "/sources", chat_id=BOB)
    forged = emulator.user_presses(BOB, bobs.message_id, f"src:off:{feed_id}:0", forged=True)
    await eventually(lambda: any(a.callback_query_id == forged for a in emulator.callback_answers))
    [answer] = [a for a in emulator.callback_answers if a.callback_query_id == forged]
    assert answer.text == NO_SUCH_SOURCE
    query = emulator.user_types_inline(BOB, "Ferries")
    assert (await emulator.wait_for_inline_answer(query)).results == []
    assert not any(story_title(1) in m.plain_text for m in emulator.sent(BOB))


async def test_a_readers_feed_on_a_private_address_is_refused(
    guarded_user_feeds_bot, emulator, site
):
    publish(site, 1)
    [reply] = await say(emulator, f"/addfeed {site.url('/feed.xml')}", chat_id=ALICE)
    assert reply.plain_text == f"I couldn't add that feed: {PRIVATE}"
    assert site.hits["/feed.xml"] == 0
    [shared] = await say(emulator, f"/addfeed {site.url('/feed.xml')}", chat_id=ADMIN)
    assert shared.plain_text.startswith("Feed added: Harbour News")  # an admin's host: trusted
