"""RawArticle -> Article: clean, title, summarize, find actors and story terms (CPU, before any
transaction), then deduplicate (GUID, canonical URL, content), store (a short transaction) and
join the article to its story."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from digests.actors import Extraction, extract_actors
from digests.actors.store import record_actors
from digests.ingest.sources.raw import RawArticle
from digests.ingest.urls import canonical_url, content_hash
from digests.metrics import INGEST_SECONDS
from digests.redaction import redact
from digests.store.enums import SourceKind
from digests.store.tables import Article, Source, Summary, utcnow
from digests.store.visibility import shared_sources, visible_to
from digests.stories.index import STORY_SOURCE_KINDS, assign_story
from digests.stories.terms import article_terms
from digests.text.language import detect_language, iso_code, language_name
from digests.text.summarize import LENGTHS, lead_sentence, summarize_lengths
from digests.text.titles import cut_at_word, headline_from_sentence

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 200
TITLE_LIMIT = 512
NO_ACTORS = Extraction(actors=(), statements=(), mentions=())  # of an article not stored


@dataclass(slots=True)
class IngestReport:
    """What one batch did, for logs, admins and tests."""

    added: list[int] = field(default_factory=list)
    backlog: int = 0  # of those added, how many are the source's past (see PreparedArticle)
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)


def listed_time(published_at: datetime | None, *, now: datetime) -> datetime:
    """Sort by publication time, but never let a wrong date from the future top the list."""
    return published_at if published_at is not None and published_at <= now else now


def find_source(session: Session, url: str) -> Source | None:
    """The shared source at this address (stored canonical), whatever its kind; a chat's own
    feeds at it are that chat's, found through `sources_of`."""
    query = select(Source).where(col(Source.url) == url, shared_sources())
    return session.exec(query).first()


def ensure_source(
    session: Session, *, kind: SourceKind, url: str, title: str | None = None
) -> Source:
    """The shared source at `url`, created the first time."""
    source = find_source(session, url)
    if source is None:
        source = Source(kind=kind, url=url, title=title)
        session.add(source)
        session.flush()
    return source


def derive_title(text: str, *, language: str) -> str:
    """A headline for an article (or a text) that has none: its first sentence, where a reader
    starts; its summary then leaves that sentence out (see summarize.repeats_headline)."""
    lead = lead_sentence(text, language)
    return headline_from_sentence(lead) if lead else "Untitled article"


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


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """Everything slow about an article, computed outside any transaction (in a worker process):
    storing it is then only inserts. `rejection` says why it will not be stored at all."""

    raw: RawArticle
    text: str = ""
    digest: str = ""
    canonical: str | None = None
    language: str = "en"  # ISO code, as stored
    title: str = ""
    summaries: dict[str, list[str]] = field(default_factory=dict)
    extraction: Extraction = NO_ACTORS
    terms: Counter[str] = field(default_factory=Counter)  # what the story index matches on
    rejection: str | None = None
    # Listed before its source was first read: stored for reading, never sent as news.
    backlog: bool = False

    @property
    def label(self) -> str:
        return self.raw.url or self.raw.guid or "article"


def prepare_article(raw: RawArticle, *, with_actors: bool = True) -> PreparedArticle:
    """Title, summaries at every length and (unless a chat's own page, which gets none) actors
    of one article; never raises, so one bad article never costs the others of its batch theirs.
    """
    try:
        return _prepare(raw, with_actors=with_actors)
    except Exception as exc:
        log.exception("could not prepare %s", raw.url or raw.guid)
        return PreparedArticle(raw, rejection=type(exc).__name__)


