"""Use cases for polled feeds: add (with discovery), remove, list, OPML import and export.

Each works on one scope, `owner_chat_id`: None for the shared feeds admins keep, or a chat's own
feeds (USER_FEEDS). A chat's own feed is private to it (its articles inherit the owner), never
trusted with private addresses, polled at most every MIN_USER_FEED_POLL, and counted against
USER_FEED_LIMIT. Two chats adding one address each get their own copy: one shared fetch would
need a source whose articles belong to several chats at once, and a chat's failure notices,
validators and removal would touch the other's.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from digests.errors import DigestsError, echo
from digests.i18n import N_, _
from digests.ingest.fetch import FetchError, FetchResult, fetch, fetch_policy
from digests.ingest.polling import Poller, PollTarget, poll_interval
from digests.ingest.sources.feed import ParsedFeed, parse_feed
from digests.ingest.sources.opml import OpmlOutline, build_opml, parse_opml
from digests.ingest.sources.webpage import discover_feeds
from digests.ingest.urls import canonical_url, is_web_address, without_credentials
from digests.runtime import Runtime
from digests.store.enums import SourceFill, SourceKind
from digests.store.ids import is_number, parse_number
from digests.store.tables import Article, Source
from digests.store.visibility import sources_of

MAX_CANDIDATES = 5  # feeds advertised by one page that are tried before giving up
MAX_OPML_BYTES = 1024 * 1024
OPML_TITLE = N_("Article digests bot: feeds")
OPML_TOO_LARGE = N_("That file is too large for a subscription list (1 MB at most).")
NOT_AN_ADDRESS = N_("“{text}” is not a web address. Send one like https://example.com/feed.xml.")
ALREADY_SHARED = N_("Everyone already gets “{title}”: /sources turns it on or off for this chat.")
QUOTA_REACHED = N_(
    "This chat already has as many feeds of its own as I keep for one chat ({limit}). "
    "Remove one with /removefeed to add another."
)


class FeedError(DigestsError):
    """Why a feed command cannot be done, phrased for the admin."""


@dataclass(frozen=True, slots=True)
class AddedFeed:
    source_id: int
    title: str
    url: str
    added: int  # articles ingested by the first poll
    backlog: int = 0  # of those, the ones it listed already: for reading, never digests
    duplicates: int = 0
    already_polled: bool = False
    error: str | None = None  # the first poll's complaint, if it had one


@dataclass(frozen=True, slots=True)
class FeedStatus:
    id: int
    number: int  # its place in /feeds, what /removefeed takes: the only number a reader sees
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
    over_limit: list[str] = field(default_factory=list)  # past the chat's USER_FEED_LIMIT


def web_address(text: str) -> str:
    """What an admin typed, as a URL: "example.com/feed" is taken to mean https."""
    text = text.strip()
    if text and "://" not in text:
        text = f"https://{text}"
    return text


# --- adding ------------------------------------------------------------------------------------


async def add_feed(
    runtime: Runtime, address: str, *, owner_chat_id: int | None = None
) -> AddedFeed:
    """Poll a feed from now on, shared or `owner_chat_id`'s own; a site's page is searched for
    the feed it advertises.

    Raises FeedError with a message fit for whoever asked, saying why the feed could not be added.
    """
    url = _address(address, owner_chat_id)
    trusted = url if owner_chat_id is None else None
    try:
        if owner_chat_id is not None:  # refused before any download
            await asyncio.to_thread(_check_room, runtime, owner_chat_id, canonical_url(url))
        result, parsed = await _download_feed(runtime, url, trusted_url=trusted)
        if not parsed.is_feed:
            url, result, parsed = await _discover(runtime, url, result, parsed, trusted_url=trusted)
        source_id, title, already = await asyncio.to_thread(
            _register, runtime, url, parsed.title, owner_chat_id
        )
    except (FetchError, FeedError) as error:
        raise FeedError(
            _("I couldn't add that feed: {reason}").format(reason=error.user_message)
        ) from None
    if already:
        return AddedFeed(source_id, title, canonical_url(url), 0, already_polled=True)
    target = PollTarget(
        source_id, canonical_url(url), trusted=trusted is not None, owner_chat_id=owner_chat_id
    )
    outcome = await Poller(runtime).ingest_fetched(target, result)
    return AddedFeed(
        source_id,
        outcome.title or title,
        target.url,
        len(outcome.added),
        outcome.backlog,
        outcome.duplicates,
        error=outcome.error,
    )


async def _download_feed(
    runtime: Runtime, url: str, *, trusted_url: str | None
) -> tuple[FetchResult, ParsedFeed]:
    """Admins add shared feeds, so the host they typed is trusted (intranet feeds are allowed);
    any other host, a redirect's or one a page advertises, and every host of a chat's own feed
    (`trusted_url` None), is checked like a user's link."""
    result = await fetch(url, policy=fetch_policy(runtime.settings, trusted_url=trusted_url))
    parsed = await runtime.cpu.run(
        parse_feed, result.body, url=result.url, content_type=result.content_type
    )
    return result, parsed


