"""What is news for a chat between two watermarks, a part at a time, and how much more there is.

The chat's digest covers every article in its range: the first part goes out with the digest,
the rest is counted in SQL (never read) and reached part by part through the More button. Each
part is chosen afresh for the chat that asks, so a button pressed elsewhere shows only what that
chat may read, keeps and wants.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, not_, or_
from sqlmodel import Session, col, select

from digests.store.tables import Article, Source, Subscription
from digests.store.visibility import kept_by, news_for

MAX_ARTICLES_PER_DIGEST = 10  # articles per part: a digest, or what one More press shows


@dataclass(frozen=True, slots=True)
class Filters:
    """A chat's keyword filters: words its news must mention (any of), and must not."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, subscription: Subscription | None) -> Filters:
        if subscription is None:
            return cls()
        return cls(
            tuple(w for w in subscription.include_keywords.split(",") if w),
            tuple(w for w in subscription.exclude_keywords.split(",") if w),
        )

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions on Article. Words match case-insensitively anywhere in the title or
        text, as written (`%` and `_` are no wildcards)."""
        found = [not_(_mentions(word)) for word in self.exclude]
        if self.include:
            found.append(or_(*map(_mentions, self.include)))
        return found


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
