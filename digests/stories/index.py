"""Stories in SQL: a new article joins the story it reports on, or starts one, at ingest.

Candidates come from an index of key terms (`storyterm`, read off one covering index) within a
time window, never from comparing with every article, so the cost stays flat as articles pile
up; everything lives in tables, so a restart or a second instance needs no re-clustering.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import JSON, BigInteger, Table, any_, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from digests.store.tables import Article, Story, StoryProfile, StoryTerm, TermFrequency
from digests.stories.match import MIN_SHARED_KEYS, Profile, best_story, profile
from digests.stories.terms import term_key

# The curated sources (reading.articles.BROADCAST_KINDS): a page a reader sent stays theirs.
STORY_SOURCE_KINDS = ("seed", "feed", "file")
# Reports of one event arrive within days of each other; older stories are not looked at.
WINDOW = timedelta(days=3)
CANDIDATES = 10
# Held by a transaction that assigns stories (PostgreSQL): two instances ingesting two reports
# of one new event would otherwise each start a story, neither seeing the other's.
ASSIGN_LOCK = 0x5709_1E5


def counted_keys(counts: Counter[str]) -> dict[int, int]:
    """Terms as the keys they are stored under (see terms.term_key)."""
    keyed: dict[int, int] = {}
    for term, count in counts.items():
        key = term_key(term)
        keyed[key] = keyed.get(key, 0) + count
    return keyed


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(select(func.pg_advisory_xact_lock(ASSIGN_LOCK)))
    # SQLite: every write transaction already begins IMMEDIATE, one writer at a time.


# Reads and writes below go through the session's connection with statements built once: a
# story is assigned at every ingest, and plain statements (no ORM objects, no per-call
# compiling or coercing of hundreds of values) keep it within milliseconds.
_FREQUENCY: Table = TermFrequency.__table__  # type: ignore[attr-defined]
_TERM: Table = StoryTerm.__table__  # type: ignore[attr-defined]
_PROFILE: Table = StoryProfile.__table__  # type: ignore[attr-defined]
_STORY: Table = Story.__table__  # type: ignore[attr-defined]
# The row of `termfrequency` that counts the profiled articles themselves, the N of the IDF
# (article ids are no count: PostgreSQL sequences and deletions leave gaps). Kept by the same
# upsert as the terms, under the assignment lock, so it costs no statement of its own.
PROFILED = 0
_SHARED = func.count()


def _among(column, name: str, dialect: str):
    """`column` is one of a list given as one parameter: one statement whatever the list's length,
    prepared once, where an expanded IN would be a new statement for every length."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(BigInteger)))
    values = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    return column.in_(select(values.c.value))


def _candidates_statement(dialect: str):
    """The stored profiles of the articles sharing most key terms in the window, with their
    stories: the lookup and the profiles it finds in one statement."""
    found = (
        select(_TERM.c.article_id, _TERM.c.story_id, _SHARED.label("shared"))
        .where(
            _among(_TERM.c.term, "keys", dialect),
            _TERM.c.listed_at >= bindparam("since"),
            _TERM.c.listed_at <= bindparam("until"),
        )
        .group_by(_TERM.c.article_id, _TERM.c.story_id)
        .having(_SHARED >= MIN_SHARED_KEYS)
        .order_by(_SHARED.desc(), _TERM.c.article_id.desc())
        .limit(CANDIDATES)
        .subquery()
    )
    return (
        select(found.c.story_id, _PROFILE.c.weights)
        .join_from(found, _PROFILE, _PROFILE.c.article_id == found.c.article_id)
        .order_by(found.c.shared.desc(), found.c.article_id.desc())
    )


def _statements(dialect: str) -> dict:
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return {
        "frequencies": select(_FREQUENCY.c.term, _FREQUENCY.c.articles).where(
            _among(_FREQUENCY.c.term, "keys", dialect)
        ),
        "candidates": _candidates_statement(dialect),
        "count": upsert(_FREQUENCY)
        .values(articles=1)
        .on_conflict_do_update(
            index_elements=["term"], set_={"articles": _FREQUENCY.c.articles + 1}
        ),
    }


_STATEMENTS = {dialect: _statements(dialect) for dialect in ("postgresql", "sqlite")}
_JOIN = (
    update(_STORY)
    .where(_STORY.c.id == bindparam("story"), _STORY.c.listed_at < bindparam("listed"))
    .values(listed_at=bindparam("listed"))
)
_START = insert(_STORY).returning(_STORY.c.id)
_ARTICLE: Table = Article.__table__  # type: ignore[attr-defined]
_MEMBER = (
    update(_ARTICLE)
    .where(_ARTICLE.c.id == bindparam("article"))
    .values(story_id=bindparam("story"))
)


def _profile_of(connection, counts: dict[int, int]) -> Profile:
    statement = _STATEMENTS[connection.dialect.name]["frequencies"]
    frequencies = dict(connection.execute(statement, {"keys": [PROFILED, *counts]}).all())
    articles = frequencies.pop(PROFILED, 0)
    return profile(counts, frequencies, articles)


def _candidates(
    connection, listed: datetime, keys: tuple[int, ...]
) -> list[tuple[int, dict[int, float]]]:
    """(story, stored weights) of the articles sharing enough key terms in the window, most
    shared first."""
    window = {"keys": list(keys), "since": listed - WINDOW, "until": listed + WINDOW}
    statement = _STATEMENTS[connection.dialect.name]["candidates"]
    rows = connection.execute(statement, window)
    return [(story, dict(json.loads(weights))) for story, weights in rows]


def _count_terms(connection, keys: list[int]) -> None:
    """One more article holds each of these terms of its profile (and PROFILED: one more).

    Only profile terms are counted: a common word is counted until it looks common enough to
    leave profiles, which is all its weight needs, and an article writes 80 rows, not hundreds
    (benchmarks/stories.py: cheaper, and it groups better than counting every term). One
    statement for all rows; sorted, so concurrent writers lock rows in one order.
    """
    statement = _STATEMENTS[connection.dialect.name]["count"]
    connection.execute(statement, [{"term": key} for key in keys])


def assign_story(session: Session, article: Article, counts: Counter[str]) -> int:
    """Put a just-stored article into the story it reports on, or a new one; index it; return
    the story's id.

    `counts` are its terms (terms.article_terms), computed before the transaction needed them.
    """
    _lock(session)
    connection = session.connection()
    keyed = counted_keys(counts)
    found = _profile_of(connection, keyed) if keyed else Profile(weights={}, keys=())
    listed = article.listed_at
    story_id = best_story(
        found.weights, _candidates(connection, listed, found.keys) if found.keys else []
    )
    if story_id is None:
        story_id = connection.execute(
            _START,
            {"title": article.title, "created_at": article.ingested_at, "listed_at": listed},
        ).scalar_one()
    else:
        connection.execute(_JOIN, {"story": story_id, "listed": listed})
    connection.execute(_MEMBER, {"article": article.id, "story": story_id})
    set_committed_value(article, "story_id", story_id)  # as stored: nothing left to flush
    if found.keys:
        connection.execute(
            insert(_TERM),
            [
                {"term": key, "article_id": article.id, "story_id": story_id, "listed_at": listed}
                for key in found.keys
            ],
        )
    weights = json.dumps([[key, round(weight, 4)] for key, weight in found.weights.items()])
    connection.execute(insert(_PROFILE), [{"article_id": article.id, "weights": weights}])
    _count_terms(connection, sorted([PROFILED, *found.weights]))
    return story_id
