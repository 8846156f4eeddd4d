"""What is news for a chat between two watermarks, a part at a time, and how much more there is.

The chat's digest covers every article in its range: the first part goes out with the digest,
the rest is counted in SQL (never read) and reached part by part through the More button. Each
part is chosen afresh for the chat that asks, so a button pressed elsewhere shows only what that
chat may read, keeps and wants.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, not_, or_
from sqlmodel import Session, col, select

from digests.store.tables import Article, Source, Subscription
from digests.store.visibility import kept_by, news_for
from digests.subscriptions.topics import TopicFilter

MAX_ARTICLES_PER_DIGEST = 10  # articles per part: a digest, or what one More press shows
# With topics, candidates are checked for whole words in pages; the rest is counted up to this
# many candidates read, then shown as "at least" (a week of a busy feed is thousands).
CANDIDATE_PAGE = 50
COUNTED_CANDIDATES = 500


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
        """SQL conditions on Article that every article passing the topics meets. Only for
        ASCII words: SQL's lower() may leave other letters as they are (PostgreSQL's C
        collation does), and a narrowing that misses a match would hide news."""
        if not self.topics.include or not all(
            word.isascii() for phrase in self.topics.include for word in phrase
        ):
            return []
        return [or_(*(and_(*map(_mentions, phrase)) for phrase in self.topics.include))]

    def passes(self, article: Article) -> bool:
        return self.topics.passes(article.title, article.text)


def _mentions(word: str) -> ColumnElement[bool]:
    return or_(
        func.lower(col(Article.title)).contains(word, autoescape=True),
        func.lower(col(Article.text)).contains(word, autoescape=True),
    )


@dataclass(frozen=True, slots=True)
class NewsPart:
    """Up to MAX_ARTICLES_PER_DIGEST of the newest matching articles with ids in (after,
    upto], oldest first, and how many more match below them in that range."""

    items: list[tuple[Article, Source]]
    more: int
    after: int
    more_at_least: bool = False  # `more` is a floor: counting stopped at COUNTED_CANDIDATES

    @property
    def next_upto(self) -> int:
        """Where the next part starts: just below the oldest article of this one."""
        return self.items[0][0].id - 1


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
        col(Article.id) <= upto,
        news_for(chat_id),
        kept_by(chat_id),
        not_(col(Article.backlog)),
        *filters.conditions(),
    ]
    if filters.refined_in_python:
        return _refined_part(session, conditions, filters, after)
    rows = session.exec(
        select(Article, Source)
        .join(Source, col(Source.id) == col(Article.source_id))
        .where(*conditions)
        .order_by(col(Article.id).desc())
        .limit(MAX_ARTICLES_PER_DIGEST)
    ).all()
    items = [(article, source) for article, source in reversed(rows)]
    more = 0
    if len(rows) == MAX_ARTICLES_PER_DIGEST:
        older = col(Article.id) < items[0][0].id
        more = session.exec(
            select(func.count(col(Article.id)))
            .select_from(Article)
            .join(Source, col(Source.id) == col(Article.source_id))
            .where(*conditions, older)
        ).one()
    return NewsPart(items, more, after)


def _refined_part(
    session: Session, conditions: list[ColumnElement[bool]], filters: Filters, after: int
) -> NewsPart:
    """With topics, whole words are checked in Python, a page of candidates at a time; the
    rest are counted the same way up to COUNTED_CANDIDATES read, past which the count is
    given as a floor ("at least …") rather than reading without bound."""
    items: list[tuple[Article, Source]] = []
    more, read, below = 0, 0, None
    while read < COUNTED_CANDIDATES:
        page = session.exec(
            select(Article, Source)
            .join(Source, col(Source.id) == col(Article.source_id))
            .where(*conditions, *([col(Article.id) < below] if below is not None else []))
            .order_by(col(Article.id).desc())
            .limit(CANDIDATE_PAGE)
        ).all()
        for article, source in page:
            if not filters.passes(article):
                continue
            if len(items) < MAX_ARTICLES_PER_DIGEST:
                items.append((article, source))
            else:
                more += 1
        read += len(page)
        if len(page) < CANDIDATE_PAGE:
            return NewsPart(list(reversed(items)), more, after)
        below = page[-1][0].id
    return NewsPart(list(reversed(items)), more, after, more_at_least=True)