async def _discover(
    runtime: Runtime,
    address: str,
    page: FetchResult,
    parsed: ParsedFeed,
    *,
    trusted_url: str | None,
) -> tuple[str, FetchResult, ParsedFeed]:
    """The first feed the page at `address` advertises that really is a feed."""
    candidates = (await runtime.cpu.run(discover_feeds, page.body, page.url))[:MAX_CANDIDATES]
    if not candidates:
        raise FeedError(
            _("{reason} I found no feed advertised on it either.").format(reason=parsed.error)
        )
    for advertised in candidates:
        # A chat's own feed is read as anyone could read it, whatever the page's links carry.
        candidate = advertised if trusted_url else without_credentials(advertised)
        try:
            result, found = await _download_feed(runtime, candidate, trusted_url=trusted_url)
        except FetchError:
            continue
        if found.is_feed:
            return candidate, result, found
    raise FeedError(_("That page advertises feeds, but none of them could be read as a feed."))


def _register(
    runtime: Runtime, url: str, title: str | None, owner_chat_id: int | None
) -> tuple[int, str, bool]:
    """The feed's source row in its scope, (re)activated; True when it was already polled."""
    canonical = canonical_url(url)
    with runtime.session() as session:
        if owner_chat_id is not None:  # checked again: another /addfeed may have run meanwhile
            _refuse_unless_room(session, owner_chat_id, canonical, runtime.settings.user_feed_limit)
        source = _source_at(session, canonical, owner_chat_id)
        already = source is not None and source.kind == SourceKind.FEED and source.active
        if source is None:
            source = Source(kind=SourceKind.FEED, url=canonical, owner_chat_id=owner_chat_id)
            session.add(source)
        if not already:
            _activate(source, title=title)
            # The first poll runs right here; the scheduler must not start a second one meanwhile.
            source.next_poll_at = runtime.clock() + poll_interval(source, runtime.settings)
        session.flush()
        return source.id, source.title or urlsplit(canonical).hostname or canonical, already


def _address(text: str, owner_chat_id: int | None) -> str:
    """The feed's address; for a chat's own, without credentials, as for the links users send:
    a feed is polled, logged and listed for as long as it is kept."""
    url = web_address(text)
    if not is_web_address(url):
        raise FeedError(_(NOT_AN_ADDRESS).format(text=echo(text)))
    return url if owner_chat_id is None else without_credentials(url)


def _source_at(session: Session, url: str, owner_chat_id: int | None) -> Source | None:
    query = select(Source).where(col(Source.url) == url, sources_of(owner_chat_id))
    return session.exec(query).first()


def _check_room(runtime: Runtime, owner_chat_id: int, url: str) -> None:
    with runtime.session() as session:
        _refuse_unless_room(session, owner_chat_id, url, runtime.settings.user_feed_limit)


def _refuse_unless_room(session: Session, owner_chat_id: int, url: str, limit: int) -> None:
    """A chat's own feed is refused when everyone gets it already, or the chat's quota is full
    (re-adding one it polls already never is)."""
    shared = _source_at(session, url, None)
    if shared is not None and shared.kind == SourceKind.FEED and shared.active:
        raise FeedError(_(ALREADY_SHARED).format(title=shared.title or shared.url))
    own = _source_at(session, url, owner_chat_id)
    if own is not None and own.active:
        return
    if _owned_feed_count(session, owner_chat_id) >= limit:
        raise FeedError(_(QUOTA_REACHED).format(limit=limit))


def _owned_feed_count(session: Session, owner_chat_id: int) -> int:
    return session.exec(
        select(func.count(col(Source.id))).where(
            col(Source.kind) == SourceKind.FEED, col(Source.active), sources_of(owner_chat_id)
        )
    ).one()


# --- removing and listing ----------------------------------------------------------------------


def remove_feed(session: Session, reference: str, *, owner_chat_id: int | None = None) -> Source:
    """Stop polling a feed of the scope given by its number in /feeds or its address; its
    articles stay (a chat's own stay that chat's)."""
    source = _find_feed(session, reference.strip().lstrip("#"), owner_chat_id)
    if source is None:
        raise FeedError(
            _("I have no feed “{feed}”. /feeds lists them with numbers.").format(
                feed=echo(reference)
            )
        )
    if not source.active:
        raise FeedError(_("“{feed}” was already removed.").format(feed=source.title or source.url))
    source.active, source.next_poll_at = False, None
    session.flush()
    return source


