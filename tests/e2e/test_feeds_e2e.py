"""Feeds end to end: an admin adds a site's feed, new stories reach an instant subscriber; links,
forwarded posts and OPML files through the real bot and the Bot API emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from digests.ingest.seeding import ingest_seeds
from digests.ingest.sources.opml import OpmlOutline, build_opml, parse_opml
from digests.runtime import Runtime
from digests.store.tables import Article, Source
from tests.e2e.conftest import bot_settings, run_bot
from tests.e2e.test_bot_e2e import button, eventually, say
from tests.ingest import test_polling
from tests.ingest.test_polling import Site, article_page, item, rss, story_text, story_title

site = test_polling.site
loopback_only = test_polling.loopback_only

ADMIN = 900
READER = 2001
GROUP = -1001234567890
PRIVATE = "That address points to a private network and is not allowed."
REFUSAL = "Sorry, only the bot's administrators can do that."


@pytest.fixture
async def intranet_bot(engine, database_url, clock, emulator) -> AsyncIterator[Runtime]:
    """The bot with ALLOW_PRIVATE_URLS=true, so links to the test site on 127.0.0.1 work."""
    settings = bot_settings(database_url, emulator, allow_private_urls=True)
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    await asyncio.to_thread(ingest_seeds, runtime)
    async for running in run_bot(runtime):
        yield running


def publish(site: Site, *numbers: int) -> None:
    """The site's feed lists these stories (newest first), one teaser line each."""
    for n in numbers:
        site.put(f"/story/{n}", article_page(n), "text/html; charset=utf-8")
    site.put("/feed.xml", rss(*(test_polling.teaser_item(n, site) for n in reversed(numbers))))


def home_page(site: Site) -> str:
    feed_link = '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    return site.put("/", article_page(99, feeds=feed_link), "text/html")


async def message_containing(emulator, chat_id: int, text: str, timeout: float = 10.0):
    def find():
        return next((m for m in emulator.sent(chat_id) if text in m.plain_text), None)

    await eventually(lambda: find() is not None, timeout)
    return find()


async def become_instant_subscriber(emulator, chat_id: int) -> None:
    """Subscribed, instant; from now on: what the bot had before is no news to them."""
    [reply] = await say(emulator, "/subscribe", chat_id=chat_id)
    assert "Subscribed" in reply.plain_text
    [card] = await say(emulator, "/settings", chat_id=chat_id)
    emulator.user_presses(chat_id, card.message_id, button(card, "Instant")["callback_data"])
    edited = await emulator.wait_for_edit(chat_id, card.message_id)
    assert "✓ Instant" in [b["text"] for b in edited.buttons]


def sentences_of(n: int) -> list[str]:
    return [p.split(". ")[0] for p in story_text(n).split("\n\n")]


# Story pages of one template differ by their town alone, so stories take them for one event;
# a second event has its own words.
FLOOD_TEXT = (
    "Heavy rain flooded the lower streets of Belmont overnight, and the river rose two metres "
    "above its usual level by dawn on Thursday.\n\n"
    "Firefighters pumped water out of forty cellars and moved residents of a care home to the "
    "school gym on the hill.\n\n"
    "The council closed the market square and asked drivers to avoid the riverside road until "
    "the weekend."
)


def publish_flood(site: Site, n: int) -> None:
    """Story n of the feed is a flood, not a ferry."""
    publish(site, 1, n)
    paragraphs = "".join(f"<p>{p}</p>" for p in FLOOD_TEXT.split("\n\n"))
    site.put(
        f"/story/{n}",
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{story_title(n)}"
        f"</title></head><body><main><article><h1>{story_title(n)}</h1>{paragraphs}</article>"
        "</main></body></html>",
        "text/html; charset=utf-8",
    )


# --- the done-when ----------------------------------------------------------------------


