"""Admin use cases for polled feeds: add (with discovery), remove, list, OPML import and export."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from digests.errors import DigestsError, echo
from digests.ingest.fetch import FetchError, FetchResult, fetch, fetch_policy
from digests.ingest.pipeline import find_source
from digests.ingest.polling import Poller, PollTarget, poll_interval
from digests.ingest.sources.feed import ParsedFeed, parse_feed
from digests.ingest.sources.opml import OpmlOutline, build_opml, parse_opml
from digests.ingest.sources.webpage import discover_feeds
from digests.ingest.urls import canonical_url
from digests.runtime import Runtime
from digests.store.enums import SourceKind
from digests.store.ids import is_number, parse_number
from digests.store.tables import Article, Source

MAX_CANDIDATES = 5  # feeds advertised by one page that are tried before giving up
MAX_OPML_BYTES = 1024 * 1024
OPML_TITLE = "Article digests bot: feeds"
OPML_TOO_LARGE = "That file is too large for a subscription list (1 MB at most)."


class FeedError(DigestsError):
    """Why a feed command cannot be done, phrased for the admin."""


@dataclass(frozen=True, slots=True)
class AddedFeed:
    source_id: int
    title: str
    url: str
    added: int  # articles ingested by the first poll
    duplicates: int = 0
    already_polled: bool = False
    error: str | None = None  # the first poll's complaint, if it had one


@dataclass(frozen=True, slots=True)
class FeedStatus:
    id: int
    title: str
    url: str
    articles: int
    last_fetched_at: datetime | None
    next_poll_at: datetime | None
    last_error: str | None
    error_count: int


@dataclass(slots=True)
class ImportReport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already polled
    invalid: list[str] = field(default_factory=list)  # not an http(s) address


def web_address(text: str) -> str:
    """What an admin typed, as a URL: "example.com/feed" is taken to mean https."""
    text = text.strip()
    if text and "://" not in text:
        text = f"https://{text}"
    return text


# --- adding ------------------------------------------------------------------------------------


async def add_feed(runtime: Runtime, address: str) -> AddedFeed:
    """Poll a feed from now on; a site's page is searched for the feed it advertises.

    Raises FeedError with a message fit for the admin, saying why the feed could not be added.
    """
    url = web_address(address)
    try:
        result, parsed = await _download_feed(runtime, url, trusted_url=url)
        if not parsed.is_feed:
            url, result, parsed = await _discover(runtime, url, result, parsed)
    except (FetchError, FeedError) as error:
        raise FeedError(f"I couldn't add that feed: {error.user_message}") from None
    source_id, title, already = await asyncio.to_thread(_register, runtime, url, parsed.title)
    if already:
        return AddedFeed(source_id, title, canonical_url(url), 0, already_polled=True)
    target = PollTarget(source_id, canonical_url(url), trusted=True)
    outcome = await Poller(runtime).ingest_fetched(target, result)
    return AddedFeed(
        source_id,
        outcome.title or title,
        target.url,
        len(outcome.added),
        outcome.duplicates,
        error=outcome.error,
    )


async def _download_feed(
    runtime: Runtime, url: str, *, trusted_url: str
) -> tuple[FetchResult, ParsedFeed]:
    """Admins add feeds, so the host they typed is trusted (intranet feeds are allowed); any
    other host, a redirect's or one a page advertises, is checked like a user's link."""
    result = await fetch(url, policy=fetch_policy(runtime.settings, trusted_url=trusted_url))
    parsed = await runtime.cpu.run(
        parse_feed, result.body, url=result.url, content_type=result.content_type
    )
    return result, parsed


async def _discover(
    runtime: Runtime, address: str, page: FetchResult, parsed: ParsedFeed
) -> tuple[str, FetchResult, ParsedFeed]:
    """The first feed the page at the admin's `address` advertises that really is a feed."""
    candidates = (await runtime.cpu.run(discover_feeds, page.body, page.url))[:MAX_CANDIDATES]
    if not candidates:
        raise FeedError(f"{parsed.error} I found no feed advertised on it either.")
    for candidate in candidates:
        try:
            result, found = await _download_feed(runtime, candidate, trusted_url=address)
        except FetchError:
            continue
        if found.is_feed:
            return candidate, result, found
    raise FeedError("That page advertises feeds, but none of them could be read as a feed.")


