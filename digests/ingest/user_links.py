"""Summaries of what users send: a linked article (fetched under the guard, stored) or bare text."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlmodel import col, select

from digests.errors import DigestsError
from digests.i18n import N_, Phrase, _
from digests.ingest.fetch import FetchError, fetch, fetch_policy
from digests.ingest.pipeline import (
    MIN_TEXT_CHARS,
    PreparedArticle,
    derive_title,
    ensure_source,
    find_duplicate,
    ingest_batch,
    prepare_article,
)
from digests.ingest.sources.webpage import extract_page
from digests.ingest.urls import canonical_url, content_hash, without_credentials
from digests.runtime import Runtime
from digests.store.enums import SourceKind
from digests.store.tables import Article
from digests.store.visibility import visible_to
from digests.text.language import detect_language
from digests.text.summarize import LENGTHS, summarize

NO_ARTICLE = N_("I couldn't find article text on that page.")
TOO_SHORT = N_("That text is too short to summarize.")
_LINK = re.compile(r"https?://[^\s<>\"'«»“”‘’]+", re.I)
_TRAILING = ".,;:!?)]}'\"…"


class LinkError(DigestsError):
    """Why a link or text cannot be summarized; the message is shown to the user as is."""


@dataclass(frozen=True, slots=True)
class TextSummary:
    title: str
    sentences: list[str]


def find_links(text: str) -> list[str]:
    """The http(s) links written in a text, in order, without the punctuation after them."""
    links: dict[str, None] = {}  # ordered and de-duplicated in one pass, however many links
    for match in _LINK.finditer(text or ""):
        links.setdefault(_without_trailing_punctuation(match.group()), None)
    return list(links)


def _without_trailing_punctuation(link: str) -> str:
    """A sentence's full stop or closing bracket is not part of the link (unless it is paired).

    The brackets are counted once and the end moved back, so "http://a" + ")" * n costs n steps.
    """
    end = len(link)
    opened, closed = link.count("("), link.count(")")
    while end and link[end - 1] in _TRAILING:
        if link[end - 1] == ")":
            if opened >= closed:
                break
            closed -= 1
        end -= 1
    return link[:end]


async def article_from_link(runtime: Runtime, url: str, *, chat_id: int) -> int:
    """The article behind a link a chat sent: one everyone may read, or the chat's own copy,
    downloaded the first time.

    The link comes from anyone, so the download gets every guard and credentials in it are
    dropped first (the bot reads what anyone could read). A page is kept for the chat that
    sent it only, under a "page" source for its host. The download waits on the event loop,
    the extraction runs in a worker process, and only the inserts hold a transaction. Raises
    LinkError with a message for the user.
    """
    url = without_credentials(url)
    known = await asyncio.to_thread(_known_article, runtime, url, chat_id)
    if known is not None:
        return known
    policy = fetch_policy(runtime.settings)
    try:
        page = await fetch(url, policy=policy)
    except FetchError as error:
        raise LinkError(error.user_message) from None
    landed = without_credentials(page.url)  # a redirect may hand out a token of its own
    prepared = await runtime.cpu.run(prepare_page, page.body, landed)
    if prepared is None:
        raise LinkError(_(NO_ARTICLE))
    return await asyncio.to_thread(_store_page, runtime, prepared, chat_id)


def prepare_page(body: bytes, url: str) -> PreparedArticle | None:
    """A downloaded page, extracted and prepared (no actors: it is the chat's own) in one job
    for a worker process."""
    raw = extract_page(body, url=url)
    return prepare_article(raw, with_actors=False) if raw is not None else None


def _known_article(runtime: Runtime, url: str, chat_id: int) -> int | None:
    with runtime.session() as session:
        return session.exec(
            select(col(Article.id))
            .where(col(Article.canonical_url) == canonical_url(url), visible_to(chat_id))
            .limit(1)
        ).first()


def _store_page(runtime: Runtime, prepared: PreparedArticle, chat_id: int) -> int:
    raw = prepared.raw
    assert raw.url is not None  # a page is always read from its link
    parts = urlsplit(raw.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    with runtime.session() as session:
        source = ensure_source(session, kind=SourceKind.PAGE, url=origin, title=parts.hostname)
        report = ingest_batch(session, [prepared], source=source, owner_chat_id=chat_id)
        if report.added:
            return report.added[0]
        existing = find_duplicate(
            session,
            guid=None,
            canonical=canonical_url(raw.url),
            digest=content_hash(raw.text.strip()),
            owner_chat_id=chat_id,
        )
    if existing is None:
        raise LinkError(_(NO_ARTICLE))
    return existing.id


async def text_summary(runtime: Runtime, text: str, *, length: str) -> TextSummary:
    """summarize_text in a worker process; a text too short to summarize is told at once."""
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise LinkError(_(TOO_SHORT))
    return await runtime.cpu.run(summarize_text, text, length=length)


def summarize_text(text: str, *, length: str) -> TextSummary:
    """A summary of text a user sent, computed and forgotten: a private message is not news to
    store, and storing it would put it in every subscriber's digest. Its links lose their
    credentials first, since a summary can quote them."""
    text = _LINK.sub(lambda link: without_credentials(link.group()), text.strip())
    if len(text) < MIN_TEXT_CHARS:
        raise LinkError(Phrase(TOO_SHORT))  # in a worker process: said where it is shown
    language = detect_language(text)
    title = derive_title(text, language=language)
    sentences = summarize(text, sentences=LENGTHS[length], language=language, title=title)
    return TextSummary(title=title, sentences=sentences)
