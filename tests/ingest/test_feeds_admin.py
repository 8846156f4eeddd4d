"""Admins manage the polled feeds: add (with discovery), remove, list, OPML import and export."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

import pytest
from sqlmodel import select

from bot import router
from bot.conversation import Asker
from bot.handlers import feeds as feed_handlers
from digests.delivery.message import to_plain_text
from digests.ingest.polling import Poller
from digests.ingest.sources.opml import OpmlOutline, build_opml, parse_opml
from digests.runtime import Runtime
from digests.store.tables import Source
from digests.subscriptions.subscribers import ChatInfo
from tests.ingest import test_polling
from tests.ingest.test_polling import (
    ADMINS,
    Site,
    add_source,
    article_page,
    item,
    rss,
    source_row,
    stored_articles,
    story_title,
)

site = test_polling.site
feed_runtime = test_polling.feed_runtime
loopback_only = test_polling.loopback_only

ADMIN = Asker(user_id=ADMINS[0], chat=ChatInfo(id=ADMINS[0]))
STRANGER = Asker(user_id=2001, chat=ChatInfo(id=2001))
REFUSAL = "Sorry, only the bot's administrators can do that."


async def send(runtime: Runtime, asker: Asker, line: str) -> str:
    """Type a command as the bot's transports run it: in a worker thread."""
    name, _, args = line.removeprefix("/").partition(" ")
    messages = await asyncio.to_thread(router.run_command, runtime, asker, name, args)
    return "\n\n".join(to_plain_text(message.html) for message in messages)


async def upload(runtime: Runtime, asker: Asker, data: bytes) -> str:
    messages = await asyncio.to_thread(router.import_opml, runtime, asker, data)
    return "\n\n".join(to_plain_text(message.html) for message in messages)


def sources(runtime: Runtime) -> list[Source]:
    with runtime.session() as session:
        return list(session.exec(select(Source).order_by(Source.id)).all())


def home_page(*feed_paths: str) -> str:
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="{path}">' for path in feed_paths
    )
    return article_page(5, feeds=links)


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["/addfeed {url}", "/removefeed 1", "/feeds", "/importopml", "/exportopml"]
)
async def test_strangers_are_refused_and_nothing_changes(feed_runtime, site, line):
    url = site.put("/feed", rss(item(1)))
    add_source(feed_runtime, url)
    before = [(s.url, s.active) for s in sources(feed_runtime)]
    assert await send(feed_runtime, STRANGER, line.format(url=url)) == REFUSAL
    assert [(s.url, s.active) for s in sources(feed_runtime)] == before
    assert site.hits["/feed"] == 0


async def test_strangers_cannot_upload_opml(feed_runtime):
    opml = build_opml([OpmlOutline("Spam", "https://spam.example/feed")], "x")
    assert await upload(feed_runtime, STRANGER, opml) == REFUSAL
    assert sources(feed_runtime) == []


async def test_admin_commands_are_listed_for_admins_only(feed_runtime):
    assert "/addfeed" in await send(feed_runtime, ADMIN, "/help")
    assert "/addfeed" not in await send(feed_runtime, STRANGER, "/help")


# --- /addfeed -----------------------------------------------------------------------------------


async def test_adding_a_feed_reports_its_title_and_first_poll(feed_runtime, site, clock):
    url = site.put("/feed", rss(item(1), item(2)))
    reply = await send(feed_runtime, ADMIN, f"/addfeed {url}")
    assert "Feed added: Harbour News\n" in reply and "#" not in reply
    older = "1 older one for /latest and /summary only: digests start from now"
    assert f"First poll: 2 articles ({older})." in reply
    [source] = sources(feed_runtime)
    assert (source.url, source.kind, source.trusted, source.active) == (url, "feed", True, True)
    assert source.next_poll_at == clock.now + timedelta(seconds=900)
    backlog = {a.title: a.backlog for a in stored_articles(feed_runtime)}
    assert backlog == {story_title(1): True, story_title(2): False}  # 2 is newer: 02:00
    assert site.hits["/feed"] == 1


