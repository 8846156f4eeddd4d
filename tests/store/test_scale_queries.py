"""Query plans the scale benchmark relies on: PostgreSQL can answer from the intended index."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from psycopg import sql
from sqlalchemy import event, insert
from sqlmodel import Session

from digests.actors.store import actor_page, alias_key, lookup_actors
from digests.reading.articles import latest_articles
from digests.store.tables import Actor, ActorAlias, Article, Chat, Source, Statement, Subscription
from digests.subscriptions.digest import due_subscriptions

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
RHYTHMS = ("daily", "daily", "daily", "weekly", "hourly", "instant")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture
def postgres(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("query plans are PostgreSQL's: CI runs this with TEST_DATABASE_URL")
    with engine.begin() as connection:
        _fill(connection)
    return engine


def _fill(connection) -> None:
    """Enough rows of every kind for the planner to weigh indexes against each other."""
    count = 3_000
    connection.execute(
        insert(Chat), [{"id": n, "active": n % 20 != 0, "created_at": NOW} for n in range(count)]
    )
    connection.execute(
        insert(Subscription),
        [
            {
                "chat_id": n,
                "active": n % 25 != 0,
                "rhythm": RHYTHMS[n % len(RHYTHMS)],
                "last_article_id": n % 50,
                "next_digest_at": NOW + timedelta(minutes=n % 240 - 60),
                "created_at": NOW,
            }
            for n in range(count)
        ],
    )
    connection.execute(
        insert(Source), [{"id": 1, "kind": "feed", "url": "https://e.org/f", "created_at": NOW}]
    )
    connection.execute(
        insert(Article),
        [
            {"id": n, "source_id": 1, "content_hash": f"{n}", "title": f"Story {n}"}
            | {"text": "Text.", "listed_at": NOW - timedelta(hours=n), "ingested_at": NOW}
            for n in range(1, 301)
        ],
    )
    names = [f"Person{n} Surname{n}" for n in range(200)] + ["Volodymyr Zelensky"]
    statements = 3_000
    said = Counter(n % 201 + 1 for n in range(statements))
    connection.execute(
        insert(Actor),
        [
            {"id": n, "name": name, "statement_count": said[n]}
            for n, name in enumerate(names, start=1)
        ],
    )
    connection.execute(
        insert(ActorAlias),
        [
            {"actor_id": n, "alias": name, "key": alias_key(name)}
            for n, name in enumerate(names, start=1)
        ],
    )
    connection.execute(
        insert(Statement),
        [
            {"actor_id": n % 201 + 1, "article_id": n % 300 + 1, "kind": "quote"}
            | {"text": "Said.", "sentence": "Said, he said."}
            | {"listed_at": NOW - timedelta(hours=n % 300 + 1)}
            for n in range(statements)
        ],
    )
    connection.exec_driver_sql("ANALYZE")


def plans_of(engine, call, *, priced_out=("seqscan",)) -> list[str]:
    """The generic plan of each SELECT `call` sends, with the named alternatives to an index
    (by default sequential scans) priced out.

    Generic, because the bot's statements become prepared ones after a few runs (psycopg),
    whose plans cannot see the parameters' values; priced out, because what is asked is
    whether an index can serve the query, which tables this small would never show otherwise.
    """
    sent = []

    def remember(_connection, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with Session(engine) as session:
            call(session)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        for method in priced_out:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        plans = [_generic_plan(cursor, *select) for select in sent]
        connection.rollback()
    return plans


def _generic_plan(cursor, statement: str, parameters: dict) -> str:
    names = list(dict.fromkeys(PLACEHOLDER.findall(statement)))
    numbered = PLACEHOLDER.sub(lambda match: f"${names.index(match[1]) + 1}", statement)
    cursor.execute(f"PREPARE probe AS {numbered}")
    values = sql.SQL(", ").join(sql.Literal(parameters[name]) for name in names)
    cursor.execute(
        sql.SQL("EXPLAIN EXECUTE probe ({})").format(values) if names else "EXPLAIN EXECUTE probe"
    )
    plan = "\n".join(line for (line,) in cursor.fetchall())
    cursor.execute("DEALLOCATE probe")
    return plan


def test_a_page_of_due_subscribers_is_read_off_the_due_index_in_order(postgres):
    _newest, scheduled, _instant = plans_of(
        postgres,
        lambda session: due_subscriptions(session, now=NOW, limit=500),
        priced_out=("seqscan", "bitmapscan", "sort"),
    )
    assert "Index Scan using ix_subscription_due" in scheduled
    assert "Sort" not in scheduled  # a peak minute shares one slot: a page must need no sort


def test_due_instant_subscribers_are_found_through_their_index(postgres):
    _newest, _scheduled, instant = plans_of(
        postgres, lambda session: due_subscriptions(session, now=NOW, limit=500)
    )
    assert "ix_subscription_instant" in instant


def test_actor_lookup_goes_through_the_alias_key_index(postgres):
    candidates, *_ = plans_of(postgres, lambda session: lookup_actors(session, "Selenskyj"))
    assert "ix_actoralias_key" in candidates


def test_a_page_of_an_actors_statements_is_read_off_their_listing_index(postgres):
    _actor, statements, *_ = plans_of(
        postgres,
        lambda session: actor_page(session, 201, page=1),
        # Sorting priced out too: whatever the statistics autovacuum left from earlier tests
        # (a small table makes a sort look cheap), the page must be readable in index order.
        priced_out=("seqscan", "bitmapscan", "sort"),
    )
    assert "Index Scan Backward using ix_statement_actor_listed" in statements
    assert "count(" not in statements.lower()  # the count is the actor's own


def test_latest_articles_are_read_off_the_listing_index(postgres):
    [latest] = plans_of(postgres, lambda session: latest_articles(session, limit=5))
    assert "Index Scan Backward using ix_article_listed" in latest
