"""Feed polling: due sources, conditional downloads, teaser pages, ingest, backoff, admin notes."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import or_
from sqlmodel import Session, col, select

from digests.config import Settings
from digests.delivery.message import Message, bold, esc
from digests.delivery.outbox import Outgoing, enqueue
from digests.i18n import N_, Phrase, _, in_english, ngettext, speaking
from digests.ingest.fetch import (
    FetchError,
    FetchPolicy,
    FetchResult,
    HostLimiter,
    fetch,
    fetch_policy,
)
from digests.ingest.pipeline import (
    PreparedArticle,
    find_source,
    ingest_batch,
    prepare_article,
    recency,
)
from digests.ingest.sources.feed import NOT_A_FEED, FeedEntry, ParsedFeed, parse_feed
from digests.ingest.sources.raw import RawArticle
from digests.ingest.sources.webpage import extract_page
from digests.ingest.urls import canonical_url
from digests.redaction import redact
from digests.runtime import Runtime
from digests.store.enums import MessageKind, SourceFill, SourceKind
from digests.store.spoken import chat_language
from digests.store.tables import Article, Chat, Source
from digests.store.visibility import visible_to

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_BACKOFF = timedelta(hours=6)
# A chat's own feed is polled at most this often: they multiply with chats (USER_FEED_LIMIT each,
# and one site added by many chats is fetched once per chat), so the bot's load on other
# people's servers is bounded by the feeds' number, not by how eager their owners are. Not a
# setting: FEED_POLL_SECONDS tunes polling; this only keeps users from tuning it downwards.
MIN_USER_FEED_POLL = timedelta(minutes=30)
TELL_ADMINS_AFTER = 3  # consecutive failures; one bad night of a server is not news
CONCURRENT_SOURCES = 8
PER_HOST = 2
# A first poll of a long teaser feed would otherwise hold the tick for minutes: the newest
# pages come now, older ones on the following polls.
MAX_PAGES_PER_POLL = 10
DUE_BATCH = 100
GUID_LIMIT = 2048
INTERNAL_ERROR = N_("The feed could not be processed (internal error).")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")


@dataclass(frozen=True, slots=True)
class PollTarget:
    """What a poll needs of its source, read up front so no session is held while downloading."""

    id: int
    url: str
    trusted: bool
    etag: str | None = None
    last_modified: str | None = None
    owner_chat_id: int | None = None  # a chat's own feed: its articles are that chat's

    @classmethod
    def of(cls, source: Source) -> PollTarget:
        return cls(
            source.id,
            source.url,
            source.trusted and source.owner_chat_id is None,
            source.etag,
            source.last_modified,
            source.owner_chat_id,
        )

    def policy(self, settings: Settings) -> FetchPolicy:
        """For the feed and the pages its entries link to: an admin's feed trusts its own host."""
        return fetch_policy(settings, trusted_url=self.url if self.trusted else None)


@dataclass(slots=True)
class PollOutcome:
    source_id: int
    title: str | None = None
    added: list[int] = field(default_factory=list)
    backlog: int = 0  # of those added, how many the feed listed before it was first read
    duplicates: int = 0
    not_modified: bool = False
    error: str | None = None


def ensure_configured_feeds(runtime: Runtime) -> None:
    """The FEEDS setting's URLs become trusted feed sources; existing rows are left as they are,
    so a feed an admin removed stays removed across restarts."""
    with runtime.session() as session:
        for url in runtime.settings.feeds:
            canonical = canonical_url(url)
            if find_source(session, canonical) is None:
                session.add(Source(kind=SourceKind.FEED, url=canonical, trusted=True))
                session.flush()


def _due_targets(runtime: Runtime) -> list[PollTarget]:
    now = runtime.clock()
    with runtime.session() as session:
        sources = session.exec(
            select(Source)
            .where(
                col(Source.kind) == SourceKind.FEED,
                col(Source.active),
                or_(col(Source.next_poll_at).is_(None), col(Source.next_poll_at) <= now),
            )
            .order_by(col(Source.id))
            .limit(DUE_BATCH)
        ).all()
        return [PollTarget.of(source) for source in sources]