async def test_a_sites_page_leads_to_the_first_feed_it_advertises_that_works(feed_runtime, site):
    site.put("/", home_page("/broken.xml", "/feed.xml"), "text/html")
    site.put("/feed.xml", rss(item(1)))
    reply = await send(feed_runtime, ADMIN, f"/addfeed {site.url('/')}")
    assert "Feed added: Harbour News" in reply and "1 new article." in reply
    assert [s.url for s in sources(feed_runtime)] == [site.url("/feed.xml")]


async def test_a_page_without_a_feed_is_explained(feed_runtime, site):
    url = site.put("/", home_page(), "text/html")
    reply = await send(feed_runtime, ADMIN, f"/addfeed {url}")
    assert reply == (
        "I couldn't add that feed: This is a web page, not a feed. "
        "I found no feed advertised on it either."
    )
    assert sources(feed_runtime) == []


async def test_a_page_whose_feeds_are_all_broken_is_explained(feed_runtime, site):
    url = site.put("/", home_page("/gone.xml"), "text/html")
    reply = await send(feed_runtime, ADMIN, f"/addfeed {url}")
    assert "none of them could be read as a feed" in reply


async def test_an_unreachable_address_is_explained(feed_runtime):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reply = await send(feed_runtime, ADMIN, f"/addfeed http://127.0.0.1:{port}/feed")
    assert reply == "I couldn't add that feed: The server could not be reached."


async def test_addfeed_needs_an_address(feed_runtime):
    assert "/addfeed https://" in await send(feed_runtime, ADMIN, "/addfeed")


async def test_adding_a_feed_twice_says_so(feed_runtime, site):
    url = site.put("/feed", rss(item(1)))
    await send(feed_runtime, ADMIN, f"/addfeed {url}")
    reply = await send(feed_runtime, ADMIN, f"/addfeed {url}?utm_source=newsletter")
    assert reply == "I already poll “Harbour News”."
    assert len(sources(feed_runtime)) == 1


# --- /removefeed and /feeds --------------------------------------------------------------------


async def test_a_removed_feed_is_no_longer_polled_but_its_articles_stay(feed_runtime, site, clock):
    url = site.put("/feed", rss(item(1)))
    await send(feed_runtime, ADMIN, f"/addfeed {url}")
    assert (await send(feed_runtime, ADMIN, "/feeds")).split("\n\n")[1].startswith("1. Harbour")
    reply = await send(feed_runtime, ADMIN, "/removefeed 1")  # its number in /feeds
    assert reply == "I stopped polling “Harbour News”. Its articles stay."
    clock.advance(days=1)
    assert await Poller(feed_runtime).poll_due() == []
    assert len(stored_articles(feed_runtime)) == 1
    assert "already removed" in await send(feed_runtime, ADMIN, f"/removefeed {url}")
    assert "No feeds yet" in await send(feed_runtime, ADMIN, "/feeds")


async def test_a_feed_can_be_removed_by_its_address_and_added_back(feed_runtime, site):
    url = site.put("/feed", rss(item(1)))
    await send(feed_runtime, ADMIN, f"/addfeed {url}")
    await send(feed_runtime, ADMIN, f"/removefeed {url}")
    assert not sources(feed_runtime)[0].active
    reply = await send(feed_runtime, ADMIN, f"/addfeed {url}")
    assert "Feed added" in reply and "First poll: 0 new articles" in reply
    assert sources(feed_runtime)[0].active


async def test_removing_an_unknown_feed_is_explained(feed_runtime):
    assert "I have no feed “42”" in await send(feed_runtime, ADMIN, "/removefeed 42")
    assert "Tell me which feed" in await send(feed_runtime, ADMIN, "/removefeed")


