"""Feed commands and OPML files (admins' shared feeds, a chat's own with USER_FEEDS); summaries
of the links and texts users send.

Command handlers are called in a worker thread (both transports use asyncio.to_thread), so the
async use cases behind /addfeed run their own event loop there. Summaries of posts are async:
Telegram awaits them on its own loop, so a slow link holds no thread, only its own request.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.conversation import Asker
from bot.handlers.reading import preferred_length, reader_zone, summary_message
from bot.handlers.reading import summary as summary_by_title
from digests.delivery.message import Message, bold, esc, italic, pack_blocks
from digests.i18n import LANGUAGES, N_, _, catalog, ngettext
from digests.ingest import feeds as feed_admin
from digests.ingest.feeds import AddedFeed, FeedError, FeedStatus, ImportReport
from digests.ingest.polling import poll_interval
from digests.ingest.user_links import (
    NO_ARTICLE,
    LinkError,
    article_from_link,
    find_links,
    text_summary,
)
from digests.runtime import Runtime
from digests.store.tables import Source
from digests.timezones import shown_time

IMPORT_PROMPT = N_(
    "Send me the OPML file as a reply to this message, or with /importopml as its caption."
)
SEND_SOMETHING = N_(
    "Send me a link to an article, or forward a post with a link or a longer text, "
    "and I'll summarize it. /help lists my commands."
)
EXPORT_NAME = "feeds.opml"
# The answer to a second link or text while the sender's first is still being summarized.
STILL_WORKING = N_(
    "I'm still working on your last link. I'll send its summary as soon as it's ready — "
    "please send this one again after that."
)


@dataclass(frozen=True, slots=True)
class Document:
    """A file for the transport to send (the OPML export)."""

    name: str
    data: bytes
    caption: str


MINE = "mine"  # `/addfeed mine <address>`: an admin's feed of their own chat, not a shared one
NOT_A_CHAT_ADMIN = N_("Only the chat's administrators can change its feeds.")
NO_OWN_FEEDS = N_("Feeds of a chat's own are off here (USER_FEEDS).")


@dataclass(frozen=True, slots=True)
class FeedScope:
    """Whose feeds a feed command works on, and the rest of what was typed."""

    owner_chat_id: int | None  # None: the shared feeds
    args: str


def feed_scope(runtime: Runtime, asker: Asker, args: str) -> FeedScope:
    """An admin's feed commands work on the shared feeds (`mine` first: on the chat's own);
    anyone else's (let through by the router with USER_FEEDS only) on the chat's own.

    Raises FeedError when the chat may not have feeds of its own, or the asker may not change
    them. Checked on every request: admins can be removed any time.
    """
    word, _space, rest = args.strip().partition(" ")
    mine = word.lower() == MINE
    if runtime.is_admin(asker.user_id) and not mine:
        return FeedScope(None, args)
    if not runtime.settings.user_feeds:
        raise FeedError(_(NO_OWN_FEEDS))
    if not asker.can_manage_chat:
        raise FeedError(_(NOT_A_CHAT_ADMIN))
    return FeedScope(asker.chat.id, rest if mine else args)


def _say(text: str) -> list[Message]:
    return [Message(html=esc(text))]


# --- /addfeed, /removefeed, /feeds --------------------------------------------------------------


def addfeed(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    scope = feed_scope(runtime, asker, args)
    if not scope.args.strip():
        return _say(_("Send the feed's address: /addfeed https://example.com/feed.xml"))
    owner = scope.owner_chat_id
    added = asyncio.run(feed_admin.add_feed(runtime, scope.args, owner_chat_id=owner))
    with runtime.session() as session:
        interval = poll_interval(session.get_one(Source, added.source_id), runtime.settings)
    return [Message(html=_added_text(added, interval, own=owner is not None))]


def _added_text(added: AddedFeed, interval: timedelta, *, own: bool) -> str:
    if added.already_polled:
        return esc(_("I already poll “{title}”.").format(title=added.title))
    heading = _("Feed added for this chat only") if own else _("Feed added")
    first = _("First poll: {found}").format(found=_first_poll(added))
    if added.duplicates:
        first = _("{found}, {count} already known").format(found=first, count=added.duplicates)
    minutes = round(interval.total_seconds() / 60)
    lines = [
        f"{bold(heading)}: {esc(added.title)}",
        esc(added.url),
        esc(_("{found}. I check it every {minutes} min.").format(found=first, minutes=minutes)),
    ]
    if added.error:
        lines.append(esc(_("The first poll had a problem: {error}").format(error=added.error)))
    return "\n".join(lines)


def _first_poll(added: AddedFeed) -> str:
    """What the first poll brought; what the feed listed already is no news for digests."""
    if not added.backlog:
        new = ngettext("{count} new article", "{count} new articles", added.added)
        return new.format(count=added.added)
    articles = ngettext("{count} article", "{count} articles", added.added)
    older = ngettext(
        "{articles} ({count} older one for /latest and /summary only: digests start from now)",
        "{articles} ({count} older ones for /latest and /summary only: digests start from now)",
        added.backlog,
    )
    return older.format(articles=articles.format(count=added.added), count=added.backlog)


def removefeed(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    scope = feed_scope(runtime, asker, args)
    if not scope.args.strip():
        return _say(_("Tell me which feed: /removefeed 3 or /removefeed <address> (see /feeds)."))
    with runtime.session() as session:
        source = feed_admin.remove_feed(session, scope.args, owner_chat_id=scope.owner_chat_id)
        title = source.title or source.url
    return _say(_("I stopped polling “{title}”. Its articles stay.").format(title=title))


def feeds_list(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    scope = feed_scope(runtime, asker, args)
    with runtime.session() as session:
        statuses = feed_admin.feed_statuses(session, owner_chat_id=scope.owner_chat_id)
    if not statuses:
        if scope.owner_chat_id is None:
            return _say(_("No feeds yet. Add one with /addfeed <address>."))
        return _say(_("No feeds of this chat's own yet. Add one with /addfeed <address>."))
    if scope.owner_chat_id is None:
        heading = _("Feeds ({count})").format(count=len(statuses))
    else:
        heading = _("This chat's own feeds ({count} of {limit})").format(
            count=len(statuses), limit=runtime.settings.user_feed_limit
        )
    zone = reader_zone(runtime, asker.chat.id)
    blocks = [bold(heading), *(_status_block(status, zone) for status in statuses)]
    return [Message(html=part) for part in pack_blocks(blocks)]


def _status_block(status: FeedStatus, zone: ZoneInfo) -> str:
    articles = ngettext("{count} article", "{count} articles", status.articles)
    fetched = _("Last fetched: {when} · {articles}").format(
        when=_when(status.last_fetched_at, zone, _("never")),
        articles=articles.format(count=status.articles),
    )
    next_poll = _when(status.next_poll_at, zone, _("at the next tick"))
    lines = [
        bold(f"{status.number}. {status.title}"),
        esc(status.url),
        esc(fetched),
        esc(_("Next poll: {when}").format(when=next_poll)),
    ]
    if status.last_error:
        failed = ngettext(
            "Last error: {error} ({count} failure in a row)",
            "Last error: {error} ({count} failures in a row)",
            status.error_count,
        )
        lines.append(esc(failed.format(error=status.last_error, count=status.error_count)))
    return "\n".join(lines)


def _when(moment: datetime | None, zone: ZoneInfo, otherwise: str) -> str:
    return shown_time(moment, zone) if moment else otherwise


# --- OPML -----------------------------------------------------------------------------------


def importopml(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """Without a file there is nothing to read yet: ask for it."""
    feed_scope(runtime, asker, "")  # refused here already, not after an upload
    return _say(_(IMPORT_PROMPT))


def is_import_prompt(text: str | None) -> bool:
    """The bot's /importopml prompt, in any language it speaks."""
    shown = (text or "").strip()
    return any(shown == catalog(language).gettext(IMPORT_PROMPT) for language in LANGUAGES)