class Poller:
    """Polls feeds concurrently (bounded overall and per host); one instance per event loop.

    Downloads overlap, writes do not: concurrent write transactions only make SQLite refuse
    ("database is locked"). Parsing and extraction run in the runtime's worker processes,
    one article per job so a user's link never waits behind a whole feed.
    """

    def __init__(self, runtime: Runtime, *, limiter: HostLimiter | None = None) -> None:
        self.runtime = runtime
        self.limiter = limiter or HostLimiter(PER_HOST)
        self._feeds_configured = False
        self._writing = asyncio.Lock()

    async def _write(self, function: Callable[..., T], *args: object) -> T:
        async with self._writing:
            return await asyncio.to_thread(function, self.runtime, *args)

    async def poll_due(self) -> list[PollOutcome]:
        if not self._feeds_configured:
            await asyncio.to_thread(ensure_configured_feeds, self.runtime)
            self._feeds_configured = True
        targets = await asyncio.to_thread(_due_targets, self.runtime)
        gate = asyncio.Semaphore(CONCURRENT_SOURCES)

        async def bounded(target: PollTarget) -> PollOutcome:
            async with gate:
                return await self.poll(target)

        return list(await asyncio.gather(*(bounded(target) for target in targets)))

    async def poll(self, target: PollTarget) -> PollOutcome:
        """Download and ingest one feed; never raises, so one source cannot cost another."""
        try:
            async with self.limiter(target.url):
                result = await fetch(
                    target.url,
                    policy=target.policy(self.runtime.settings),
                    etag=target.etag,
                    last_modified=target.last_modified,
                )
        except FetchError as error:
            return await self._failed(target, error.user_message)
        except Exception:
            log.exception("downloading feed %s failed", redact(target.url))
            return await self._failed(target, Phrase(INTERNAL_ERROR))
        return await self.ingest_fetched(target, result)

    async def ingest_fetched(self, target: PollTarget, result: FetchResult) -> PollOutcome:
        """Everything after the download; /addfeed enters here with the body it already has."""
        try:
            return await self._ingest(target, result)
        except Exception:
            log.exception("processing feed %s failed", redact(target.url))
            return await self._failed(target, Phrase(INTERNAL_ERROR))

    async def _ingest(self, target: PollTarget, result: FetchResult) -> PollOutcome:
        if result.not_modified:
            return await self._write(_store, target, result, None, [], True)
        parsed = await self.runtime.cpu.run(
            parse_feed, result.body, url=result.url, content_type=result.content_type
        )
        if not parsed.is_feed:
            return await self._failed(target, parsed.error or NOT_A_FEED)
        entries = [_scoped(entry, target.url) for entry in reversed(parsed.entries)]
        fresh, elsewhere = await asyncio.to_thread(_unknown_entries, self.runtime, entries, target)
        raws, complete = await self._full_articles(fresh, target.policy(self.runtime.settings))
        prepared = [
            replace(await self.runtime.cpu.run(prepare_article, raw), backlog=backlog)
            for raw, backlog in raws
        ]
        return await self._write(_store, target, result, parsed, prepared, complete, elsewhere)

    async def _full_articles(
        self, entries: list[tuple[FeedEntry, bool]], policy: FetchPolicy
    ) -> tuple[list[tuple[RawArticle, bool]], bool]:
        """Entries oldest first (each with whether it is backlog), teasers replaced by their
        pages; False when the pages of older teasers were left for the next poll."""
        teasers = [entry for entry, _ in entries if entry.is_teaser]
        deferred = {id(entry) for entry in teasers[: max(0, len(teasers) - MAX_PAGES_PER_POLL)]}
        kept = [(entry, backlog) for entry, backlog in entries if id(entry) not in deferred]
        articles = await asyncio.gather(*(self._article(entry, policy) for entry, _ in kept))
        flagged = [(article, backlog) for article, (_, backlog) in zip(articles, kept, strict=True)]
        return flagged, not deferred

    async def _article(self, entry: FeedEntry, policy: FetchPolicy) -> RawArticle:
        teaser = entry.article
        if not entry.is_teaser or teaser.url is None:
            return teaser
        try:
            async with self.limiter(teaser.url):
                page = await fetch(teaser.url, policy=policy)
        except FetchError as error:
            log.info("page %s of a feed entry: %s", redact(teaser.url), error.user_message)
            return teaser
        extracted = await self.runtime.cpu.run(extract_page, page.body, url=page.url)
        return _merged(teaser, extracted)

    async def _failed(self, target: PollTarget, reason: str | Phrase) -> PollOutcome:
        """The failure is kept in English (admins of any language read /feeds; it is
        translated there when it is one of the known sentences); whoever asked (/addfeed)
        hears it in their language."""
        try:
            await self._write(record_failure, target.id, in_english(reason))
        except Exception:
            log.exception("could not record the failure of feed %s", redact(target.url))
        return PollOutcome(target.id, error=str(reason))


