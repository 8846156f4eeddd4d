"""Strings longer than their columns: stored cut or left out on purpose, alike on both databases.

PostgreSQL refused them (every poll of a feed with a 600-character title failed, /addfeed of it
raised DataError, an entry with a 300-character author vanished) while SQLite kept them whole.
These tests use the `engine` fixture, so CI runs them on PostgreSQL too.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from sqlalchemy import String, Text
from sqlmodel import SQLModel

from digests.store.tables import Actor, BoundedString, Chat, Overflow, Source
from tests.ingest import test_polling
from tests.ingest.test_feeds_admin import ADMIN, send, sources
from tests.ingest.test_polling import add_source, item, poll, rss, source_row, stored_articles

site = test_polling.site
feed_runtime = test_polling.feed_runtime
loopback_only = test_polling.loopback_only

LONG_TITLE = "Harbour " * 80  # 640 characters
LONG_ETAG = '"' + "e" * 600 + '"'
LONG_DATE = "Sun, 22 Nov 2026 08:00:00 GMT (" + "x" * 200 + ")"
LONG_AUTHOR = "Ada " * 80  # 320 characters
LONG_LINK = "https://news.example/story/" + "a" * 2100

# Columns whose values only the code makes, or that are validated before storing (a time zone
# is a real zone, keywords are cut to 1,024 on entry, feed and page addresses pass fetch's
# MAX_LINK_CHARS); every other bounded string column must say what happens to a long value.
BOUNDED_BY_CONSTRUCTION = {
    "source.kind",
    "source.url",
    "article.content_hash",
    "article.language",
    "summary.length",
    "actor.kind",
    "statement.kind",
    "rolestatement.kind",
    "chat.kind",
    "subscription.rhythm",
    "subscription.digest_time",
    "subscription.timezone",
    "subscription.summary_length",
    "subscription.include_keywords",
    "subscription.exclude_keywords",
    "subscription.quiet_start",
    "subscription.quiet_end",
    "outboxmessage.idempotency_key",
    "outboxmessage.status",
    "broadcast.status",
    "sendshare.owner",
}


def entry_with_author(n: int, author: str, **kwargs) -> str:
    return item(n, **kwargs).replace("<item>", f"<item><author>{escape(author)}</author>", 1)


def test_every_string_column_is_unbounded_fitted_or_bounded_by_construction():
    unaccounted = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, (BoundedString, Text)) or not isinstance(kind, String):
                continue
            if f"{table.name}.{column.name}" not in BOUNDED_BY_CONSTRUCTION:
                unaccounted.append(f"{table.name}.{column.name}")
    assert unaccounted == []


def test_bounded_strings_cut_text_and_omit_values_wrong_once_cut():
    cut = BoundedString(10, Overflow.CUT)
    omit = BoundedString(10, Overflow.OMIT)
    assert cut.process_bind_param("a" * 25, None) == "a" * 9 + "…"
    assert cut.process_bind_param("a" * 10, None) == "a" * 10
    assert omit.process_bind_param("a" * 11, None) is None
    assert omit.process_bind_param("a" * 10, None) == "a" * 10
    assert cut.process_bind_param(None, None) is None


async def test_a_feed_with_overlong_title_and_validators_is_polled_every_time(feed_runtime, site):
    feed = rss(item(1), title=LONG_TITLE)
    url = site.put("/feed", feed, ETag=LONG_ETAG, **{"Last-Modified": LONG_DATE})
    source_id = add_source(feed_runtime, url)
    [first] = await poll(feed_runtime)
    assert first.error is None and len(first.added) == 1
    source = source_row(feed_runtime, source_id)
    assert len(source.title) == 512 and source.title.endswith("…")
    assert source.title.startswith("Harbour Harbour")
    # Cut validators would never match again: the feed is fetched whole instead.
    assert source.etag is None and source.last_modified is None
    assert source.error_count == 0
    site.put("/feed", rss(item(1), item(2), title=LONG_TITLE), ETag=LONG_ETAG)
    feed_runtime.clock.advance(hours=1)
    [second] = await poll(feed_runtime)
    assert second.error is None and len(second.added) == 1
    assert source_row(feed_runtime, source_id).error_count == 0


async def test_addfeed_of_a_feed_with_an_overlong_title_answers(feed_runtime, site):
    url = site.put("/feed", rss(item(1), item(2), title=LONG_TITLE), ETag=LONG_ETAG)
    reply = await send(feed_runtime, ADMIN, f"/addfeed {url}")
    assert "Feed added: Harbour Harbour" in reply
    assert "First poll: 2 articles" in reply
    [source] = sources(feed_runtime)
    assert source.title.endswith("…")


async def test_entries_with_overlong_author_or_link_are_stored(feed_runtime, site):
    url = site.put(
        "/feed", rss(entry_with_author(1, LONG_AUTHOR), item(2, link=LONG_LINK, guid=None))
    )
    source_id = add_source(feed_runtime, url)
    [outcome] = await poll(feed_runtime)
    assert outcome.error is None and len(outcome.added) == 2
    by_author, by_link = sorted(
        stored_articles(feed_runtime, source_id), key=lambda a: a.url or "~"
    )
    assert len(by_author.author) == 256 and by_author.author.endswith("…")
    # A link cut short would lead somewhere else: the article stays, without its link.
    assert by_link.url is None and by_link.canonical_url is None
    assert by_link.title


async def test_an_overlong_feed_address_is_refused_with_a_reason(feed_runtime, site):
    reply = await send(feed_runtime, ADMIN, f"/addfeed {site.url('/' + 'f' * 2100)}")
    assert "That link is too long (over 2,000 characters)." in reply
    assert sources(feed_runtime) == []


@pytest.mark.parametrize(
    ("row", "field", "limit"),
    [
        (lambda value: Chat(id=77, title=value), "title", 256),
        (lambda value: Actor(name=value, role=value), "name", 256),
        (
            lambda value: Source(kind="feed", url="https://x.example/f", last_error=value),
            "last_error",
            512,
        ),
    ],
)
def test_long_names_titles_and_errors_are_stored_cut(runtime, row, field, limit):
    with runtime.session() as session:
        stored = row("Ω" * (limit * 3))
        session.add(stored)
        session.flush()
        key = stored.id
        kind = type(stored)
    with runtime.session() as session:
        value = getattr(session.get(kind, key), field)
    assert len(value) == limit and value.endswith("Ω…")
