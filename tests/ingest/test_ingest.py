"""Ingest: seeds on first start, deduplication, derived headlines, bad articles isolated."""

from sqlmodel import func, select

from digests.ingest.pipeline import ensure_source, ingest_batch, prepare_batch
from digests.ingest.seeding import ingest_seeds
from digests.ingest.sources.raw import RawArticle
from digests.store.tables import Article, Source
from digests.text.titles import HEADLINE_CHARS

BODY = (
    "The city council approved a new budget on Tuesday after a long debate about transport. "
    "Council members said the plan would expand bus routes and repair three bridges. "
    "Critics warned that the spending could raise local taxes next year. "
    "The mayor argued that the investment was overdue and would pay for itself."
)


def count_articles(runtime) -> int:
    with runtime.session() as session:
        return session.exec(select(func.count(Article.id))).one()


def test_seeds_are_ingested_once_even_after_restarts(runtime):
    first = ingest_seeds(runtime)
    assert first is not None and len(first.added) == 5
    assert ingest_seeds(runtime) is None
    assert count_articles(runtime) == 5


def test_seed_titles_are_own_headlines_or_their_first_sentence(seeded):
    with seeded.session() as session:
        titles = session.exec(select(Article.title).order_by(Article.id)).all()
    assert titles[0] == "Calls for a Ukraine ceasefire: Western diplomacy and Russian terms"
    assert (
        titles[2] == "Diplomatic Efforts Intensify Amid Ceasefire Hope Between Ukraine and Russia"
    )
    # Each longer than a headline: its opening words up to a clause or a word, marked as cut.
    assert titles[1] == (
        "As the conflict in Ukraine enters a period of intense diplomatic maneuvering and "
        "battlefield volatility…"
    )
    assert titles[3] == (
        "The world awaits peace, as Ukraine and Russia engage in ceasefire discussions, "
        "global powers…"
    )
    assert titles[4] == (
        "The protracted war between Russia and Ukraine may be approaching a potential turning "
        "point as diplomatic efforts…"
    )
    assert all(len(title) <= HEADLINE_CHARS for title in titles)


def test_a_title_over_the_column_is_cut_between_words(runtime):
    with runtime.session() as session:
        source = ensure_source(session, kind="feed", url="https://news.example/feed")
        [prepared] = prepare_batch([RawArticle(text=BODY, title="Budget news " * 60)])
        ingest_batch(session, [prepared], source=source)
        title = session.exec(select(Article.title)).one()
    assert len(title) <= 512 and title.endswith("…")
    assert set(title.removesuffix("…").split()) == {"Budget", "news"}  # whole words only


def test_duplicates_by_guid_url_and_content_are_skipped(runtime):
    with runtime.session() as session:
        source = ensure_source(
            session, kind="feed", url="https://news.example/feed", title="Example"
        )
        original = RawArticle(
            text=BODY, title="Budget", url="https://news.example/a?utm_source=x", guid="g1"
        )
        same_guid = RawArticle(text=BODY + " More.", title="Budget", guid="g1")
        same_url = RawArticle(text=BODY + " Other.", title="Budget", url="https://news.example/a")
        same_text = RawArticle(text=BODY, title="Budget again", guid="g2")
        batch = prepare_batch([original, same_guid, same_url, same_text])
        report = ingest_batch(session, batch, source=source)
    assert len(report.added) == 1
    assert report.duplicates == 3


def test_empty_or_tiny_articles_are_rejected_with_a_reason(runtime):
    with runtime.session() as session:
        source = ensure_source(session, kind="feed", url="https://news.example/feed")
        batch = prepare_batch([RawArticle(text="   "), RawArticle(text="Too short.")])
        report = ingest_batch(session, batch, source=source)
    assert report.added == []
    assert len(report.rejected) == 2
    assert all("too little text" in reason for reason in report.rejected)


def test_sources_are_not_duplicated(runtime):
    with runtime.session() as session:
        a = ensure_source(session, kind="feed", url="https://news.example/feed")
        b = ensure_source(session, kind="feed", url="https://news.example/feed")
        assert a.id == b.id
        assert session.exec(select(func.count(Source.id))).one() == 1