def _scoped(entry: FeedEntry, feed_url: str) -> FeedEntry:
    """GUIDs like "1" or "post-12" are unique only within their feed; URIs are unique anywhere."""
    guid = entry.article.guid
    if guid is None:
        return entry
    if not _URI.match(guid) or len(guid) > GUID_LIMIT:
        digest = hashlib.sha256(f"{feed_url}\n{guid}".encode()).hexdigest()
        guid = f"feed-guid:{digest}"
    return replace(entry, article=replace(entry.article, guid=guid))


def _merged(teaser: RawArticle, page: RawArticle | None) -> RawArticle:
    """The page's text under the feed's identity; the feed knows its own title, link and GUID."""
    if page is None or len(page.text) <= len(teaser.text):
        return teaser
    return replace(
        teaser,
        text=page.text,
        title=teaser.title or page.title,
        source_name=teaser.source_name or page.source_name,
        author=teaser.author or page.author,
        published_at=teaser.published_at or page.published_at,
        language=teaser.language or page.language,
        image_url=teaser.image_url or page.image_url,
    )


def _unknown_entries(
    runtime: Runtime, entries: list[FeedEntry], target: PollTarget
) -> tuple[list[tuple[FeedEntry, bool]], int]:
    """Entries not stored yet (oldest first, each with whether it is the feed's backlog), so
    known stories cost no page download on every poll; and how many of the known ones another
    source brought first (the same story twice), so that count does not depend on which of two
    feeds polled at once was stored first. Only articles the feed's readers may read count: for
    a shared feed those for everyone (a page a reader sent first must not keep the story from
    the others), for a chat's own feed that chat's too."""
    source_id = target.id
    guids = [e.article.guid for e in entries if e.article.guid]
    links = [canonical_url(e.article.url) for e in entries if e.article.url]
    with runtime.session() as session:
        fill = session.get_one(Source, source_id).fill
        rows = (
            session.exec(
                select(col(Article.guid), col(Article.canonical_url), col(Article.source_id)).where(
                    or_(col(Article.guid).in_(guids), col(Article.canonical_url).in_(links)),
                    visible_to(target.owner_chat_id),
                )
            ).all()
            if guids or links
            else []
        )
    owner = {value: source for *values, source in rows for value in values if value}
    fresh: list[int] = []
    ours: list[int] = []
    elsewhere = 0
    for position, entry in enumerate(entries):
        keys = [entry.article.guid, entry.article.url and canonical_url(entry.article.url)]
        sources = {owner[key] for key in keys if key in owner}
        if not sources:
            fresh.append(position)
        elif source_id in sources:
            ours.append(position)
        else:
            elsewhere += 1
    backlog = _backlog(entries, fresh, ours, fill)
    return [(entries[position], position in backlog) for position in fresh], elsewhere


def _backlog(
    entries: list[FeedEntry], fresh: list[int], ours: list[int], fill: SourceFill
) -> set[int]:
    """Which fresh entries (positions, oldest first) the feed listed before it was first read.

    A feed just added keeps only its newest entry as news. One whose first poll left older
    teasers for later compares with what it stored then: older than its newest stored entry
    is the past still coming in, newer is news that arrived since.
    """
    if fill is SourceFill.CURRENT:
        return set()
    age = recency([entry.article.published_at for entry in entries])
    if fill is SourceFill.FILLING and ours:
        newest_stored = max(age[position] for position in ours)
        return {position for position in fresh if age[position] < newest_stored}
    newest = max(range(len(age)), key=age.__getitem__, default=-1)
    return {position for position in fresh if position != newest}


