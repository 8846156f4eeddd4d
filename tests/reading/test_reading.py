"""Reading use cases: newest first, lookup by title, summaries computed once and stored."""

from sqlmodel import delete, func, select

from digests.reading.articles import find_articles, latest_articles, summary_of
from digests.store.tables import Article, Summary
from digests.text.summarize import LENGTHS


def test_latest_is_newest_first_and_pages(seeded):
    with seeded.session() as session:
        page = latest_articles(session, limit=3)
        rest = latest_articles(session, limit=3, offset=3)
    assert len(page) == 3 and len(rest) == 2
    dates = [card.date for card in page + rest]
    assert dates == sorted(dates, reverse=True)
    assert {c.id for c in page}.isdisjoint({c.id for c in rest})


def test_find_articles_by_title_words(seeded):
    with seeded.session() as session:
        found = find_articles(session, "efforts intensify", chat_id=1)
    assert found[0].title.startswith("Diplomatic Efforts Intensify")


def test_title_words_match_whatever_the_case_in_any_alphabet(runtime):
    from digests.ingest.sources.raw import RawArticle
    from tests.news import arrive

    text = "Путин прибыл в Пекин на переговоры о прекращении огня во вторник утром. " * 4
    arrive(runtime, [RawArticle(title="ПУТИН в Пекине", text=text, language="ru")])
    with runtime.session() as session:
        found = find_articles(session, "путин пекине", chat_id=None)
    assert [card.title for card in found] == ["ПУТИН в Пекине"]


def summaries_of(session, article_id: int) -> int:
    return session.exec(
        select(func.count(Summary.id)).where(Summary.article_id == article_id)
    ).one()


def test_summaries_are_computed_at_ingest_and_reused(seeded):
    with seeded.session() as session:
        article = session.exec(select(Article).order_by(Article.id)).first()
        at_ingest = summaries_of(session, article.id)
        first = summary_of(session, article.id, chat_id=1, length="medium")
        again = summary_of(session, article.id, chat_id=1, length="medium")
        after_reading = summaries_of(session, article.id)
    assert first.sentences == again.sentences
    assert len(first.sentences) == 3
    assert all(sentence in article.text for sentence in first.sentences)
    assert at_ingest == after_reading == len(LENGTHS)


def test_a_summary_missing_is_computed_once_and_stored(seeded):
    with seeded.session() as session:
        article = session.exec(select(Article).order_by(Article.id)).first()
        session.exec(delete(Summary).where(Summary.article_id == article.id))
    with seeded.session() as session:
        first = summary_of(session, article.id, chat_id=1, length="medium")
    with seeded.session() as session:
        again = summary_of(session, article.id, chat_id=1, length="medium")
        stored = summaries_of(session, article.id)
    assert first.sentences == again.sentences
    assert stored == 1


def test_summary_of_a_missing_article_is_none(seeded):
    with seeded.session() as session:
        assert summary_of(session, 10_000_000, chat_id=1) is None
