"""A page a reader sent is read in that chat only: not by number, title words, wildcards or a
forged button from any other chat, and never in lists of news."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from bot import router
from bot.conversation import Answer, Asker
from digests.delivery.message import Message, to_plain_text
from digests.reading.articles import (
    article_card,
    article_text,
    find_articles,
    latest_articles,
    summary_of,
)
from digests.runtime import Runtime
from digests.store.tables import Article
from digests.subscriptions.subscribers import ChatInfo
from tests.ingest import private_pages
from tests.ingest.private_pages import MEMO_SENTENCE, MEMO_TITLE, put_memo, send_link

site = private_pages.site
loopback_only = private_pages.loopback_only
seeded_intranet = private_pages.seeded_intranet

ALICE = Asker(user_id=101, chat=ChatInfo(id=101))
BOB = Asker(user_id=202, chat=ChatInfo(id=202))
GONE = "That article is no longer available."


@pytest.fixture
async def memo(seeded_intranet, site) -> int:
    """Alice sent a link to her memo; its article's id."""
    return await send_link(seeded_intranet, put_memo(site, []), chat_id=ALICE.chat.id)


async def ask(runtime: Runtime, asker: Asker, line: str) -> str:
    name, _, args = line.removeprefix("/").partition(" ")
    return shown(await asyncio.to_thread(router.run_command, runtime, asker, name, args))


async def press(runtime: Runtime, asker: Asker, data: str) -> Answer:
    return await asyncio.to_thread(router.press_button, runtime, asker, data)


def shown(messages: list[Message]) -> str:
    """What a chat sees of messages: their text and their buttons (labels, data, links)."""
    return "\n".join(to_plain_text(m.html) + repr(m.buttons) for m in messages)


def answered(answer: Answer) -> str:
    return shown([*([answer.edit] if answer.edit else []), *answer.send])


def mentions_memo(seen: str, memo: int) -> bool:
    return any(sign in seen for sign in (MEMO_SENTENCE, f"sum:{memo}", f"read:{memo}", "/memo"))


async def test_another_chat_cannot_find_a_page_by_number_words_or_wildcards(seeded_intranet, memo):
    for line in (
        f"/summary {memo}",
        f"/summary #{memo}",
        "/summary confidential memo",
        "/summary Confidential memo on the merger",
        "/summary merger",
        "/summary __",
        "/summary _",
        "/summary %",
    ):
        assert not mentions_memo(await ask(seeded_intranet, BOB, line), memo), line
    assert await ask(seeded_intranet, BOB, f"/summary {memo}") == (
        f"There is no story #{memo}. See /latest for the list.()"
    )
    # `_` is a LIKE wildcard: unescaped, "__" matched every title two letters long or more.
    assert (await ask(seeded_intranet, BOB, "/summary __")).startswith("No article title matches")


async def test_a_forged_button_shows_another_chat_nothing(seeded_intranet, memo):
    for data in (f"read:{memo}", f"sum:{memo}", f"sum:{memo}:long"):
        answer = await press(seeded_intranet, BOB, data)
        assert (answer.edit, answer.send, answer.notice) == (None, [], GONE), data


async def test_the_chat_that_sent_a_page_reads_it_every_way(seeded_intranet, memo, site):
    # Its own: no story, so no number (numbers are the stories everyone reads).
    assert (await ask(seeded_intranet, ALICE, "/summary confidential memo")).startswith(MEMO_TITLE)
    for data in (f"read:{memo}", f"sum:{memo}", f"sum:{memo}:long"):
        answer = await press(seeded_intranet, ALICE, data)
        assert MEMO_TITLE in answered(answer), data
    [summary] = (await press(seeded_intranet, ALICE, f"sum:{memo}")).send
    assert [b.url for row in summary.buttons for b in row if b.url] == [site.url("/memo")]


async def test_a_page_is_no_news_not_even_for_its_reader(seeded_intranet, memo):
    assert MEMO_TITLE not in await ask(seeded_intranet, ALICE, "/latest")


def test_every_reading_use_case_asks_who_is_reading(seeded_intranet):
    """The core answers for a chat: a page it did not send does not exist for it."""
    with seeded_intranet.session() as session:
        public = session.exec(select(Article)).first()
        memo = Article(
            source_id=public.source_id,
            owner_chat_id=ALICE.chat.id,
            content_hash="memo",
            title=MEMO_TITLE,
            text="The board will approve the merger. " * 10,
        )
        session.add(memo)
        session.flush()
        for chat, sees in ((ALICE.chat.id, True), (BOB.chat.id, False), (None, False)):
            assert (article_card(session, memo.id, chat_id=chat) is not None) is sees
            assert (article_text(session, memo.id, chat_id=chat) is not None) is sees
            assert (summary_of(session, memo.id, chat_id=chat) is not None) is sees
            found = [c.id for c in find_articles(session, "confidential memo", chat_id=chat)]
            assert (memo.id in found) is sees
        assert memo.id not in [c.id for c in latest_articles(session, limit=50)]
        assert summary_of(session, public.id, chat_id=BOB.chat.id) is not None
