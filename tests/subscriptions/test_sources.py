"""A chat's source choices: turned-off sources stay out of its digests, new ones are on, /stats
counts who turned what off, and a chat chooses only among the sources it may see."""

from __future__ import annotations

import pytest
from sqlmodel import select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.ops.stats import collect
from digests.store.tables import Source, Subscription
from digests.store.visibility import sources_of
from digests.subscriptions.digest import compose_digest, due_subscriptions
from digests.subscriptions.sources import (
    PAGE_SIZE,
    SourceError,
    keep_source,
    muted_counts,
    source_page,
)
from digests.subscriptions.subscribers import ChatInfo, change_setting, subscribe
from tests.subscriptions.test_digest import CHAT, compose_due, outbox

OTHER = ChatInfo(id=5002)


def story(title: str) -> RawArticle:
    # A summary leaves out the sentence its headline says, so each report tells one thing of its
    # own besides: in its own words, never in words another report used.
    news = " ".join([title, *[title.lower()] * 3]) + " today. "
    council = "The council met on Monday and agreed on a new plan for the harbour. "
    body = f"{title}. {news}" + council * 4
    return RawArticle(title=title, text=body, url=f"https://news.example/{title.replace(' ', '-')}")


def publish(runtime, url: str, title: str, *, owner: int | None = None) -> int:
    """A new article from the shared feed at `url` (or a chat's own feed there)."""
    with runtime.session() as session:
        query = select(Source).where(Source.url == url, sources_of(owner))
        source = session.exec(query).first()
        if source is None:
            source = Source(kind="feed", url=url, owner_chat_id=owner)
            session.add(source)
            session.flush()
        ingest_batch(session, prepare_batch([story(title)]), source=source, owner_chat_id=owner)
        return source.id


def instant(runtime, chat: ChatInfo) -> None:
    with runtime.session() as session:
        subscribe(session, chat, now=runtime.clock(), timezone="UTC", digest_time="08:00")
        change_setting(session, chat.id, "rhythm", "instant", now=runtime.clock())


def digest_texts(runtime, chat_id: int) -> list[str]:
    return [row.text for row in outbox(runtime) if row.chat_id == chat_id]


def keep(runtime, chat_id: int, source_id: int, value: bool) -> None:
    with runtime.session() as session:
        keep_source(session, chat_id, source_id, keep=value)


def test_a_source_turned_off_stays_out_of_the_digest_and_a_new_one_is_on(runtime, clock):
    harbour = publish(runtime, "https://harbour.example/feed", "Harbour opens")
    instant(runtime, CHAT)
    compose_due(runtime)  # the first digest: what there was
    keep(runtime, CHAT.id, harbour, False)

    publish(runtime, "https://harbour.example/feed", "Harbour closes again")
    publish(runtime, "https://sport.example/feed", "Cup final tonight")  # a source added now
    clock.advance(minutes=1)
    compose_due(runtime)
    latest = digest_texts(runtime, CHAT.id)[-1]
    assert "Cup final tonight" in latest and "Harbour closes again" not in latest

    keep(runtime, CHAT.id, harbour, True)
    publish(runtime, "https://harbour.example/feed", "Harbour reopens")
    clock.advance(minutes=1)
    compose_due(runtime)
    assert "Harbour reopens" in digest_texts(runtime, CHAT.id)[-1]
    assert "Harbour closes again" not in "".join(digest_texts(runtime, CHAT.id))


def test_an_instant_subscriber_is_not_kept_waiting_by_a_source_they_turned_off(runtime, clock):
    harbour = publish(runtime, "https://harbour.example/feed", "Harbour opens")
    instant(runtime, CHAT)
    compose_due(runtime)
    keep(runtime, CHAT.id, harbour, False)
    publish(runtime, "https://harbour.example/feed", "Harbour closes again")
    clock.advance(minutes=1)
    assert compose_due(runtime) == 0
    with runtime.session() as session:
        assert due_subscriptions(session, now=runtime.clock()) == []  # past it, not stuck


def test_one_chats_choice_is_not_anothers(runtime, clock):
    instant(runtime, CHAT)
    instant(runtime, OTHER)
    harbour = publish(runtime, "https://harbour.example/feed", "Harbour opens")
    keep(runtime, CHAT.id, harbour, False)
    compose_due(runtime)
    assert digest_texts(runtime, CHAT.id) == []
    assert "Harbour opens" in digest_texts(runtime, OTHER.id)[0]


def test_stats_count_the_chats_that_turned_each_shared_source_off(runtime):
    harbour = publish(runtime, "https://harbour.example/feed", "Harbour opens")
    sport = publish(runtime, "https://sport.example/feed", "Cup final tonight")
    for chat_id in (1, 2, 3):
        keep(runtime, chat_id, harbour, False)
    keep(runtime, 1, sport, False)
    keep(runtime, 2, sport, False)
    keep(runtime, 2, sport, True)  # changed their mind
    with runtime.session() as session:
        counts = [(m.title, m.chats) for m in muted_counts(session)]
        stats = collect(session, now=runtime.clock())
    assert counts == [("https://harbour.example/feed", 3), ("https://sport.example/feed", 1)]
    assert [(m.title, m.chats) for m in stats.muted_sources] == counts


def test_a_chat_chooses_among_the_shared_sources_and_its_own_only(runtime):
    shared = publish(runtime, "https://harbour.example/feed", "Harbour opens")
    mine = publish(runtime, "https://mine.example/feed", "My club news", owner=CHAT.id)
    theirs = publish(runtime, "https://theirs.example/feed", "Their club news", owner=OTHER.id)
    with runtime.session() as session:
        page_host = ensure_source(session, kind="page", url="https://blog.example").id
        listing = source_page(session, CHAT.id)
    assert [(c.source_id, c.kept, c.own) for c in listing.choices] == [
        (shared, True, False),
        (mine, True, True),
    ]
    for hidden in (theirs, page_host, 10**6):
        with runtime.session() as session, pytest.raises(SourceError):
            keep_source(session, CHAT.id, hidden, keep=False)


def test_sources_come_in_pages(runtime):
    ids = [publish(runtime, f"https://n{n}.example/feed", f"Story {n}") for n in range(10)]
    keep(runtime, CHAT.id, ids[-1], False)
    with runtime.session() as session:
        first = source_page(session, CHAT.id)
        last = source_page(session, CHAT.id, page=99)  # past the end: the last page
    assert (first.pages, first.total, first.muted) == (2, 10, 1)
    assert [c.source_id for c in first.choices] == ids[:PAGE_SIZE]
    assert [(c.source_id, c.kept) for c in last.choices][-1] == (ids[-1], False)
    assert last.page == 1


def test_a_chats_own_feed_reaches_its_digest_only(runtime, clock):
    instant(runtime, CHAT)
    instant(runtime, OTHER)
    compose_due(runtime)
    publish(runtime, "https://mine.example/feed", "My club news", owner=CHAT.id)
    clock.advance(minutes=1)
    compose_due(runtime)  # due although nothing for everyone is new
    assert "My club news" in digest_texts(runtime, CHAT.id)[-1]
    assert digest_texts(runtime, OTHER.id) == []
    with runtime.session() as session:
        mine = session.exec(select(Subscription).where(Subscription.chat_id == CHAT.id)).one()
        assert compose_digest(session, mine, now=runtime.clock()) == 0  # once