async def test_a_feed_added_by_an_admin_reaches_an_instant_subscriber(
    live_bot, emulator, site, clock
):
    await become_instant_subscriber(emulator, READER)
    publish(site, 1)
    [added] = await say(emulator, f"/addfeed {home_page(site)}", chat_id=ADMIN)
    assert "Feed added: Harbour News" in added.plain_text
    assert "First poll: 1 new article." in added.plain_text

    first = await message_containing(emulator, READER, story_title(1))
    assert "Your digest: 1 new article" in first.plain_text
    assert any(sentence in first.plain_text for sentence in sentences_of(1))

    publish_flood(site, 2)
    clock.advance(seconds=live_bot.settings.feed_poll_seconds)
    second = await message_containing(emulator, READER, story_title(2))
    assert "Your digest: 1 new article" in second.plain_text
    assert "Firefighters pumped water" in second.plain_text or "Heavy rain" in second.plain_text
    assert site.hits["/story/1"] == 1  # a known story is never downloaded twice
    with live_bot.session() as session:
        stored = session.exec(select(Article).where(Article.title == story_title(2))).one()
    assert "forty cellars" in stored.text  # the page, not the feed's teaser


async def test_admins_hear_once_that_a_feed_keeps_failing(live_bot, emulator, site, clock):
    publish(site, 1)
    await say(emulator, f"/addfeed {site.url('/feed.xml')}", chat_id=ADMIN)
    site.pages.pop("/feed.xml")
    for failures in range(1, 5):
        clock.advance(hours=7)
        await eventually(lambda n=failures: feed_source(live_bot).error_count == n)
    warning = await message_containing(emulator, ADMIN, "A feed keeps failing")
    assert "404 Not Found" in warning.plain_text
    await asyncio.sleep(0.5)
    assert sum("keeps failing" in m.plain_text for m in emulator.sent(ADMIN)) == 1
    [listing] = await say(emulator, "/feeds", chat_id=ADMIN)
    assert "Last error: The server answered 404 Not Found. (4 failures in a row)" in (
        listing.plain_text
    )


def feed_source(runtime: Runtime) -> Source:
    with runtime.session() as session:
        return session.exec(select(Source).where(Source.kind == "feed")).one()


async def test_strangers_cannot_manage_feeds(live_bot, emulator, site):
    publish(site, 1)
    for line in (f"/addfeed {site.url('/feed.xml')}", "/feeds", "/exportopml"):
        [reply] = await say(emulator, line, chat_id=READER)
        assert reply.plain_text == REFUSAL
    assert site.hits["/feed.xml"] == 0
    before = len(emulator.sent(READER))
    opml = build_opml([OpmlOutline("Spam", "https://spam.example/rss")], "x")
    emulator.user_sends_document(READER, opml, file_name="x.opml", caption="/importopml")
    [reply] = (await emulator.wait_for_messages(READER, before + 1))[before:]
    assert reply.plain_text == REFUSAL
    with live_bot.session() as session:
        assert session.exec(select(Source).where(Source.kind == "feed")).all() == []


async def test_addfeed_of_something_that_is_no_web_address_says_so_without_a_lookup(
    live_bot, emulator, monkeypatch
):
    looked_up: list[str] = []

    async def resolve(host, port):
        looked_up.append(host)
        raise AssertionError("no lookup for what is not an address")

    monkeypatch.setattr("digests.ingest.fetch.resolve_host", resolve)
    for typed in ("not a url", "ftp://example.com/feed", "https://exa_mple..com/x", "news"):
        [reply] = await say(emulator, f"/addfeed {typed}", chat_id=ADMIN)
        assert reply.plain_text == (
            f"“{typed}” is not a web address. Send one like https://example.com/feed.xml."
        )
    assert looked_up == []


# --- links from users ---------------------------------------------------------------------------