def import_opml_file(runtime: Runtime, asker: Asker, data: bytes) -> list[Message]:
    """An uploaded file: an admin's feeds are shared, anyone else's the chat's own."""
    scope = feed_scope(runtime, asker, "")
    with runtime.session() as session:
        report = feed_admin.import_opml(
            session, data, owner_chat_id=scope.owner_chat_id, limit=runtime.settings.user_feed_limit
        )
    return _say(_import_text(report))


def _import_text(report: ImportReport) -> str:
    added = ngettext(
        "OPML imported: {count} feed added, {skipped} skipped (already polled)",
        "OPML imported: {count} feeds added, {skipped} skipped (already polled)",
        len(report.added),
    )
    text = added.format(count=len(report.added), skipped=len(report.skipped))
    if report.invalid:
        text = _("{report}, {count} ignored (not http or https addresses)").format(
            report=text, count=len(report.invalid)
        )
    if report.over_limit:
        text = _("{report}, {count} left out (this chat has as many feeds as I keep)").format(
            report=text, count=len(report.over_limit)
        )
    done = _("{report}. New feeds are polled from the next scheduler tick; /feeds lists them.")
    return done.format(report=text)


def opml_document(runtime: Runtime, asker: Asker, args: str = "") -> Document:
    """The export of the feeds in scope as a file (FeedError for whoever has none)."""
    scope = feed_scope(runtime, asker, args)
    with runtime.session() as session:
        data = feed_admin.export_opml(session, owner_chat_id=scope.owner_chat_id)
    if scope.owner_chat_id is None:
        caption = _("The feeds I poll, as OPML for any reader.")
    else:
        caption = _("The feeds of this chat's own I poll, as OPML for any reader.")
    return Document(EXPORT_NAME, data, caption)


