"""What is news for a chat between two watermarks, a part at a time, and how much more there is.

The chat's digest covers every article in its range: the first part goes out with the digest
and the More button reaches the rest, part after part. Each part is chosen afresh for the chat
that asks, so a button pressed elsewhere shows only what that chat may read, keeps and wants.
SQL decides all it can (visibility, sources turned off, backlog, the words an included topic
needs) and counts what is left without reading it; topics are whole words, so with topics a
part checks its candidates in Python, reading a bounded number of them, and the next part
starts where it stopped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, not_, or_
from sqlmodel import Session, col, select

from digests.store.folding import folded
from digests.store.tables import Article, Source, Subscription
from digests.store.visibility import kept_by, news_for
from digests.subscriptions.topics import MATCH_CHARS, TopicFilter

MAX_ARTICLES_PER_DIGEST = 10  # articles per part: a digest, or what one More press shows
SCAN_BATCH = 50  # candidates a part reads at a time when topics decide
MAX_SCANNED = 500  # and at most in all: the rest is counted in SQL, the next part goes on there
# Words SQL finds in folded text wherever Python's topics do (digests.store.folding).
_SQL_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Filters:
    """A chat's topics as whole words (digests/subscriptions/topics.py). SQL narrows the
    candidates to articles that contain an included topic's words anywhere (a superset of
    those that have them as words); the words themselves are checked in Python."""

    topics: TopicFilter = field(default_factory=TopicFilter)

    @classmethod
    def of(cls, subscription: Subscription | None) -> Filters:
        if subscription is None:
            return cls()
        return cls(TopicFilter.of(subscription.include_keywords, subscription.exclude_keywords))

    @property
    def refined_in_python(self) -> bool:
        return bool(self.topics.include or self.topics.exclude)

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions on Article that every article on the topics meets. Only for words of
        ASCII letters and digits, which folded SQL text holds wherever Python's does: a
        narrowing that missed a match would hide news."""
        include = self.topics.include
        if not include or not all(_SQL_WORD.fullmatch(w) for phrase in include for w in phrase):
            return []
        return [or_(*(and_(*map(_mentions, phrase)) for phrase in include))]


def _mentions(word: str) -> ColumnElement[bool]:
    return or_(
        folded(col(Article.title)).contains(word, autoescape=True),
        folded(col(Article.text)).contains(word, autoescape=True),
    )


@dataclass(frozen=True, slots=True)
class NewsPart:
    """Up to MAX_ARTICLES_PER_DIGEST of the newest matching articles with ids in (after,
    upto], oldest first; how many more there are (`exact`, or at most that many when topics
    still have to tell), and the id the next part starts from."""

    items: list[tuple[Article, Source]]
    more: int
    after: int
    next_upto: int
    exact: bool = True


def newest_article_id(session: Session) -> int:
    """The watermark past everything stored: a digest covers up to here."""
    return session.exec(select(func.max(col(Article.id)))).one() or 0


def news_part(
    session: Session, chat_id: int, filters: Filters, *, after: int, upto: int
) -> NewsPart:
    """The chat's news with ids in (after, upto]: for everyone or of its own feeds (never
    pages it sent), from the sources it keeps, past its filters, and not a feed's backlog."""
    conditions = [
        col(Article.id) > after,
        news_for(chat_id),
        kept_by(chat_id),
        not_(col(Article.backlog)),
        *filters.conditions(),
    ]
    if filters.refined_in_python:
        return _refined_part(session, conditions, filters, after, upto)
    ids = list(
        session.exec(
            select(col(Article.id))
            .join(Source, col(Source.id) == col(Article.source_id))
            .where(*conditions, col(Article.id) <= upto)
            .order_by(col(Article.id).desc())
            .limit(MAX_ARTICLES_PER_DIGEST)
        ).all()
    )
    next_upto = ids[-1] - 1 if len(ids) == MAX_ARTICLES_PER_DIGEST else after
    more = _count(session, conditions, after, next_upto)
    return NewsPart(_rows(session, ids), more, after, next_upto)


def _refined_part(
    session: Session, conditions: list[ColumnElement[bool]], filters: Filters, after: int, upto: int
) -> NewsPart:
    """With topics, whole words are checked in Python, SCAN_BATCH candidates at a time (their
    titles and as much text as topics read), MAX_SCANNED at most: matches past the part's ten
    are counted as they come, candidates never read are counted in SQL (at most that many
    more, then), and the next part starts below the part's oldest article or, had it fewer
    than ten, where reading stopped."""
    found: list[int] = []
    counted, cursor, read = 0, upto, 0
    text = func.substr(col(Article.text), 1, MATCH_CHARS)
    while read < MAX_SCANNED:
        batch = session.exec(
            select(col(Article.id), col(Article.title), text)
            .join(Source, col(Source.id) == col(Article.source_id))
            .where(*conditions, col(Article.id) <= cursor)
            .order_by(col(Article.id).desc())
            .limit(SCAN_BATCH)
        ).all()
        for article_id, title, body in batch:
            if not filters.topics.passes(title, body):
                continue
            if len(found) < MAX_ARTICLES_PER_DIGEST:
                found.append(article_id)
            else:
                counted += 1
        read += len(batch)
        cursor = batch[-1][0] - 1 if batch else after
        if len(batch) < SCAN_BATCH:
            cursor = after  # read to the end of the range
            break
    unread = _count(session, conditions, after, cursor)
    full = len(found) == MAX_ARTICLES_PER_DIGEST
    next_upto = found[-1] - 1 if full else cursor
    return NewsPart(_rows(session, found), counted + unread, after, next_upto, exact=not unread)


def _count(session: Session, conditions: list[ColumnElement[bool]], after: int, upto: int) -> int:
    """How many articles in (after, upto] meet the conditions, counted in SQL."""
    if upto <= after:
        return 0
    return session.exec(
        select(func.count(col(Article.id)))
        .select_from(Article)
        .join(Source, col(Source.id) == col(Article.source_id))
        .where(*conditions, col(Article.id) <= upto)
    ).one()


def _rows(session: Session, ids: list[int]) -> list[tuple[Article, Source]]:
    """The articles with their sources, oldest first."""
    if not ids:
        return []
    return list(
        session.exec(
            select(Article, Source)
            .join(Source, col(Source.id) == col(Article.source_id))
            .where(col(Article.id).in_(ids))
            .order_by(col(Article.id))
        ).all()
    )
