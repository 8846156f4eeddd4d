"""Users send links, forwarded posts and texts; they get summaries, or a clear reason why not."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlmodel import select

from bot import router
from bot.conversation import Asker
from bot.handlers import feeds as feed_handlers
from digests.delivery.message import Message, to_plain_text
from digests.ingest.user_links import NO_ARTICLE, find_links
from digests.runtime import Runtime
from digests.store.tables import Article, Source
from digests.subscriptions.subscribers import ChatInfo
from tests.conftest import make_settings
from tests.ingest import test_polling
from tests.ingest.private_pages import (
    MEMO_TITLE,
    PASSWORD,
    TOKEN,
    USERNAME,
    put_memo,
    send_link,
)
from tests.ingest.test_polling import article_page, story_text, story_title

site = test_polling.site
loopback_only = test_polling.loopback_only

READER = Asker(user_id=2001, chat=ChatInfo(id=2001))
PRIVATE = "That address points to a private network and is not allowed."


@pytest.fixture
def guarded(engine, database_url, clock) -> Runtime:
    """The default: links from users may not reach private addresses (here: 127.0.0.1)."""
    settings = make_settings(database_url, fetch_timeout_seconds=1.0)
    return Runtime(settings=settings, engine=engine, clock=clock)


@pytest.fixture
def intranet(engine, database_url, clock) -> Runtime:
    """ALLOW_PRIVATE_URLS=true, as for a bot that summarizes an intranet."""
    settings = make_settings(database_url, fetch_timeout_seconds=1.0, allow_private_urls=True)
    return Runtime(settings=settings, engine=engine, clock=clock)


async def ask(runtime: Runtime, line: str) -> list[Message]:
    name, _, args = line.removeprefix("/").partition(" ")
    return await asyncio.to_thread(router.run_command, runtime, READER, name, args)


async def share(runtime: Runtime, text: str) -> list[Message]:
    """What the transports do with a post sent, forwarded or replied to: text and its links."""
    return await router.summarize_post(runtime, READER, text, find_links(text))


def plain(messages: list[Message]) -> str:
    return "\n\n".join(to_plain_text(m.html) for m in messages)


def articles(runtime: Runtime) -> list[Article]:
    with runtime.session() as session:
        return list(session.exec(select(Article)).all())


def bullets(messages: list[Message]) -> list[str]:
    return [line[2:] for line in plain(messages).splitlines() if line.startswith("• ")]


# --- links --------------------------------------------------------------------------------------


async def test_a_private_address_is_refused_by_default(guarded, site):
    url = site.put("/story/1", article_page(1), "text/html")
    assert plain(await ask(guarded, f"/summary {url}")) == PRIVATE
    assert site.hits["/story/1"] == 0
    assert articles(guarded) == []


async def test_a_link_is_fetched_summarized_and_kept_under_its_host(intranet, site):
    url = site.put("/story/1", article_page(1), "text/html; charset=utf-8")
    [reply] = await ask(intranet, f"/summary {url}")
    text = to_plain_text(reply.html)
    assert text.startswith(story_title(1))
    sentences = bullets([reply])
    assert len(sentences) == 2 and all(s in story_text(1) for s in sentences)
    assert ("Read the article", url) in [(b.text, b.url) for row in reply.buttons for b in row]
    with intranet.session() as session:
        [source] = session.exec(select(Source)).all()
    assert (source.kind, source.url, source.title) == ("page", site.base, "127.0.0.1")


async def test_the_same_link_again_is_answered_from_what_is_stored(intranet, site):
    url = site.put("/story/1", article_page(1), "text/html")
    first = plain(await ask(intranet, f"/summary {url}"))
    again = plain(await share(intranet, f"Have you seen this? {url}?utm_source=share."))
    assert first == again
    assert site.hits["/story/1"] == 1 and len(articles(intranet)) == 1


async def test_pages_of_one_host_share_one_source(intranet, site):
    for n in (1, 2):
        site.put(f"/story/{n}", article_page(n), "text/html")
        await ask(intranet, f"/summary {site.url(f'/story/{n}')}")
    with intranet.session() as session:
        assert len(session.exec(select(Source)).all()) == 1
    assert len(articles(intranet)) == 2


async def test_a_page_without_an_article_is_explained(intranet, site):
    url = site.put(
        "/", "<html><body><p>Welcome!</p><a href='/a'>News</a></body></html>", "text/html"
    )
    assert plain(await ask(intranet, f"/summary {url}")) == NO_ARTICLE


async def test_a_missing_page_is_explained(intranet, site):
    reply = plain(await ask(intranet, f"/summary {site.url('/nothing')}"))
    assert reply == "The server answered 404 Not Found."


async def test_a_page_is_summarized_again_by_title_and_takes_no_number(intranet, site):
    url = site.put("/story/3", article_page(3), "text/html")
    by_link = plain(await ask(intranet, f"/summary {url}"))
    [article] = articles(intranet)
    by_title = plain(await ask(intranet, "/summary Ferries resume story"))
    assert by_link == by_title and by_link.startswith(f"{story_title(3)}\n")  # no "#N" on it
    assert article.story_id is None  # numbers are the stories everyone reads
    by_id = plain(await ask(intranet, f"/summary {article.id}"))
    assert story_title(3) not in by_id


# --- forwarded posts and texts ------------------------------------------------------------------


async def test_a_long_text_without_a_link_is_summarized_and_not_kept(guarded):
    reply = await share(guarded, story_text(4))
    assert "Summary of the text you sent" in plain(reply)
    assert len(bullets(reply)) == 2 and all(s in story_text(4) for s in bullets(reply))
    assert articles(guarded) == []


async def test_a_post_whose_link_fails_falls_back_to_its_own_text(guarded, site):
    url = site.put("/story/5", article_page(5), "text/html")
    reply = plain(await share(guarded, f"{story_text(5)}\n\nMore at {url}"))
    assert "Summary of the text you sent" in reply


async def test_a_short_post_whose_link_fails_gives_the_links_reason(guarded, site):
    url = site.put("/story/5", article_page(5), "text/html")
    assert plain(await share(guarded, f"Look: {url}")) == PRIVATE


async def test_a_short_text_without_a_link_gets_a_hint(guarded):
    reply = plain(await share(guarded, "hello there"))
    assert reply == feed_handlers.SEND_SOMETHING


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("See https://a.example/x.", ["https://a.example/x"]),
        ("(https://a.example/wiki/Foo_(bar)) and", ["https://a.example/wiki/Foo_(bar)"]),
        (
            "“http://a.example/q?x=1&y=2”, twice: http://a.example/q?x=1&y=2",
            ["http://a.example/q?x=1&y=2"],
        ),
        (
            "two: https://a.example/1 https://b.example/2!",
            ["https://a.example/1", "https://b.example/2"],
        ),
        ("no links, just a.example and ftp://c.example", []),
    ],
)
def test_links_are_found_without_the_punctuation_around_them(text, links):
    assert find_links(text) == links


# --- a reader's pages stay theirs ---------------------------------------------------------------


def read_url(reply: Message) -> str | None:
    return next((b.url for row in reply.buttons for b in row if b.url), None)


async def test_credentials_in_a_link_are_never_sent_kept_shown_or_logged(intranet, site, caplog):
    requests = []
    link = put_memo(site, requests)
    with caplog.at_level(logging.DEBUG):
        [reply] = await ask(intranet, f"/summary {link}")
    assert plain([reply]).startswith(MEMO_TITLE)
    [request] = requests
    assert request.query_string == "" and "Authorization" not in request.headers
    assert read_url(reply) == site.url("/memo")
    with intranet.session() as session:
        rows = [*session.exec(select(Article)).all(), *session.exec(select(Source)).all()]
    everything_kept = repr([row.model_dump() for row in rows]) + caplog.text + reply.html
    assert PASSWORD not in everything_kept and TOKEN not in everything_kept
    assert USERNAME not in everything_kept


async def test_two_chats_sending_one_link_each_get_their_own_copy(intranet, site):
    url = site.put("/story/1", article_page(1), "text/html")
    first = await send_link(intranet, url, chat_id=1)
    second = await send_link(intranet, url, chat_id=2)
    again = await send_link(intranet, f"{url}?utm_source=share", chat_id=1)
    assert first != second and again == first
    assert site.hits["/story/1"] == 2  # the second chat's copy is its own download
    assert {a.id: a.owner_chat_id for a in articles(intranet)} == {first: 1, second: 2}


async def test_a_link_to_a_feeds_article_is_answered_with_it(intranet, site):
    from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
    from digests.ingest.sources.raw import RawArticle

    url = site.put("/story/2", article_page(2), "text/html")
    with intranet.session() as session:
        feed = ensure_source(session, kind="feed", url=site.url("/feed"))
        story = RawArticle(text=story_text(2), title=story_title(2), url=url)
        [published] = ingest_batch(session, prepare_batch([story]), source=feed).added
    assert await send_link(intranet, url, chat_id=1) == published
    assert site.hits["/story/2"] == 0


async def test_a_text_summary_quotes_no_credentials_of_the_links_in_it(guarded):
    link = f"http://{USERNAME}:{PASSWORD}@intranet.example/memo?access_token={TOKEN}"
    text = " ".join(
        f"Report {n}: the memo at {link} explains the plan in detail." for n in range(9)
    )
    reply = plain(await share(guarded, text))
    assert "Summary of the text you sent" in reply and "intranet.example/memo" in reply
    assert PASSWORD not in reply and TOKEN not in reply and USERNAME not in reply