def _find_feed(session: Session, reference: str, owner_chat_id: int | None) -> Source | None:
    if not reference:
        return None
    if is_number(reference):
        # Its place in the list /feeds shows the scope, never a row id: ids count every chat's
        # feeds, so a chat would see gaps, and numbers no different from the stories'.
        number = parse_number(reference)
        if not number:
            return None
        return session.exec(_polled(owner_chat_id).offset(number - 1).limit(1)).first()
    source = _source_at(session, canonical_url(web_address(reference)), owner_chat_id)
    return source if source is not None and source.kind == SourceKind.FEED else None


def feed_statuses(session: Session, *, owner_chat_id: int | None = None) -> list[FeedStatus]:
    """Every feed of the scope being polled, with what is needed to see whether it is healthy."""
    counts = dict(
        session.exec(
            select(col(Article.source_id), func.count(col(Article.id))).group_by(
                col(Article.source_id)
            )
        ).all()
    )
    sources = _polled_feeds(session, owner_chat_id)
    return [
        FeedStatus(
            id=source.id,
            number=number,
            title=source.title or source.url,
            url=source.url,
            articles=counts.get(source.id, 0),
            last_fetched_at=source.last_fetched_at,
            next_poll_at=source.next_poll_at,
            # Kept in English; the sentences the bot knows are said in the reader's language.
            last_error=_(source.last_error) if source.last_error else None,
            error_count=source.error_count,
        )
        for number, source in enumerate(sources, start=1)
    ]


# --- OPML ----------------------------------------------------------------------------------------


def import_opml(
    session: Session, data: bytes, *, owner_chat_id: int | None = None, limit: int = 0
) -> ImportReport:
    """Subscribe to every feed of another reader's export, shared or `owner_chat_id`'s own (up
    to `limit` of those); they are polled from the next tick.

    Raises OpmlError (or FeedError for an oversized file) with a message for whoever sent it.
    """
    if len(data) > MAX_OPML_BYTES:
        raise FeedError(_(OPML_TOO_LARGE))
    report = ImportReport()
    room = None if owner_chat_id is None else limit - _owned_feed_count(session, owner_chat_id)
    for outline in parse_opml(data):
        if room is not None and room <= 0:
            report.over_limit.append(outline.xml_url)
        elif _import_outline(session, outline, report, owner_chat_id) and room is not None:
            room -= 1
    session.flush()
    return report


def _import_outline(
    session: Session, outline: OpmlOutline, report: ImportReport, owner_chat_id: int | None
) -> bool:
    """True when the outline's feed was added."""
    address = outline.xml_url if owner_chat_id is None else without_credentials(outline.xml_url)
    if not is_web_address(address):
        report.invalid.append(address)
        return False
    url = canonical_url(address)
    source = _source_at(session, url, owner_chat_id)
    shared = source if owner_chat_id is None else _source_at(session, url, None)
    if any(s is not None and s.kind == SourceKind.FEED and s.active for s in (source, shared)):
        report.skipped.append(url)
        return False
    if source is None:
        source = Source(kind=SourceKind.FEED, url=url, owner_chat_id=owner_chat_id)
        session.add(source)
    _activate(source, title=outline.title, site_url=outline.html_url)
    report.added.append(url)
    return True


def _activate(source: Source, *, title: str | None, site_url: str | None = None) -> None:
    """A feed (re)added starts afresh: due now, no old failure streak, what it lists already
    is its past (not news for anyone); an admin's is trusted."""
    trusted = source.owner_chat_id is None
    source.kind, source.active, source.trusted, source.next_poll_at = (
        SourceKind.FEED,
        True,
        trusted,
        None,
    )
    source.fill = SourceFill.NEW
    source.error_count, source.last_error, source.admins_told = 0, None, False
    source.title = source.title or title
    source.site_url = source.site_url or site_url


def export_opml(session: Session, *, owner_chat_id: int | None = None) -> bytes:
    sources = _polled_feeds(session, owner_chat_id)
    outlines = [OpmlOutline(s.title, s.url, s.site_url) for s in sources]
    return build_opml(outlines, _(OPML_TITLE))


def _polled(owner_chat_id: int | None):
    """The scope's feeds being polled, in the order they were added: /feeds numbers them so."""
    return (
        select(Source)
        .where(col(Source.kind) == SourceKind.FEED, col(Source.active), sources_of(owner_chat_id))
        .order_by(col(Source.id))
    )


def _polled_feeds(session: Session, owner_chat_id: int | None) -> list[Source]:
    return list(session.exec(_polled(owner_chat_id)).all())
