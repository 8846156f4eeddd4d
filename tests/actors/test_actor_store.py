"""Actors in SQL: one actor whatever the spelling, statements across articles, lookups."""

from sqlmodel import select

from digests.actors.store import actor_page, lookup_actors, top_actors
from digests.store.tables import Mention, Statement
from tests.ingest import private_pages
from tests.ingest.private_pages import FABRICATED_QUOTE, put_fabrication, send_link

site = private_pages.site
loopback_only = private_pages.loopback_only
seeded_intranet = private_pages.seeded_intranet

SELENSKYJ_QUOTE = "We must move toward peace and establish security guarantees"
ZELENSKY_QUOTE = "Every time we approach meaningful discussions, Russia finds ways to stall"


def all_lines(session, actor_id):
    lines, page = [], 0
    while True:
        found = actor_page(session, actor_id, page=page, size=4)
        lines += found.lines
        if not found.has_next:
            return found, lines
        page += 1


def statements_of(session, actor_id):
    return [line for line in all_lines(session, actor_id)[1] if line.kind != "mention"]


def test_every_spelling_finds_the_same_actor_with_quotes_from_both_articles(seeded):
    with seeded.session() as session:
        found = {
            query: lookup_actors(session, query)[0]
            for query in ("Zelensky", "Zelenskyy", "Selenskyj", "selensky", "ZELENSKY")
        }
        assert len({actor_id for actor_id, _, _ in found.values()}) == 1
        actor_id = found["Zelensky"][0]
        statements = statements_of(session, actor_id)
    quotes = [line.text for line in statements if line.kind == "quote"]
    assert any(SELENSKYJ_QUOTE in quote for quote in quotes)  # the article spelling "Selenskyj"
    assert any(ZELENSKY_QUOTE in quote for quote in quotes)  # the article spelling "Zelensky"
    titles = {line.article_title for line in statements}
    assert len(titles) >= 3  # 002, 003 and 004 all report what he said


def test_a_person_is_shown_under_the_spelling_most_articles_use(seeded):
    # Three seeds spell him three ways, the German "Selenskyj" first; "Zelenskyy" is the
    # spelling written most often, so it is his name everywhere, whichever came first.
    with seeded.session() as session:
        [(_, name, _)] = lookup_actors(session, "Selenskyj", limit=1)
        shown = {name for _, name, _ in top_actors(session, limit=20)}
    assert name == "Volodymyr Zelenskyy"
    assert "Volodymyr Zelenskyy" in shown and "Volodymyr Selenskyj" not in shown


def test_names_in_cyrillic_find_the_same_person(seeded):
    with seeded.session() as session:
        latin = lookup_actors(session, "Zelensky", limit=1)[0][0]
        for query in ("Зеленский", "Зеленський", "Владимир Зеленский", "Путин"):
            found = lookup_actors(session, query, limit=1)
            assert found, query
        assert lookup_actors(session, "Зеленский", limit=1)[0][0] == latin
        assert lookup_actors(session, "Путин", limit=1)[0][1] == "Vladimir Putin"


def test_statements_come_newest_first_then_mentions(seeded):
    with seeded.session() as session:
        [(putin, name, _)] = lookup_actors(session, "putin", limit=1)
        first, lines = all_lines(session, putin)
    assert name == "Vladimir Putin"
    kinds = [line.kind for line in lines]
    assert kinds.index("mention") == first.statement_count  # every statement before mentions
    statements, mentions = lines[: first.statement_count], lines[first.statement_count :]
    dates = [line.article_date for line in statements]
    assert dates == sorted(dates, reverse=True)
    assert mentions and all(line.kind == "mention" for line in mentions)
    assert len(lines) == len({(line.kind, line.text) for line in lines})  # no line twice


def test_nobody_else_gets_someone_elses_quote(seeded):
    with seeded.session() as session:
        [(trump, _, _)] = lookup_actors(session, "Trump", limit=1)
        quotes = [line.text for line in statements_of(session, trump)]
    assert not any("We must defeat the enemy in Kursk" in quote for quote in quotes)
    assert any("We want to put this war behind us" in quote for quote in quotes)


def test_most_mentioned_actors(seeded):
    with seeded.session() as session:
        ranked = top_actors(session, limit=3)
    assert ranked[0][1] == "Vladimir Putin"
    assert [count for _, _, count in ranked] == sorted((c for _, _, c in ranked), reverse=True)


def test_name_searches_take_wildcards_literally(seeded):
    """`_` and `%` are LIKE wildcards: unescaped, they matched every alias."""
    with seeded.session() as session:
        for pattern in ("%utin", "_ladimir", "Dona%"):
            assert lookup_actors(session, pattern) == [], pattern
        assert lookup_actors(session, "Vladimir")[0][1] == "Vladimir Putin"


async def test_a_page_a_reader_sent_puts_no_words_in_anyones_mouth(seeded_intranet, site):
    """Anyone can send any page: its quotes and names are no record of anyone, for anyone."""
    with seeded_intranet.session() as session:
        zelensky = lookup_actors(session, "Zelensky")[0][0]
        before = (all_lines(session, zelensky)[0], top_actors(session, limit=50))
    page_id = await send_link(seeded_intranet, put_fabrication(site), chat_id=101)
    with seeded_intranet.session() as session:
        first, lines = all_lines(session, zelensky)
        assert (first, top_actors(session, limit=50)) == before
        assert not any(FABRICATED_QUOTE in line.text for line in lines)
        for table in (Statement, Mention):
            assert session.exec(select(table).where(table.article_id == page_id)).all() == []
