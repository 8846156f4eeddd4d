"""Inline sharing: `@bot words` in any chat lists articles; the chosen one is posted with its
title, summary and link; pages a reader sent for themselves never appear."""

from __future__ import annotations

from sqlmodel import select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.sources.raw import RawArticle
from digests.reading.articles import latest_articles
from digests.store.tables import Article

USER = 3003
FRIEND_CHAT = -100777


def titles(answer) -> list[str]:
    return [result["title"] for result in answer.results]


async def ask(emulator, query: str, **kwargs):
    query_id = emulator.user_types_inline(USER, query, **kwargs)
    return await emulator.wait_for_inline_answer(query_id)


async def test_an_empty_query_lists_the_latest_articles_newest_first(live_bot, emulator):
    answer = await ask(emulator, "")
    with live_bot.session() as session:
        newest = [card.title for card in latest_articles(session, limit=10)]
    assert titles(answer) == newest
    assert answer.next_offset == ""  # five seeds: one page


async def test_words_find_matching_titles_and_the_choice_posts_the_summary(live_bot, emulator):
    answer = await ask(emulator, "ceasefire")
    assert answer.results and all("ceasefire" in t.lower() for t in titles(answer))
    chosen = answer.results[0]
    posted = emulator.user_chooses_inline(FRIEND_CHAT, answer, chosen["id"])
    with live_bot.session() as session:
        article = session.get(Article, int(chosen["id"]))
    assert posted.plain_text.startswith(article.title)
    body = posted.plain_text.split("\n\n")[1]
    assert body and body.split(". ")[0] in article.text  # the summary, verbatim from it
    assert chosen["description"] and chosen["description"][:20] in body


async def test_pages_a_reader_sent_never_appear(live_bot, emulator):
    with live_bot.session() as session:
        page = ensure_source(session, kind="page", url="http://intranet.example", title="memo")
        ingest_batch(
            session,
            prepare_batch(
                [
                    RawArticle(
                        text="The ceasefire memo is confidential. " * 20,
                        title="Confidential ceasefire memo",
                        url="http://intranet.example/memo",
                    )
                ]
            ),
            source=page,
            owner_chat_id=USER,
        )
        stored = session.exec(select(Article).where(Article.title.contains("memo"))).one()
    for query in ("", "confidential memo", "ceasefire", "__", "%"):
        answer = await ask(emulator, query)
        assert str(stored.id) not in [r["id"] for r in answer.results], query
        assert "Confidential ceasefire memo" not in titles(answer), query


async def test_a_scrolling_client_gets_the_next_page_and_a_bad_offset_the_first(live_bot, emulator):
    first = await ask(emulator, "", offset="junk²")
    assert titles(first) == titles(await ask(emulator, ""))
    beyond = await ask(emulator, "", offset="10")
    assert beyond.results == [] and beyond.next_offset == ""
