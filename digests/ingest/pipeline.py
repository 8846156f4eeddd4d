"""RawArticle -> Article: clean, title, deduplicate (GUID, canonical URL, content), index actors,
join the article to its story."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from digests.actors.store import record_actors
from digests.ingest.sources.raw import RawArticle
from digests.ingest.urls import canonical_url, content_hash
from digests.metrics import INGEST_SECONDS
from digests.store.tables import Article, Source, utcnow
from digests.store.visibility import visible_to
from digests.stories.index import STORY_SOURCE_KINDS, assign_story
from digests.stories.terms import article_terms
from digests.text.language import detect_language, iso_code, language_name
from digests.text.summarize import summarize
from digests.text.titles import headline_from_sentence

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 200
TITLE_LIMIT = 512


@dataclass(slots=True)
class IngestReport:
    """What one batch did, for logs, admins and tests."""

    added: list[int] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)


def listed_time(published_at: datetime | None, *, now: datetime) -> datetime:
    """Sort by publication time, but never let a wrong date from the future top the list."""
    return published_at if published_at is not None and published_at <= now else now


def ensure_source(session: Session, *, kind: str, url: str, title: str | None = None) -> Source:
    source = session.exec(select(Source).where(col(Source.url) == url)).first()
    if source is None:
        source = Source(kind=kind, url=url, title=title)
        session.add(source)
        session.flush()
    return source


def derive_title(text: str, *, language: str) -> str:
    """A headline for an article that has none: its most central sentence, compressed."""
    lead = summarize(text, sentences=1, language=language)
    return headline_from_sentence(lead[0]) if lead else "Untitled article"


def find_duplicate(
    session: Session,
    *,
    guid: str | None,
    canonical: str | None,
    digest: str,
    owner_chat_id: int | None = None,
) -> Article | None:
    """The same story among the articles its owner may read (None: the articles for everyone).

    A page a reader sent never counts as a feed's story, or a reader could keep a story out of
    everyone's digests by sending its link first.
    """
    conditions = [col(Article.content_hash) == digest]
    if guid:
        conditions.append(col(Article.guid) == guid)
    if canonical:
        conditions.append(col(Article.canonical_url) == canonical)
    return session.exec(
        select(Article).where(or_(*conditions), visible_to(owner_chat_id)).limit(1)
    ).first()


def ingest_article(
    session: Session,
    raw: RawArticle,
    *,
    source: Source,
    report: IngestReport,
    owner_chat_id: int | None = None,
) -> Article | None:
    """Store one article unless it is empty or already known; index its actors with it.

    A page a chat sent (``owner_chat_id``) gets no actors: anyone can send any page, so what it
    claims someone said is no record of them, for /actor, /actors or anyone's follows.
    """
    text = raw.text.strip()
    if len(text) < MIN_TEXT_CHARS:
        report.rejected.append(f"{raw.url or raw.guid or 'article'}: too little text")
        return None
    digest = content_hash(text)
    canonical = canonical_url(raw.url) if raw.url else None
    if find_duplicate(
        session, guid=raw.guid, canonical=canonical, digest=digest, owner_chat_id=owner_chat_id
    ):
        report.duplicates += 1
        return None
    language = language_name(raw.language or "") or detect_language(text)
    title = (raw.title or "").strip() or derive_title(text, language=language)
    terms = article_terms(title, text, language=language)  # pure text work, before any write
    article = Article(
        source_id=source.id,
        owner_chat_id=owner_chat_id,
        guid=raw.guid,
        url=raw.url,
        canonical_url=canonical,
        content_hash=digest,
        title=title[:TITLE_LIMIT],
        text=text,
        author=raw.author,
        language=iso_code(language) or "en",
        published_at=raw.published_at,
        listed_at=listed_time(raw.published_at, now=utcnow()),
    )
    session.add(article)
    session.flush()
    if owner_chat_id is None:
        record_actors(session, article)
        if source.kind in STORY_SOURCE_KINDS:  # a reader's own page joins no story
            assign_story(session, article, terms)
    report.added.append(article.id)
    return article


def ingest_batch(
    session: Session,
    raws: list[RawArticle],
    *,
    source: Source,
    owner_chat_id: int | None = None,
) -> IngestReport:
    """Ingest several articles (for everyone, or one chat's own); one bad article never costs
    the others theirs."""
    report = IngestReport()
    for raw in raws:
        try:
            with session.begin_nested(), INGEST_SECONDS.time():
                ingest_article(
                    session, raw, source=source, report=report, owner_chat_id=owner_chat_id
                )
        except Exception as exc:
            log.exception("could not ingest %s", raw.url or raw.guid)
            report.rejected.append(f"{raw.url or raw.guid or 'article'}: {type(exc).__name__}")
    return report
