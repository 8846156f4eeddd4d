"""Reading use cases: the newest articles, finding one, and its stored summary.

Each takes the asking chat: pages a reader sent are theirs (see `visible_to`), and lists of
news show only what everyone may read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from digests.metrics import SUMMARIZE_SECONDS
from digests.store.tables import Article, Source, Summary
from digests.store.visibility import news_for, visible_to
from digests.text.language import language_name
from digests.text.summarize import LENGTHS, summarize

DEFAULT_LENGTH = "short"


@dataclass(frozen=True, slots=True)
class ArticleCard:
    """What a list shows of an article: enough to choose it."""

    id: int
    title: str
    source: str
    url: str | None
    published_at: datetime | None
    ingested_at: datetime
    story_id: int | None = None  # the number readers know it by; none for a chat's own
    image_url: str | None = None  # its picture, shown as a large link preview

    @property
    def date(self) -> datetime:
        return self.published_at or self.ingested_at


@dataclass(frozen=True, slots=True)
class SummaryView:
    article: ArticleCard
    length: str
    sentences: list[str]


def _card(article: Article, source: Source) -> ArticleCard:
    return ArticleCard(
        id=article.id,
        title=article.title,
        source=source.title or source.url,
        url=article.url,
        published_at=article.published_at,
        ingested_at=article.ingested_at,
        story_id=article.story_id,
        image_url=article.image_url,
    )


def _newest_first():
    return (col(Article.listed_at).desc(), col(Article.id).desc())


def latest_articles(
    session: Session, *, chat_id: int | None = None, limit: int = 5, offset: int = 0
) -> list[ArticleCard]:
    """The newest news by publication time (ingest time when a source gave none): for
    everyone, and with `chat_id` that chat's own feeds' too; a reader's own pages are not news."""
    rows = session.exec(
        select(Article, Source)
        .join(Source, col(Source.id) == col(Article.source_id))
        .where(news_for(chat_id))
        .order_by(*_newest_first())
        .offset(offset)
        .limit(limit)
    ).all()
    return [_card(article, source) for article, source in rows]


def _readable(
    session: Session, article_id: int, chat_id: int | None
) -> tuple[Article, Source] | None:
    """The article and its source if the chat may read it (None: if everyone may); to anyone
    else it does not exist."""
    return session.exec(
        select(Article, Source)
        .join(Source, col(Source.id) == col(Article.source_id))
        .where(col(Article.id) == article_id, visible_to(chat_id))
    ).first()


def article_card(session: Session, article_id: int, *, chat_id: int | None) -> ArticleCard | None:
    row = _readable(session, article_id, chat_id)
    return _card(*row) if row else None


def article_text(session: Session, article_id: int, *, chat_id: int | None) -> str | None:
    row = _readable(session, article_id, chat_id)
    return row[0].text if row else None


def find_articles(
    session: Session, query: str, *, chat_id: int | None, limit: int = 5
) -> list[ArticleCard]:
    """Articles the chat may read whose title holds every word of the query (else any word),
    newest first, case-insensitive; the words match as written (`_` and `%` are no wildcards)."""
    words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 1][:8]
    if not words:
        return []
    conditions = [func.lower(col(Article.title)).contains(word, autoescape=True) for word in words]
    for matching in (conditions, [or_(*conditions)]):
        rows = session.exec(
            select(Article, Source)
            .join(Source, col(Source.id) == col(Article.source_id))
            .where(*matching, visible_to(chat_id))
            .order_by(*_newest_first())
            .limit(limit)
        ).all()
        if rows:
            break
    return [_card(article, source) for article, source in rows]


def summary_of(
    session: Session, article_id: int, *, chat_id: int | None, length: str = DEFAULT_LENGTH
) -> SummaryView | None:
    """The article's summary at that length, if the chat may read it: computed the first
    time, stored, then reused."""
    if length not in LENGTHS:
        raise ValueError(f"unknown summary length {length!r}")
    card = article_card(session, article_id, chat_id=chat_id)
    if card is None:
        return None
    stored = session.exec(
        select(Summary).where(col(Summary.article_id) == article_id, col(Summary.length) == length)
    ).first()
    if stored is None:
        article = session.get(Article, article_id)
        if article is None:
            return None
        with SUMMARIZE_SECONDS.time():
            sentences = summarize(
                article.text,
                sentences=LENGTHS[length],
                language=language_name(article.language) or "english",
                title=article.title,
            )
        stored = Summary(article_id=article_id, length=length, sentences=json.dumps(sentences))
        try:
            with session.begin_nested():
                session.add(stored)
        except IntegrityError:  # another worker stored it first: theirs is identical
            stored = session.exec(
                select(Summary).where(
                    col(Summary.article_id) == article_id, col(Summary.length) == length
                )
            ).one()
    return SummaryView(article=card, length=length, sentences=json.loads(stored.sentences))
