"""Stories in SQL: a new article joins the story it reports on, or starts one, at ingest.

Candidates come from an index of key terms (`storyterm`, read off one covering index) within a
time window, never from comparing with every article, so the cost stays flat as articles pile
up; everything lives in tables, so a restart or a second instance needs no re-clustering.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from digests.store.tables import Article, Story, StoryProfile, StoryTerm, TermFrequency
from digests.stories.match import MIN_SHARED_KEYS, Profile, best_story, profile
from digests.stories.terms import term_key

# The curated sources (reading.articles.BROADCAST_KINDS): a page a reader sent stays theirs.
STORY_SOURCE_KINDS = ("seed", "feed", "file")
# Reports of one event arrive within days of each other; older stories are not looked at.
WINDOW = timedelta(days=3)
CANDIDATES = 30
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
        session.exec(select(func.pg_advisory_xact_lock(ASSIGN_LOCK)))
    # SQLite: every write transaction already begins IMMEDIATE, one writer at a time.


def _profile_of(session: Session, counts: dict[int, int]) -> Profile:
    articles = session.exec(select(func.max(Article.id))).one() or 0
    frequencies = dict(
        session.exec(
            select(TermFrequency.term, TermFrequency.articles).where(
                col(TermFrequency.term).in_(list(counts))
            )
        ).all()
    )
    return profile(counts, frequencies, articles)


def _candidates(session: Session, article: Article, keys: tuple[int, ...]) -> list[tuple[int, int]]:
    """(article, story) pairs sharing enough key terms in the window, most shared first."""
    shared = func.count()
    rows = session.exec(
        select(StoryTerm.article_id, StoryTerm.story_id)
        .where(
            col(StoryTerm.term).in_(keys),
            StoryTerm.listed_at >= article.listed_at - WINDOW,
            StoryTerm.listed_at <= article.listed_at + WINDOW,
        )
        .group_by(StoryTerm.article_id, StoryTerm.story_id)
        .having(shared >= MIN_SHARED_KEYS)
        .order_by(shared.desc(), col(StoryTerm.article_id).desc())
        .limit(CANDIDATES)
    ).all()
    return list(rows)


def _stored_weights(session: Session, article_ids: list[int]) -> dict[int, dict[int, float]]:
    rows = session.exec(
        select(StoryProfile.article_id, StoryProfile.weights).where(
            col(StoryProfile.article_id).in_(article_ids)
        )
    ).all()
    return {article_id: dict(json.loads(weights)) for article_id, weights in rows}


def _count_terms(session: Session, keys: list[int]) -> None:
    """One more article holds each of these terms (sorted: concurrent writers lock in one order)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(TermFrequency).values([{"term": key, "articles": 1} for key in keys])
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["term"], set_={"articles": TermFrequency.articles + 1}
        )
    )


def assign_story(session: Session, article: Article, counts: Counter[str]) -> Story:
    """Put a just-stored article into the story it reports on, or a new one, and index it.

    `counts` are its terms (terms.article_terms), computed before the transaction needed them.
    """
    _lock(session)
    keyed = counted_keys(counts)
    found = _profile_of(session, keyed) if keyed else Profile(weights={}, keys=())
    pairs = _candidates(session, article, found.keys) if found.keys else []
    stored = _stored_weights(session, [article_id for article_id, _ in pairs])
    story_id = best_story(
        found.weights,
        ((story, stored[article_id]) for article_id, story in pairs if article_id in stored),
    )
    story = session.get(Story, story_id) if story_id else None
    if story is None:
        story = Story(
            title=article.title, created_at=article.ingested_at, listed_at=article.listed_at
        )
        session.add(story)
        session.flush()
    story.listed_at = max(story.listed_at, article.listed_at)
    article.story_id = story.id
    session.add_all(
        StoryTerm(term=key, article_id=article.id, story_id=story.id, listed_at=article.listed_at)
        for key in found.keys
    )
    weights = [[key, round(weight, 4)] for key, weight in found.weights.items()]
    session.add(StoryProfile(article_id=article.id, weights=json.dumps(weights)))
    if keyed:
        _count_terms(session, sorted(keyed))
    session.flush()
    return story