async def test_feeds_shows_each_feeds_health(feed_runtime, site, clock):
    good = site.put("/feed", rss(item(1), item(2)))
    await send(feed_runtime, ADMIN, f"/addfeed {good}")
    add_source(feed_runtime, site.url("/down"), title="Down Daily")
    await Poller(feed_runtime).poll_due()
    listing = await send(feed_runtime, ADMIN, "/feeds")
    assert listing.startswith("Feeds (2)")
    good_block, bad_block = listing.split("\n\n")[1:]
    assert "Harbour News" in good_block and good in good_block
    assert "Last fetched: 22 Nov 2026 12:00 UTC · 2 articles" in good_block
    assert "Next poll: 22 Nov 2026 12:15 UTC" in good_block
    assert "Last error" not in good_block
    assert good_block.startswith("1. Harbour News") and bad_block.startswith("2. Down Daily")
    assert "Last fetched: never · 0 articles" in bad_block
    assert "Next poll: 22 Nov 2026 12:30 UTC" in bad_block
    assert "Last error: The server answered 404 Not Found. (1 failure in a row)" in bad_block


# --- OPML ---------------------------------------------------------------------------------------


async def test_importopml_asks_for_the_file(feed_runtime):
    prompt = await send(feed_runtime, ADMIN, "/importopml")
    assert feed_handlers.is_import_prompt(prompt)


async def test_an_opml_import_adds_new_feeds_and_skips_known_ones(feed_runtime, site):
    known = site.put("/known", rss(item(1)))
    add_source(feed_runtime, known)
    fresh = site.put("/fresh", rss(item(2)))
    opml = build_opml(
        [
            OpmlOutline("Known", known),
            OpmlOutline("Fresh Gazette", fresh, "https://fresh.example/"),
            OpmlOutline("Gopher", "gopher://old.example/feed"),
        ],
        "my reader",
    )
    reply = await upload(feed_runtime, ADMIN, opml)
    assert reply.startswith("OPML imported: 1 feed added, 1 skipped (already polled), 1 ignored")
    new = sources(feed_runtime)[-1]
    assert (new.url, new.title, new.site_url, new.trusted) == (
        fresh,
        "Fresh Gazette",
        "https://fresh.example/",
        True,
    )
    await Poller(feed_runtime).poll_due()
    assert len(stored_articles(feed_runtime, new.id)) == 1


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"", "The OPML file is empty."),
        (b"<html><body>hi</body></html>", "not OPML"),
        (b"<opml><body><outline", "not valid XML"),
        (b"<opml>" + b" " * (1024 * 1024) + b"</opml>", "too large"),
    ],
)
async def test_a_broken_opml_file_is_explained(feed_runtime, data, complaint):
    assert complaint in await upload(feed_runtime, ADMIN, data)
    assert sources(feed_runtime) == []


async def test_the_export_lists_the_polled_feeds_for_other_readers(feed_runtime, site: Site):
    first = site.put("/a", rss(item(1), title="First & Foremost"))
    second = site.put("/b", rss(item(2), title="Second"))
    for url in (first, second):
        await send(feed_runtime, ADMIN, f"/addfeed {url}")
    await send(feed_runtime, ADMIN, f"/removefeed {second}")
    document = await asyncio.to_thread(router.export_opml, feed_runtime, ADMIN)
    assert document.name.endswith(".opml")
    assert parse_opml(document.data) == [
        OpmlOutline("First & Foremost", first, "https://news.example/")
    ]
    printed = await send(feed_runtime, ADMIN, "/exportopml")
    assert parse_opml(printed.encode()) == parse_opml(document.data)


async def test_an_exported_list_imports_into_an_empty_bot(feed_runtime, site):
    url = site.put("/feed", rss(item(1)))
    await send(feed_runtime, ADMIN, f"/addfeed {url}")
    document = await asyncio.to_thread(router.export_opml, feed_runtime, ADMIN)
    await send(feed_runtime, ADMIN, f"/removefeed {url}")
    reply = await upload(feed_runtime, ADMIN, document.data)
    assert reply.startswith("OPML imported: 1 feed added")
    assert source_row(feed_runtime, sources(feed_runtime)[0].id).active