def exportopml(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """For text transports (the console): the OPML itself; Telegram sends `opml_document`."""
    document = opml_document(runtime, asker, args)
    return [Message(html=f"<pre>{esc(document.data.decode('utf-8'))}</pre>")]


# --- summaries of links and texts ---------------------------------------------------------------


def summary(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/summary <link> summarizes that page; a story number or title words find a stored one."""
    links = find_links(args)
    if not links:
        return summary_by_title(runtime, asker, args)
    return asyncio.run(summarize_post(runtime, asker, "", links))


async def summarize_post(
    runtime: Runtime, asker: Asker, text: str, links: list[str]
) -> list[Message]:
    """A sent, forwarded or replied-to post: its link's article, or else its own text."""
    length = await asyncio.to_thread(preferred_length, runtime, asker.chat.id)
    link_failure = None
    if links:
        try:
            return [await _article_summary(runtime, asker, links[0], length)]
        except LinkError as error:
            link_failure = error.user_message
    try:
        return [await _text_summary(runtime, text, length)]
    except LinkError:
        return _say(link_failure or _(SEND_SOMETHING))


async def _article_summary(runtime: Runtime, asker: Asker, url: str, length: str) -> Message:
    article_id = await article_from_link(runtime, url, chat_id=asker.chat.id)
    message = await asyncio.to_thread(summary_message, runtime, asker, article_id, length)
    if message is None:
        raise LinkError(_(NO_ARTICLE))
    return message


async def _text_summary(runtime: Runtime, text: str, length: str) -> Message:
    summary_of_text = await text_summary(runtime, text, length=length)
    bullets = "\n".join(f"• {esc(sentence)}" for sentence in summary_of_text.sentences)
    note = italic(_("Summary of the text you sent (I don't keep it)"))
    return Message(html=f"{bold(summary_of_text.title)}\n{note}\n\n{bullets}")
