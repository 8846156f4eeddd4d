"""A chat's own feeds (USER_FEEDS): private to the chat, guarded like users' links, within the
chat's quota, polled at most every 30 minutes; admins keep the shared feeds."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.conversation import Asker
from digests.ingest import feeds
from digests.ingest.feeds import FeedError
from digests.ingest.fetch import PRIVATE_ADDRESS
from digests.ingest.polling import MIN_USER_FEED_POLL, Poller
from digests.ingest.sources.opml import OpmlOutline, build_opml
from digests.reading.articles import article_card, find_articles, latest_articles
from digests.runtime import Runtime
from digests.store.tables import Article, OutboxMessage, Source
from digests.subscriptions.subscribers import ChatInfo
from tests.conftest import make_settings
from tests.ingest import test_polling
from tests.ingest.test_feeds_admin import ADMIN, REFUSAL, STRANGER, send, upload
from tests.ingest.test_polling import ADMINS, item, rss

site = test_polling.site
loopback_only = test_polling.loopback_only

ALICE, BOB = 3001, 3002
GROUP_MEMBER = Asker(user_id=3003, chat=ChatInfo(id=-100777, kind="group"), can_manage_chat=False)
QUOTA = 2


def user_feeds_runtime(engine, database_url, clock, **overrides) -> Runtime:
    values = {
        "admin_user_ids": ADMINS,
        "user_feeds": True,
        "user_feed_limit": QUOTA,
        "allow_private_urls": True,  # the test site is on 127.0.0.1
        "fetch_timeout_seconds": 1.0,
    }
    settings = make_settings(database_url, **{**values, **overrides})
    return Runtime(settings=settings, engine=engine, clock=clock)


@pytest.fixture
def runtime(engine, database_url, clock) -> Runtime:
    return user_feeds_runtime(engine, database_url, clock)


def articles_of(runtime: Runtime, source_id: int) -> list[Article]:
    with runtime.session() as session:
        return list(session.exec(select(Article).where(Article.source_id == source_id)).all())


def asker(chat_id: int) -> Asker:
    return Asker(user_id=chat_id, chat=ChatInfo(id=chat_id))


async def test_a_chats_own_feed_is_read_by_that_chat_only(runtime, site):
    url = site.put("/feed", rss(item(1), item(2)))
    added = await feeds.add_feed(runtime, url, owner_chat_id=ALICE)
    assert added.added == 2
    stored = articles_of(runtime, added.source_id)
    assert {a.owner_chat_id for a in stored} == {ALICE}
    with runtime.session() as session:
        source = session.get_one(Source, added.source_id)
        assert source.owner_chat_id == ALICE and not source.trusted
        assert source.next_poll_at - runtime.clock() == MIN_USER_FEED_POLL  # not FEED_POLL's 15
        article_id = stored[0].id
        assert article_card(session, article_id, chat_id=ALICE) is not None
        assert article_card(session, article_id, chat_id=BOB) is None
        assert find_articles(session, "Ferries", chat_id=BOB) == []
        assert article_id in [c.id for c in latest_articles(session, chat_id=ALICE)]
        assert article_id not in [c.id for c in latest_articles(session, chat_id=BOB)]
        assert article_id not in [c.id for c in latest_articles(session)]  # inline, everyone


async def test_a_chats_own_feed_keeps_no_credentials(runtime, site):
    site.put("/feed", rss(item(1)))
    typed = site.url("/feed?edition=eu&token=s3cret").replace("://", "://alice:hunter2@")
    added = await feeds.add_feed(runtime, typed, owner_chat_id=ALICE)
    assert added.added == 1 and added.url == site.url("/feed?edition=eu")
    assert "hunter2" not in repr(site.headers["/feed"])  # not even sent
    outline = OpmlOutline("Mine", typed.replace("/feed", "/other"))
    with runtime.session() as session:
        feeds.import_opml(session, build_opml([outline], "x"), owner_chat_id=BOB, limit=QUOTA)
        urls = session.exec(select(Source.url)).all()
    assert not any("hunter2" in url or "s3cret" in url for url in urls)


async def test_two_chats_adding_one_feed_each_get_their_own_copy(runtime, site):
    url = site.put("/feed", rss(item(1)))
    alices = await feeds.add_feed(runtime, url, owner_chat_id=ALICE)
    bobs = await feeds.add_feed(runtime, url, owner_chat_id=BOB)
    assert alices.source_id != bobs.source_id and bobs.added == 1
    assert [a.owner_chat_id for a in articles_of(runtime, bobs.source_id)] == [BOB]
    again = await feeds.add_feed(runtime, url, owner_chat_id=ALICE)
    assert again.already_polled and again.source_id == alices.source_id


async def test_the_quota_is_refused_politely_before_any_download(runtime, site):
    urls = [site.put(f"/feed{n}", rss(item(n))) for n in range(QUOTA + 1)]
    for url in urls[:QUOTA]:
        await feeds.add_feed(runtime, url, owner_chat_id=ALICE)
    with pytest.raises(FeedError, match=rf"feeds of its own as I keep for one chat \({QUOTA}\)"):
        await feeds.add_feed(runtime, urls[QUOTA], owner_chat_id=ALICE)
    assert site.hits[f"/feed{QUOTA}"] == 0
    assert (await feeds.add_feed(runtime, urls[QUOTA], owner_chat_id=BOB)).added == 1
    assert (await feeds.add_feed(runtime, urls[0], owner_chat_id=ALICE)).already_polled


async def test_a_chats_feed_on_a_private_address_is_refused(engine, database_url, clock, site):
    runtime = user_feeds_runtime(engine, database_url, clock, allow_private_urls=False)
    url = site.put("/feed", rss(item(1)))
    with pytest.raises(FeedError, match=PRIVATE_ADDRESS):
        await feeds.add_feed(runtime, url, owner_chat_id=ALICE)
    assert site.hits["/feed"] == 0
    assert (await feeds.add_feed(runtime, url)).added == 1  # an admin's shared feed may be


async def test_a_feed_everyone_gets_is_not_added_again_for_one_chat(runtime, site):
    url = site.put("/feed", rss(item(1)))
    await feeds.add_feed(runtime, url)
    with pytest.raises(FeedError, match="Everyone already gets"):
        await feeds.add_feed(runtime, url, owner_chat_id=ALICE)


async def test_chats_remove_and_list_their_own_feeds_only(runtime, site):
    shared = await feeds.add_feed(runtime, site.put("/shared", rss(item(1))))
    await feeds.add_feed(runtime, site.put("/bob", rss(item(3))), owner_chat_id=BOB)
    alices = await feeds.add_feed(runtime, site.put("/alice", rss(item(2))), owner_chat_id=ALICE)
    with runtime.session() as session:
        for reference in ("2", str(alices.source_id), site.url("/shared"), site.url("/alice")):
            with pytest.raises(FeedError):
                feeds.remove_feed(session, reference, owner_chat_id=BOB)
        # Numbered by their place in each chat's own list: no gaps for the other chats' feeds.
        assert [(s.id, s.number) for s in feeds.feed_statuses(session, owner_chat_id=ALICE)] == [
            (alices.source_id, 1)
        ]
        assert [(s.id, s.number) for s in feeds.feed_statuses(session)] == [(shared.source_id, 1)]
        assert b"/alice" not in feeds.export_opml(session)
        assert feeds.remove_feed(session, "1", owner_chat_id=ALICE).id == alices.source_id
        assert feeds.feed_statuses(session, owner_chat_id=ALICE) == []
        assert [s.number for s in feeds.feed_statuses(session, owner_chat_id=BOB)] == [1]


async def test_an_opml_import_stops_at_the_quota(runtime):
    outlines = [OpmlOutline(f"Feed {n}", f"https://n{n}.example/rss") for n in range(4)]
    with runtime.session() as session:
        report = feeds.import_opml(
            session, build_opml(outlines, "x"), owner_chat_id=ALICE, limit=QUOTA
        )
        owned = session.exec(select(Source).where(Source.owner_chat_id == ALICE)).all()
    assert len(report.added) == QUOTA and len(report.over_limit) == 2
    assert {s.url for s in owned} == set(report.added)
    assert not any(s.trusted for s in owned)


async def test_a_failing_own_feed_tells_its_chat_not_the_admins(runtime, site, clock):
    url = site.put("/feed", rss(item(1)))
    added = await feeds.add_feed(runtime, url, owner_chat_id=ALICE)
    site.pages.pop("/feed")
    poller = Poller(runtime)
    for _ in range(3):
        clock.advance(hours=7)
        await poller.poll_due()
    with runtime.session() as session:
        told = session.exec(select(OutboxMessage.chat_id)).all()
    assert told == [ALICE]
    assert articles_of(runtime, added.source_id)  # the first poll's articles stay


# --- the commands ---------------------------------------------------------------------------


async def test_anyone_adds_a_feed_of_their_own_and_admins_a_shared_one(runtime, site):
    url = site.put("/feed", rss(item(1)))
    reply = await send(runtime, STRANGER, f"/addfeed {url}")
    assert reply.startswith("Feed added for this chat only: Harbour News")
    assert "I check it every 30 min." in reply
    assert "/addfeed" in await send(runtime, STRANGER, "/help")
    assert "This chat's own feeds (1 of 2)" in await send(runtime, STRANGER, "/feeds")

    shared = await send(runtime, ADMIN, f"/addfeed {site.put('/other', rss(item(2)))}")
    assert shared.startswith("Feed added: Harbour News")
    mine = await send(runtime, ADMIN, f"/addfeed mine {site.put('/mine', rss(item(3)))}")
    assert mine.startswith("Feed added for this chat only")
    with runtime.session() as session:
        owners = session.exec(select(Source.url, Source.owner_chat_id)).all()
    assert sorted(owners, key=lambda row: row[0]) == [
        (site.url("/feed"), STRANGER.chat.id),
        (site.url("/mine"), ADMIN.chat.id),
        (site.url("/other"), None),
    ]


async def test_without_user_feeds_strangers_are_refused(engine, database_url, clock, site):
    runtime = user_feeds_runtime(engine, database_url, clock, user_feeds=False)
    url = site.put("/feed", rss(item(1)))
    assert await send(runtime, STRANGER, f"/addfeed {url}") == REFUSAL
    assert "/addfeed" not in await send(runtime, STRANGER, "/help")
    assert "USER_FEEDS" in await send(runtime, ADMIN, f"/addfeed mine {url}")
    assert site.hits["/feed"] == 0


async def test_in_a_group_only_its_admins_change_its_feeds(runtime, site):
    url = site.put("/feed", rss(item(1)))
    reply = await send(runtime, GROUP_MEMBER, f"/addfeed {url}")
    assert reply == "Only the chat's administrators can change its feeds."
    opml = build_opml([OpmlOutline("Spam", "https://spam.example/rss")], "x")
    assert await upload(runtime, GROUP_MEMBER, opml) == reply
    assert site.hits["/feed"] == 0


async def test_the_quota_refusal_through_the_command(engine, database_url, clock, site):
    runtime = user_feeds_runtime(engine, database_url, clock, user_feed_limit=1)
    await send(runtime, asker(ALICE), f"/addfeed {site.put('/one', rss(item(1)))}")
    reply = await send(runtime, asker(ALICE), f"/addfeed {site.put('/two', rss(item(2)))}")
    assert reply == (
        "I couldn't add that feed: This chat already has as many feeds of its own as I keep "
        "for one chat (1). Remove one with /removefeed to add another."
    )
    assert site.hits["/two"] == 0
