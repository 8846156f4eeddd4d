"""Readers' pages end to end: Alice's page stays in Alice's chat, whatever Bob sends or forges,
and a page with a fabricated quote reaches neither /actor nor Carol, who follows the person."""

from __future__ import annotations

from sqlmodel import select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.store.tables import Article, OutboxMessage
from tests.e2e.test_bot_e2e import button, eventually, say
from tests.e2e.test_feeds_e2e import become_instant_subscriber, intranet_bot, message_containing
from tests.ingest import private_pages
from tests.ingest.private_pages import (
    FABRICATED_QUOTE,
    FABRICATED_TITLE,
    MEMO_SENTENCE,
    MEMO_TITLE,
    PASSWORD,
    TOKEN,
    put_fabrication,
    put_memo,
)

site = private_pages.site
loopback_only = private_pages.loopback_only
intranet_bot = intranet_bot  # the seeded bot with ALLOW_PRIVATE_URLS=true

ALICE, BOB, CAROL = 2101, 2102, 2103
GONE = "That article is no longer available."
NEWS = RawArticle(
    title="Harbour reopens after the storm",
    text="The harbour reopened on Tuesday after two days of storms closed it to ships. " * 4,
    url="https://news.example/harbour-reopens",
)


def stored_id(runtime, title: str) -> int:
    with runtime.session() as session:
        return session.exec(select(Article.id).where(Article.title == title)).one()


def digest_texts(runtime, chat_id: int) -> list[str]:
    """Every digest message queued for the chat, sent or not."""
    with runtime.session() as session:
        query = select(OutboxMessage.text).where(OutboxMessage.chat_id == chat_id)
        return [text for text in session.exec(query).all() if "Your digest" in text]


def offers(message, article_id: int) -> bool:
    return any(
        (b.get("callback_data") or "").split(":")[1:2] == [str(article_id)] for b in message.buttons
    )


async def test_a_readers_pages_stay_theirs_and_put_no_words_in_anyones_mouth(
    intranet_bot, emulator, site
):
    await become_instant_subscriber(emulator, CAROL)
    [profile] = await say(emulator, "/actor Zelensky", chat_id=CAROL)
    follow = button(profile, "Follow in my digests")["callback_data"]
    emulator.user_presses(CAROL, profile.message_id, follow)
    await eventually(lambda: any("You now follow" in (a.text or "") for a in answers(emulator)))

    [memo] = await say(emulator, f"/summary {put_memo(site, [])}", chat_id=ALICE)
    assert memo.plain_text.startswith(MEMO_TITLE)
    assert button(memo, "Read the article")["url"] == site.url("/memo")
    assert PASSWORD not in repr(memo.buttons) and TOKEN not in repr(memo.buttons)
    [fabricated] = await say(emulator, f"/summary {put_fabrication(site)}", chat_id=ALICE)
    assert fabricated.plain_text.startswith(FABRICATED_TITLE)  # her page, summarized for her
    memo_id = stored_id(intranet_bot, MEMO_TITLE)

    for line in (f"/summary {memo_id}", "/summary confidential memo", "/summary __"):
        [reply] = await say(emulator, line, chat_id=BOB)
        assert MEMO_SENTENCE not in reply.plain_text and not offers(reply, memo_id), line
    [nothing] = await say(emulator, "/summary __", chat_id=BOB)
    assert nothing.plain_text.startswith("No article title matches")

    [latest] = await say(emulator, "/latest", chat_id=BOB)
    assert MEMO_TITLE not in latest.plain_text and FABRICATED_TITLE not in latest.plain_text
    sent_to_bob = len(emulator.sent(BOB))
    for data in (f"read:{memo_id}", f"sum:{memo_id}", f"sum:{memo_id}:long"):
        query = emulator.user_presses(BOB, latest.message_id, data, forged=True)
        await eventually(lambda q=query: any(a.callback_query_id == q for a in answers(emulator)))
        [answer] = [a for a in answers(emulator) if a.callback_query_id == query]
        assert answer.text == GONE, data
    assert len(emulator.sent(BOB)) == sent_to_bob
    assert emulator.sent(BOB)[-1].plain_text == latest.plain_text  # not edited either

    [actor] = await say(emulator, "/actor Selenskyj", chat_id=BOB)
    assert "Zelensky" in actor.plain_text and FABRICATED_QUOTE not in actor.plain_text

    with intranet_bot.session() as session:  # news after the fabrication: Carol's next digest
        feed = ensure_source(session, kind="feed", url="https://news.example/feed")
        ingest_batch(session, prepare_batch([NEWS]), source=feed)
    await message_containing(emulator, CAROL, NEWS.title)
    queued = digest_texts(intranet_bot, CAROL)
    assert len(queued) == 1  # the news: Carol started from now, and no fabrication since
    assert not any(FABRICATED_QUOTE in text or "people you follow" in text for text in queued)
    assert not any(FABRICATED_QUOTE in m.plain_text for m in emulator.sent(CAROL))


def answers(emulator):
    return list(emulator.callback_answers)
