"""Feed admin commands and OPML files; summaries of the links and texts users send.

Command handlers are called in a worker thread (both transports use asyncio.to_thread), so the
async use cases behind /addfeed run their own event loop there. Summaries of posts are async:
Telegram awaits them on its own loop, so a slow link holds no thread, only its own request.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.conversation import Asker
from bot.handlers.reading import preferred_length, summary_message
from bot.handlers.reading import summary as summary_by_title
from digests.delivery.message import Message, bold, esc, italic, pack_blocks
from digests.ingest import feeds as feed_admin
from digests.ingest.feeds import AddedFeed, FeedStatus, ImportReport
from digests.ingest.user_links import (
    NO_ARTICLE,
    LinkError,
    article_from_link,
    find_links,
    text_summary,
)
from digests.runtime import Runtime

IMPORT_PROMPT = (
    "Send me the OPML file as a reply to this message, or with /importopml as its caption."
)
SEND_SOMETHING = (
    "Send me a link to an article, or forward a post with a link or a longer text, "
    "and I'll summarize it. /help lists my commands."
)
EXPORT_NAME = "feeds.opml"
STILL_WORKING = (
    "I'm still working on your last link. I'll send its summary as soon as it's ready — "
    "please send this one again after that."
)


@dataclass(frozen=True, slots=True)
class Document:
    """A file for the transport to send (the OPML export)."""

    name: str
    data: bytes
    caption: str


def _say(text: str) -> list[Message]:
    return [Message(html=esc(text))]


# --- /addfeed, /removefeed, /feeds --------------------------------------------------------------


def addfeed(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    if not args.strip():
        return _say("Send the feed's address: /addfeed https://example.com/feed.xml")
    added = asyncio.run(feed_admin.add_feed(runtime, args))
    return [Message(html=_added_text(added, runtime.settings.feed_poll_seconds))]


def _added_text(added: AddedFeed, poll_seconds: float) -> str:
    if added.already_polled:
        return esc(f"I already poll “{added.title}” (#{added.source_id}).")
    lines = [
        f"{bold('Feed added')}: {esc(added.title)} (#{added.source_id})",
        esc(added.url),
        esc(
            f"First poll: {_count(added.added, 'new article')}"
            + (f", {added.duplicates} already known" if added.duplicates else "")
            + f". I check it every {round(poll_seconds / 60)} min."
        ),
    ]
    if added.error:
        lines.append(esc(f"The first poll had a problem: {added.error}"))
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def removefeed(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    if not args.strip():
        return _say("Tell me which feed: /removefeed 3 or /removefeed <address> (see /feeds).")
    with runtime.session() as session:
        source = feed_admin.remove_feed(session, args)
        title = source.title or source.url
    return _say(f"I stopped polling “{title}”. Its articles stay.")


def feeds_list(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    with runtime.session() as session:
        statuses = feed_admin.feed_statuses(session)
    if not statuses:
        return _say("No feeds yet. Add one with /addfeed <address>.")
    blocks = [bold(f"Feeds ({len(statuses)})"), *map(_status_block, statuses)]
    return [Message(html=part) for part in pack_blocks(blocks)]


def _status_block(status: FeedStatus) -> str:
    lines = [
        bold(f"#{status.id} {status.title}"),
        esc(status.url),
        esc(
            f"Last fetched: {_when(status.last_fetched_at)} · {_count(status.articles, 'article')}"
        ),
        esc(f"Next poll: {_when(status.next_poll_at, 'at the next tick')}"),
    ]
    if status.last_error:
        failures = _count(status.error_count, "failure")
        lines.append(esc(f"Last error: {status.last_error} ({failures} in a row)"))
    return "\n".join(lines)


def _when(moment: datetime | None, otherwise: str = "never") -> str:
    return moment.strftime("%d %b %Y %H:%M UTC") if moment else otherwise


# --- OPML -----------------------------------------------------------------------------------


def importopml(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """Without a file there is nothing to read yet: ask for it."""
    return _say(IMPORT_PROMPT)


def is_import_prompt(text: str | None) -> bool:
    return (text or "").strip() == IMPORT_PROMPT


def import_opml_file(runtime: Runtime, asker: Asker, data: bytes) -> list[Message]:
    with runtime.session() as session:
        report = feed_admin.import_opml(session, data)
    return _say(_import_text(report))


def _import_text(report: ImportReport) -> str:
    text = (
        f"OPML imported: {_count(len(report.added), 'feed')} added, "
        f"{len(report.skipped)} skipped (already polled)"
    )
    if report.invalid:
        text += f", {len(report.invalid)} ignored (not http or https addresses)"
    return text + ". New feeds are polled from the next scheduler tick; /feeds lists them."


def opml_document(runtime: Runtime, asker: Asker) -> Document:
    with runtime.session() as session:
        data = feed_admin.export_opml(session)
    return Document(EXPORT_NAME, data, "The feeds I poll, as OPML for any feed reader.")


def exportopml(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """For text transports (the console): the OPML itself; Telegram sends `opml_document`."""
    document = opml_document(runtime, asker)
    return [Message(html=f"<pre>{esc(document.data.decode('utf-8'))}</pre>")]


# --- summaries of links and texts ---------------------------------------------------------------


def still_working() -> list[Message]:
    """The answer to a second link or text while the sender's first is still being summarized."""
    return _say(STILL_WORKING)


def summary(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/summary <link> summarizes that page; a number or title words find a stored article."""
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
        return _say(link_failure or SEND_SOMETHING)


async def _article_summary(runtime: Runtime, asker: Asker, url: str, length: str) -> Message:
    article_id = await article_from_link(runtime, url, chat_id=asker.chat.id)
    message = await asyncio.to_thread(summary_message, runtime, asker, article_id, length)
    if message is None:
        raise LinkError(NO_ARTICLE)
    return message


async def _text_summary(runtime: Runtime, text: str, length: str) -> Message:
    summary_of_text = await text_summary(runtime, text, length=length)
    bullets = "\n".join(f"• {esc(sentence)}" for sentence in summary_of_text.sentences)
    note = italic("Summary of the text you sent (I don't keep it)")
    return Message(html=f"{bold(summary_of_text.title)}\n{note}\n\n{bullets}")