def _prepare(raw: RawArticle, *, with_actors: bool) -> PreparedArticle:
    text = raw.text.strip()
    if len(text) < MIN_TEXT_CHARS:
        return PreparedArticle(raw, rejection="too little text")
    language = language_name(raw.language or "") or detect_language(text)
    title = (raw.title or "").strip() or derive_title(text, language=language)
    title = cut_at_word(title, TITLE_LIMIT)  # before summaries compare with it
    code = iso_code(language) or "en"
    as_read = language_name(code) or "english"  # what a later read of the stored row would use
    summaries = summarize_lengths(text, LENGTHS, language=as_read, title=title)
    return PreparedArticle(
        raw,
        text=text,
        digest=content_hash(text),
        canonical=canonical_url(raw.url) if raw.url else None,
        language=code,
        title=title,
        summaries=summaries,
        extraction=extract_actors(text, title=title) if with_actors else NO_ACTORS,
        terms=article_terms(title, text, language=as_read),
    )


def prepare_batch(raws: list[RawArticle]) -> list[PreparedArticle]:
    return [prepare_article(raw) for raw in raws]


def recency(dates: Sequence[datetime | None]) -> list[tuple]:
    """Sort keys (older first) for a source's items listed oldest first: by date when every
    item has one, else by position (feeds list their newest first and are read in reverse)."""
    if any(date is None for date in dates):
        return [(position,) for position in range(len(dates))]
    return [(date, position) for position, date in enumerate(dates)]


def first_read(prepared: list[PreparedArticle]) -> list[PreparedArticle]:
    """A source read for the first time (its batch oldest first): everything but its newest
    article is its past, kept for reading but never news, so its readers start from now."""
    keys = recency([article.raw.published_at for article in prepared])
    newest = max(range(len(keys)), key=keys.__getitem__, default=-1)
    return [
        article if position == newest else replace(article, backlog=True)
        for position, article in enumerate(prepared)
    ]


def ingest_article(
    session: Session,
    prepared: PreparedArticle,
    *,
    source: Source,
    report: IngestReport,
    owner_chat_id: int | None = None,
) -> Article | None:
    """Store one prepared article unless it was rejected or is already known.

    A page a chat sent (``owner_chat_id``) gets no actors: anyone can send any page, so what it
    claims someone said is no record of them, for /actor, /actors or anyone's follows.
    """
    if prepared.rejection is not None:
        report.rejected.append(f"{prepared.label}: {prepared.rejection}")
        return None
    raw = prepared.raw
    if find_duplicate(
        session,
        guid=raw.guid,
        canonical=prepared.canonical,
        digest=prepared.digest,
        owner_chat_id=owner_chat_id,
    ):
        report.duplicates += 1
        return None
    article = Article(
        source_id=source.id,
        owner_chat_id=owner_chat_id,
        guid=raw.guid,
        url=raw.url,
        canonical_url=prepared.canonical,
        content_hash=prepared.digest,
        title=prepared.title,  # the column fits a long one (BoundedString)
        text=prepared.text,
        author=raw.author,
        language=prepared.language,
        published_at=raw.published_at,
        listed_at=listed_time(raw.published_at, now=utcnow()),
        backlog=prepared.backlog,
        image_url=raw.image_url,
    )
    session.add(article)
    session.flush()
    for length, sentences in prepared.summaries.items():
        session.add(Summary(article_id=article.id, length=length, sentences=json.dumps(sentences)))
    if owner_chat_id is None:
        if source.kind in STORY_SOURCE_KINDS:  # a reader's own page joins no story
            assign_story(session, article, prepared.terms)
        record_actors(session, article, prepared.extraction)  # once per story: after joining it
    report.added.append(article.id)
    report.backlog += article.backlog
    return article


def ingest_batch(
    session: Session,
    prepared: list[PreparedArticle],
    *,
    source: Source,
    owner_chat_id: int | None = None,
) -> IngestReport:
    """Store several prepared articles (for everyone, or one chat's own); one bad article never
    costs the others theirs."""
    report = IngestReport()
    for article in prepared:
        try:
            with session.begin_nested(), INGEST_SECONDS.time():
                ingest_article(
                    session, article, source=source, report=report, owner_chat_id=owner_chat_id
                )
        except Exception as exc:
            log.exception("could not ingest %s", redact(article.label))
            report.rejected.append(f"{article.label}: {type(exc).__name__}")
    return report
