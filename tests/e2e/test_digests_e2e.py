"""Digests end to end, as a reader gets them: a feed added with years of entries brings only its
newest, times are on the reader's clock, and a digest of 30 articles offers every one of them."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from sqlmodel import col, func, select

from digests.ingest.pipeline import ingest_batch, prepare_batch
from digests.store.tables import Article, OutboxMessage, Source, Subscription
from digests.subscriptions.digest import ALL_OF_IT
from tests.e2e.test_bot_e2e import button, eventually, say
from tests.e2e.test_feeds_e2e import ADMIN, become_instant_subscriber, message_containing
from tests.ingest import test_polling
from tests.ingest.test_polling import Site, rss
from tests.news import arrive, event_item, event_title, events

site = test_polling.site
loopback_only = test_polling.loopback_only

READER, STRANGER = 4001, 4002
END = re.compile(r"And \d+ more new articles?\.|" + re.escape(ALL_OF_IT))


def publish(site: Site, entries: list[tuple[int, datetime]]) -> str:
    """The site's feed lists these events, newest first, as feeds do."""
    ordered = sorted(entries, key=lambda entry: entry[1], reverse=True)
    return site.put("/feed.xml", rss(*(event_item(n, when) for n, when in ordered)))


def digests_for(runtime, chat_id: int) -> list[str]:
    """Every digest message queued for the chat, sent or not."""
    with runtime.session() as session:
        query = select(OutboxMessage.text).where(OutboxMessage.chat_id == chat_id)
        return [text for text in session.exec(query).all() if "Your digest" in text]


def watermark(runtime, chat_id: int) -> int:
    with runtime.session() as session:
        query = select(Subscription.last_article_id).where(Subscription.chat_id == chat_id)
        return session.exec(query).one()


def newest_id(runtime) -> int:
    with runtime.session() as session:
        return session.exec(select(func.max(col(Article.id)))).one()


async def all_of_latest(emulator, chat_id: int) -> str:
    """Every page of /latest, turned with its Older button."""
    [page] = await say(emulator, "/latest", chat_id=chat_id)
    texts = [page.plain_text]
    for turned in range(1, 10):
        older = [b for b in page.buttons if b["text"].startswith("Older")]
        if not older:
            break
        emulator.user_presses(chat_id, page.message_id, older[0]["callback_data"])
        page = await emulator.wait_for_edit(chat_id, page.message_id, count=turned)
        texts.append(page.plain_text)
    return "\n".join(texts)


# --- a feed added with its past -------------------------------------------------------------


async def test_a_feed_of_old_entries_brings_a_subscriber_its_newest_only(
    live_bot, emulator, site, clock
):
    await become_instant_subscriber(emulator, READER)
    old = [(n, datetime(2016, 3, n + 1, 9, 0, tzinfo=UTC)) for n in range(6)]
    url = publish(site, old)
    [added] = await say(emulator, f"/addfeed {url}", chat_id=ADMIN)
    assert "First poll: 6 articles (5 older ones for /latest and /summary only" in (
        added.plain_text
    )

    digest = await message_containing(emulator, READER, "Your digest")
    assert "Your digest: 1 new article" in digest.plain_text
    assert event_title(5) in digest.plain_text
    await eventually(lambda: watermark(live_bot, READER) >= newest_id(live_bot))
    [only] = digests_for(live_bot, READER)  # past the watermark: no digest can bring the rest
    assert not any(event_title(n) in only for n in range(5))

    listed = await all_of_latest(emulator, READER)
    assert all(event_title(n) in listed for n in range(6))
    [summary] = await say(emulator, f"/summary {event_title(0)}", chat_id=READER)
    assert summary.plain_text.split("\n")[0].endswith(event_title(0))  # after its #number

    # A later poll brings news: it is delivered as any news is.
    today = [(n, datetime(2026, 11, 22, 11, 10 * n, tzinfo=UTC)) for n in (1, 2)]
    publish(site, old + [(n + 5, when) for n, when in today])
    clock.advance(seconds=live_bot.settings.feed_poll_seconds)
    second = await message_containing(emulator, READER, "Your digest: 2 new articles")
    assert event_title(6) in second.plain_text and event_title(7) in second.plain_text
    assert not any(event_title(n) in second.plain_text for n in range(6))