def _register(runtime: Runtime, url: str, title: str | None) -> tuple[int, str, bool]:
    """The feed's source row, (re)activated; True when it was already being polled."""
    canonical = canonical_url(url)
    with runtime.session() as session:
        source = find_source(session, canonical)
        already = source is not None and source.kind == SourceKind.FEED and source.active
        if source is None:
            source = Source(kind=SourceKind.FEED, url=canonical)
            session.add(source)
        if not already:
            _activate(source, title=title)
            # The first poll runs right here; the scheduler must not start a second one meanwhile.
            source.next_poll_at = runtime.clock() + poll_interval(source, runtime.settings)
        session.flush()
        return source.id, source.title or urlsplit(canonical).hostname or canonical, already


# --- removing and listing ----------------------------------------------------------------------


def remove_feed(session: Session, reference: str) -> Source:
    """Stop polling a feed given by its number or address; its articles stay."""
    source = _find_feed(session, reference.strip().lstrip("#"))
    if source is None:
        raise FeedError(f"I have no feed “{echo(reference)}”. /feeds lists them with numbers.")
    if not source.active:
        raise FeedError(f"“{source.title or source.url}” was already removed.")
    source.active, source.next_poll_at = False, None
    session.flush()
    return source


def _find_feed(session: Session, reference: str) -> Source | None:
    if not reference:
        return None
    if is_number(reference):
        number = parse_number(reference)
        source = None if number is None else session.get(Source, number)
    else:
        url = canonical_url(web_address(reference))
        source = find_source(session, url)
    return source if source is not None and source.kind == SourceKind.FEED else None


def feed_statuses(session: Session) -> list[FeedStatus]:
    """Every feed being polled, with what an admin needs to see whether it is healthy."""
    counts = dict(
        session.exec(
            select(col(Article.source_id), func.count(col(Article.id))).group_by(
                col(Article.source_id)
            )
        ).all()
    )
    sources = session.exec(
        select(Source)
        .where(col(Source.kind) == SourceKind.FEED, col(Source.active))
        .order_by(col(Source.id))
    ).all()
    return [
        FeedStatus(
            id=source.id,
            title=source.title or source.url,
            url=source.url,
            articles=counts.get(source.id, 0),
            last_fetched_at=source.last_fetched_at,
            next_poll_at=source.next_poll_at,
            last_error=source.last_error,
            error_count=source.error_count,
        )
        for source in sources
    ]


# --- OPML ----------------------------------------------------------------------------------------


def import_opml(session: Session, data: bytes) -> ImportReport:
    """Subscribe to every feed of another reader's export; they are polled from the next tick.

    Raises OpmlError (or FeedError for an oversized file) with a message for the admin.
    """
    if len(data) > MAX_OPML_BYTES:
        raise FeedError(OPML_TOO_LARGE)
    report = ImportReport()
    for outline in parse_opml(data):
        _import_outline(session, outline, report)
    session.flush()
    return report


def _import_outline(session: Session, outline: OpmlOutline, report: ImportReport) -> None:
    parts = urlsplit(outline.xml_url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        report.invalid.append(outline.xml_url)
        return
    url = canonical_url(outline.xml_url)
    source = find_source(session, url)
    if source is not None and source.kind == SourceKind.FEED and source.active:
        report.skipped.append(url)
        return
    if source is None:
        source = Source(kind=SourceKind.FEED, url=url)
        session.add(source)
    _activate(source, title=outline.title, site_url=outline.html_url)
    report.added.append(url)


def _activate(source: Source, *, title: str | None, site_url: str | None = None) -> None:
    """A feed an admin (re)adds starts afresh: trusted, due now, no old failure streak."""
    source.kind, source.active, source.trusted, source.next_poll_at = (
        SourceKind.FEED,
        True,
        True,
        None,
    )
    source.error_count, source.last_error, source.admins_told = 0, None, False
    source.title = source.title or title
    source.site_url = source.site_url or site_url


def export_opml(session: Session) -> bytes:
    sources = session.exec(
        select(Source)
        .where(col(Source.kind) == SourceKind.FEED, col(Source.active))
        .order_by(col(Source.id))
    ).all()
    outlines = [OpmlOutline(s.title, s.url, s.site_url) for s in sources]
    return build_opml(outlines, OPML_TITLE)
