"""Sharing an article into any chat (Telegram's inline mode): only articles everyone may read,
each as a ready message with its title, summary and link."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from digests.delivery.message import Message, bold, esc, link, shorten
from digests.i18n import _
from digests.reading.articles import ArticleCard, find_articles, latest_articles, summary_of

# Telegram shows a few results at a time; more pages come with the query's offset.
RESULTS_PER_PAGE = 10
# Title searches page by reading the rows before the offset: a client asking for page 100,000
# would make one query read a million rows, so scrolling stops here.
MAX_OFFSET = 100
# A summary is a few sentences; this bounds what a huge one adds to a result and its message.
SUMMARY_CHARS = 1500
DESCRIPTION_CHARS = 120


@dataclass(frozen=True, slots=True)
class SharedArticle:
    """One inline result: what the chooser sees in the list, and the message that gets posted."""

    article_id: int
    title: str
    description: str
    message: Message


@dataclass(frozen=True, slots=True)
class SharePage:
    articles: list[SharedArticle]
    next_offset: int | None  # None: nothing further


def share_page(session: Session, query: str, *, offset: int = 0) -> SharePage:
    """Articles matching the query's title words, newest first; an empty query: the latest.

    Pages users sent for themselves never appear: an inline query may be typed into any chat,
    so it reads only articles for everyone (`chat_id=None`).
    """
    if offset > MAX_OFFSET:
        return SharePage(articles=[], next_offset=None)
    wanted = RESULTS_PER_PAGE + 1  # one more tells whether another page exists
    words = query.strip()
    if words:
        cards = find_articles(session, words, chat_id=None, limit=offset + wanted)[offset:]
    else:
        cards = latest_articles(session, limit=wanted, offset=offset)
    shown = cards[:RESULTS_PER_PAGE]
    has_more = len(cards) > RESULTS_PER_PAGE
    return SharePage(
        articles=[_shared(session, card) for card in shown],
        next_offset=offset + RESULTS_PER_PAGE if has_more else None,
    )


def _shared(session: Session, card: ArticleCard) -> SharedArticle:
    view = summary_of(session, card.id, chat_id=None)
    summary = shorten(" ".join(view.sentences), SUMMARY_CHARS) if view else ""
    parts = [bold(card.title)]
    if summary:
        parts.append(esc(summary))
    if card.url:
        parts.append(link(_("Read the article"), card.url))
    return SharedArticle(
        article_id=card.id,
        title=card.title,
        description=shorten(summary or card.source, DESCRIPTION_CHARS),
        message=Message(html="\n\n".join(parts)),
    )
