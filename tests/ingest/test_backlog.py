"""A feed's past is no news: what it lists when first read is stored for reading, and only its
newest entry (or what arrives later) reaches digests; followers hear nothing from the past."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlmodel import select

from digests.actors.store import lookup_actors
from digests.ingest import feeds as feed_admin
from digests.ingest import polling
from digests.ingest.seeding import ingest_seeds
from digests.store.enums import SourceFill
from digests.store.tables import Article, OutboxMessage, Source, Statement
from digests.subscriptions.digest import compose_digest, due_subscriptions
from digests.subscriptions.follows import follow
from digests.subscriptions.subscribers import ChatInfo, change_setting, subscribe
from tests.ingest import test_polling
from tests.ingest.test_polling import (
    add_source,
    article_page,
    item,
    poll,
    rss,
    source_row,
    story_title,
    teaser_item,
)
from tests.news import arrive, event_item, event_title
from tests.subscriptions.test_follows import NEW_ARTICLE

site = test_polling.site
feed_runtime = test_polling.feed_runtime
loopback_only = test_polling.loopback_only

READER = ChatInfo(id=8101)
QUOTE = "We will never sign this treaty"


def backlog_of(runtime, source_id: int) -> dict[str, bool]:
    with runtime.session() as session:
        query = select(Article).where(Article.source_id == source_id)
        return {article.title: article.backlog for article in session.exec(query).all()}


def instant_reader(runtime) -> None:
    with runtime.session() as session:
        subscribe(session, READER, now=runtime.clock(), timezone="UTC", digest_time="08:00")
        change_setting(session, READER.id, "rhythm", "instant", now=runtime.clock())


def digest_texts(runtime) -> list[str]:
    """Compose what is due; every digest queued so far, oldest first."""
    with runtime.session() as session:
        for subscription in due_subscriptions(session, now=runtime.clock()):
            compose_digest(session, subscription, now=runtime.clock())
    with runtime.session() as session:
        return list(session.exec(select(OutboxMessage.text).order_by(OutboxMessage.id)).all())


def listing(*numbers: int) -> str:
    """A feed of events, dated an hour apart by number (the highest is the newest)."""
    return rss(*(event_item(n, datetime(2026, 11, 22, n, 0, tzinfo=UTC)) for n in numbers))


def new_source(runtime, url: str) -> int:
    """A feed as /addfeed, an OPML import or the FEEDS setting leaves it: not read yet."""
    return add_source(runtime, url)


async def test_a_first_poll_keeps_all_but_the_newest_entry_out_of_digests(
    feed_runtime, site, clock
):
    instant_reader(feed_runtime)
    source_id = new_source(feed_runtime, site.put("/feed", listing(4, 3, 2, 1)))
    [outcome] = await poll(feed_runtime)
    assert (len(outcome.added), outcome.backlog) == (4, 3)
    assert backlog_of(feed_runtime, source_id) == {
        event_title(4): False,  # the newest
        event_title(3): True,
        event_title(2): True,
        event_title(1): True,
    }
    assert source_row(feed_runtime, source_id).fill is SourceFill.CURRENT
    [digest] = digest_texts(feed_runtime)
    assert "Your digest: 1 new article" in digest and event_title(4) in digest

    site.put("/feed", listing(6, 5, 4, 3, 2, 1))
    clock.advance(seconds=900)
    [later] = await poll(feed_runtime)
    assert (len(later.added), later.backlog) == (2, 0)  # read up to now: news from here on
    assert "Your digest: 2 new articles" in digest_texts(feed_runtime)[-1]


async def test_undated_entries_count_the_first_listed_as_the_newest(feed_runtime, site):
    source_id = new_source(feed_runtime, site.put("/feed", rss(*map(event_item, (1, 2, 3)))))
    await poll(feed_runtime)
    news = [title for title, old in backlog_of(feed_runtime, source_id).items() if not old]
    assert news == [event_title(1)]  # feeds list their newest first


async def test_pages_left_for_later_polls_stay_backlog_and_news_meanwhile_does_not(
    feed_runtime, site, clock, monkeypatch
):
    """The first poll fetches the newest teasers' pages only; the older ones come later, and
    must not arrive as news then, while a story published meanwhile must."""
    monkeypatch.setattr(polling, "MAX_PAGES_PER_POLL", 2)
    for n in range(1, 6):
        site.put(f"/story/{n}", article_page(n), "text/html")
    feed = site.put("/feed", rss(*(teaser_item(n, site) for n in (4, 3, 2, 1))))
    source_id = new_source(feed_runtime, feed)
    await poll(feed_runtime)
    assert backlog_of(feed_runtime, source_id) == {story_title(4): False, story_title(3): True}
    assert source_row(feed_runtime, source_id).fill is SourceFill.FILLING

    site.put("/feed", rss(*(teaser_item(n, site) for n in (5, 4, 3, 2, 1))))
    clock.advance(seconds=900)
    await poll(feed_runtime)  # 5 is news; 2 comes now, 1 still waits
    clock.advance(seconds=900)
    await poll(feed_runtime)
    assert backlog_of(feed_runtime, source_id) == {
        story_title(5): False,
        story_title(4): False,
        story_title(3): True,
        story_title(2): True,
        story_title(1): True,
    }
    assert source_row(feed_runtime, source_id).fill is SourceFill.CURRENT


async def test_a_feed_added_again_starts_from_now_again(feed_runtime, site, clock):
    url = site.put("/feed", rss(item(1)))
    await feed_admin.add_feed(feed_runtime, url)
    with feed_runtime.session() as session:
        feed_admin.remove_feed(session, url)
    site.put("/feed", rss(*(item(n) for n in (3, 2, 1))))  # published while it was away
    added = await feed_admin.add_feed(feed_runtime, url)
    assert (added.added, added.backlog) == (2, 1)
    with feed_runtime.session() as session:
        source = session.exec(select(Source)).one()
    assert backlog_of(feed_runtime, source.id) == {
        story_title(1): False,
        story_title(2): True,
        story_title(3): False,
    }


async def test_a_feed_read_before_this_change_counts_as_read_up_to_now(feed_runtime, site):
    source_id = add_source(feed_runtime, site.put("/feed", rss(item(2), item(1))))
    with feed_runtime.session() as session:
        session.get(Source, source_id).fill = SourceFill.CURRENT
    [outcome] = await poll(feed_runtime)
    assert (len(outcome.added), outcome.backlog) == (2, 0)


def test_samples_loaded_into_a_running_installation_bring_only_the_newest(runtime):
    ingest_seeds(runtime)
    with runtime.session() as session:
        flags = Counter(article.backlog for article in session.exec(select(Article)).all())
    assert flags == {True: 4, False: 1}


async def test_followers_hear_nothing_said_in_a_feeds_past(feed_runtime, site, clock):
    arrive(feed_runtime, [NEW_ARTICLE])  # Putin is known from today's news
    with feed_runtime.session() as session:
        subscribe(session, READER, now=clock(), timezone="UTC", digest_time="08:00")
        follow(session, READER.id, lookup_actors(session, "Putin")[0][0])
    said_long_ago = test_polling.story_text(1, extra=f"“{QUOTE},” Vladimir Putin said.")
    source_id = new_source(
        feed_runtime, site.put("/feed", rss(item(2), item(1, text=said_long_ago)))
    )
    await poll(feed_runtime)
    with feed_runtime.session() as session:
        old = session.exec(
            select(Article).where(Article.source_id == source_id, Article.backlog)
        ).one()
        recorded = session.exec(select(Statement.text).where(Statement.article_id == old.id)).all()
    assert QUOTE in recorded  # /actor shows it
    clock.advance(days=1)
    [digest] = digest_texts(feed_runtime)
    assert story_title(2) in digest
    assert QUOTE not in digest and "people you follow" not in digest


def test_the_watermark_passes_a_backlog_without_a_digest(runtime):
    instant_reader(runtime)
    with runtime.session() as session:
        source = Source(kind="feed", url="https://old.example/feed", fill=SourceFill.NEW)
        session.add(source)
        session.flush()
        session.add(
            Article(
                source_id=source.id,
                content_hash="h",
                title="From 2016",
                text="Old.",
                published_at=datetime(2016, 3, 1, tzinfo=UTC),
                backlog=True,
            )
        )
    with runtime.session() as session:
        assert due_subscriptions(session, now=runtime.clock()) == []  # no empty digest