def _store(
    runtime: Runtime,
    target: PollTarget,
    result: FetchResult,
    parsed: ParsedFeed | None,
    prepared: list[PreparedArticle],
    complete: bool,
    known_elsewhere: int = 0,
) -> PollOutcome:
    now = runtime.clock()
    with runtime.session() as session:
        source = session.get(Source, target.id)
        report = ingest_batch(session, prepared, source=source, owner_chat_id=source.owner_chat_id)
        if parsed is not None:
            source.title = source.title or parsed.title
            source.site_url = parsed.site_url or source.site_url
        if complete:  # else the next poll must get the whole feed again, not a 304
            source.etag, source.last_modified = result.etag, result.last_modified
        if source.fill is not SourceFill.CURRENT:
            source.fill = SourceFill.CURRENT if complete else SourceFill.FILLING
        _reset_failures(session, source, _told_of_failures(source, runtime.settings), now)
        source.last_fetched_at = now
        source.next_poll_at = now + poll_interval(source, runtime.settings)
        title = source.title
    if report.added:
        log.info("feed %s: %d new articles", redact(target.url), len(report.added))
    return PollOutcome(
        target.id,
        title=title,
        added=report.added,
        backlog=report.backlog,
        duplicates=report.duplicates + known_elsewhere,
        not_modified=result.not_modified,
    )


def poll_interval(source: Source, settings: Settings) -> timedelta:
    interval = timedelta(seconds=source.poll_seconds or settings.feed_poll_seconds)
    return interval if source.owner_chat_id is None else max(interval, MIN_USER_FEED_POLL)


def _told_of_failures(source: Source, settings: Settings) -> list[int]:
    """Who hears that a feed fails: the chat that owns it (admins never learn what a chat
    reads), or else the admins."""
    return [source.owner_chat_id] if source.owner_chat_id is not None else settings.admin_user_ids


def backoff(interval: timedelta, failures: int) -> timedelta:
    """Double the wait with every failure in a row, up to six hours (or the interval if longer)."""
    return min(interval * 2 ** min(failures, 16), max(MAX_BACKOFF, interval))


def record_failure(runtime: Runtime, source_id: int, reason: str) -> None:
    now = runtime.clock()
    with runtime.session() as session:
        source = session.get(Source, source_id)
        recipients = _told_of_failures(source, runtime.settings)
        source.error_count += 1
        source.last_error = reason
        interval = poll_interval(source, runtime.settings)
        source.next_poll_at = now + backoff(interval, source.error_count)
        if source.error_count >= TELL_ADMINS_AFTER and not source.admins_told:
            key = f"feed-failing:{source.id}"
            _tell(session, recipients, key, lambda: _failing_notice(source), now)
            source.admins_told = True


def _failing_notice(source: Source) -> str:
    failed = ngettext(
        "It failed {count} time in a row; I keep trying, less often. /feeds shows every feed.",
        "It failed {count} times in a row; I keep trying, less often. /feeds shows every feed.",
        source.error_count,
    ).format(count=source.error_count)
    reason = _(source.last_error) if source.last_error else ""
    headline = bold(_("A feed keeps failing"))
    return (
        f"{headline}: {esc(source.title or source.url)}\n"
        f"{esc(source.url)}\n{esc(reason)}\n{esc(failed)}"
    )


def _reset_failures(session: Session, source: Source, recipients: list[int], now: datetime) -> None:
    """Reset the failure streak; those who heard it was failing hear that it works again."""
    if source.admins_told:
        title, url = source.title or source.url, source.url

        def notice() -> str:
            headline = bold(_("A feed works again"))
            return f"{headline}: {esc(title)}\n{esc(url)}"

        _tell(session, recipients, f"feed-recovered:{source.id}", notice, now)
    source.admins_told = False
    source.error_count = 0
    source.last_error = None


def _tell(
    session: Session, recipients: list[int], key: str, html: Callable[[], str], now: datetime
) -> None:
    """One outbox row per chat told, in that chat's language; the key names the moment, so
    each episode is told once."""
    told = []
    for chat_id in recipients:
        with speaking(chat_language(session.get(Chat, chat_id))):
            notice = Message(html())
        told.append(Outgoing(chat_id, notice, key=f"{key}:{chat_id}:{now:%Y%m%dT%H%M%S}"))
    enqueue(session, MessageKind.NOTICE, told, now=now)