# --- the reader's clock ---------------------------------------------------------------------


async def test_a_berlin_reader_reads_every_time_on_berlin_time(live_bot, emulator):
    await become_instant_subscriber(emulator, READER)
    [saved] = await say(emulator, "/settings timezone Europe/Berlin", chat_id=READER)
    assert "Saved." in saved.plain_text
    morning = datetime(2026, 11, 22, 6, 49, tzinfo=UTC)
    [article_id] = await asyncio.to_thread(arrive, live_bot, events(40, 1, start=morning))

    digest = await message_containing(emulator, READER, event_title(40))
    assert "22 Nov 2026 07:49 CET" in digest.plain_text
    assert "UTC" not in digest.plain_text
    with live_bot.session() as session:
        story_id = session.get(Article, article_id).story_id
    [timeline, *_] = await say(emulator, f"/story {story_id}", chat_id=READER)
    assert "22 Nov 2026 07:49 CET" in timeline.plain_text

    [elsewhere] = await say(emulator, f"/story {story_id}", chat_id=STRANGER)  # no subscription
    assert "22 Nov 2026 06:49 UTC" in elsewhere.plain_text  # DEFAULT_TIMEZONE


# --- more than one digest holds ---------------------------------------------------------------


def thirty_new_articles(runtime, owner: int) -> tuple[list[str], list[str]]:
    """25 events for everyone and 5 from `owner`'s own feed, stored in one transaction (one
    digest): the titles of each."""
    shared, own = events(100, 25), events(200, 5)
    with runtime.session() as session:
        wire = Source(kind="feed", url="https://wire.example/feed", title="Wire")
        mine = Source(kind="feed", url="https://own.example/feed", owner_chat_id=owner)
        session.add_all([wire, mine])
        session.flush()
        ingest_batch(session, prepare_batch(shared[:12]), source=wire)
        ingest_batch(session, prepare_batch(own), source=mine, owner_chat_id=owner)
        ingest_batch(session, prepare_batch(shared[12:]), source=wire)
    return [raw.title for raw in shared], [raw.title for raw in own]


async def press_more(emulator, chat_id: int, message, forged: str | None = None):
    """Press the message's More button (or send `forged` data from it instead), and the part of
    the digest that comes."""
    before = len(emulator.sent(chat_id))
    if forged is None:
        emulator.user_presses(chat_id, message.message_id, button(message, "More")["callback_data"])
    else:
        emulator.user_presses(chat_id, message.message_id, forged, forged=True)

    def part_ended() -> bool:
        return any(END.search(m.plain_text) for m in emulator.sent(chat_id)[before:])

    await eventually(part_ended)
    return emulator.sent(chat_id)[before:]


def titles_in(messages, titles: list[str]) -> set[str]:
    return {title for title in titles if any(title in m.plain_text for m in messages)}


async def test_a_digest_of_thirty_articles_offers_every_one_of_them(live_bot, emulator):
    await become_instant_subscriber(emulator, READER)
    shared, own = await asyncio.to_thread(thirty_new_articles, live_bot, READER)
    everything = shared + own

    last = await message_containing(emulator, READER, "And 20 more new articles.")
    first = emulator.sent(READER)[-len(digests_for(live_bot, READER)) :]
    assert "Your digest: 10 new articles" in first[0].plain_text
    assert len(titles_in(first, everything)) == 10
    second = await press_more(emulator, READER, last)
    assert "More of your digest: 10 new articles" in second[0].plain_text
    assert "And 10 more new articles." in second[-1].plain_text
    third = await press_more(emulator, READER, second[-1])
    assert "More of your digest: 10 new articles" in third[0].plain_text
    assert ALL_OF_IT in third[-1].plain_text
    assert not any(b["text"] == "More" for m in third for b in m.buttons)
    assert titles_in(first + second + third, everything) == set(everything)

    # Another chat pressing the first More shows only what it could read anyway.
    [latest] = await say(emulator, "/latest", chat_id=STRANGER)
    theirs = await press_more(emulator, STRANGER, latest, button(last, "More")["callback_data"])
    assert titles_in(theirs, shared) and not titles_in(theirs, own)