async def test_a_link_to_a_private_address_is_refused(live_bot, emulator, site):
    publish(site, 1)
    [reply] = await say(emulator, f"/summary {site.url('/story/1')}", chat_id=READER)
    assert reply.plain_text == PRIVATE
    assert site.hits["/story/1"] == 0


async def test_summary_of_a_link_when_private_addresses_are_allowed(intranet_bot, emulator, site):
    publish(site, 1)
    [reply] = await say(emulator, f"/summary {site.url('/story/1')}", chat_id=READER)
    assert reply.plain_text.startswith(story_title(1))
    assert reply.plain_text.count("•") == 2
    assert button(reply, "Read the article")["url"] == site.url("/story/1")


async def test_a_forwarded_post_with_a_link_gets_a_summary(intranet_bot, emulator, site):
    publish(site, 2)
    origin = {
        "type": "channel",
        "chat": {"id": -1009876543210, "type": "channel", "title": "Harbour channel"},
        "message_id": 77,
        "date": 1_795_000_000,
    }
    text = f"Ferries are back! {site.url('/story/2')}"
    [reply] = await say(emulator, text, chat_id=READER, forward_origin=origin)
    assert reply.plain_text.startswith(story_title(2))


async def test_a_pasted_long_text_is_summarized_without_being_kept(live_bot, emulator):
    [reply] = await say(emulator, story_text(3), chat_id=READER)
    assert "Summary of the text you sent" in reply.plain_text
    assert reply.plain_text.count("•") == 2
    with live_bot.session() as session:
        assert not session.exec(select(Article).where(Article.text == story_text(3))).all()


async def test_summary_in_reply_to_a_message_in_a_group(intranet_bot, emulator, site):
    publish(site, 4)
    post = emulator.user_sends(GROUP, f"Did you read {site.url('/story/4')} ?", user_id=3001)
    [reply] = await say(
        emulator, "/summary", chat_id=GROUP, user_id=3002, reply_to_message_id=post["message_id"]
    )
    assert reply.plain_text.startswith(story_title(4))


# --- OPML files ---------------------------------------------------------------------------------


async def test_opml_import_with_caption_and_in_reply_then_export(live_bot, emulator, site, clock):
    first, second = site.put("/one.xml", rss(item(1))), site.put("/two.xml", rss(item(2)))
    before = len(emulator.sent(ADMIN))
    emulator.user_sends_document(
        ADMIN,
        build_opml([OpmlOutline("One", first)], "mine"),
        file_name="one.opml",
        caption="/importopml",
    )
    [reply] = (await emulator.wait_for_messages(ADMIN, before + 1))[before:]
    assert reply.plain_text.startswith("OPML imported: 1 feed added, 0 skipped")

    [prompt] = await say(emulator, "/importopml", chat_id=ADMIN)
    before = len(emulator.sent(ADMIN))
    opml = build_opml([OpmlOutline("One", first), OpmlOutline("Two", second)], "mine")
    emulator.user_sends_document(
        ADMIN, opml, file_name="two.opml", reply_to_message_id=prompt.message_id
    )
    [reply] = (await emulator.wait_for_messages(ADMIN, before + 1))[before:]
    assert reply.plain_text.startswith("OPML imported: 1 feed added, 1 skipped")
    await eventually(lambda: site.hits["/one.xml"] == 1 and site.hits["/two.xml"] == 1)

    [exported] = await say(emulator, "/exportopml", chat_id=ADMIN)
    assert exported.document["file_name"] == "feeds.opml"
    data = emulator.files.get(exported.document["file_id"]).data
    assert [(o.title, o.xml_url) for o in parse_opml(data)] == [("One", first), ("Two", second)]


async def test_a_stray_file_gets_a_hint(live_bot, emulator):
    before = len(emulator.sent(READER))
    emulator.user_sends_document(READER, b"%PDF-1.4", file_name="paper.pdf")
    [reply] = (await emulator.wait_for_messages(READER, before + 1))[before:]
    assert "/importopml" in reply.plain_text
