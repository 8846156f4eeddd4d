"""/start, /help, /latest and /summary: reading articles and their summaries."""

from __future__ import annotations

from bot.conversation import Answer, Asker
from digests.delivery.callbacks import LatestPage, ReadArticle, ShowStory, ShowSummary, Subscribe
from digests.delivery.message import Button, Message, bold, esc, italic, shorten
from digests.errors import echo
from digests.i18n import _
from digests.reading.articles import (
    DEFAULT_LENGTH,
    ArticleCard,
    SummaryView,
    article_card,
    article_text,
    find_articles,
    summary_of,
)
from digests.runtime import Runtime
from digests.store.ids import is_number, parse_number
from digests.stories.views import StoryCard, latest_stories, reported_by
from digests.subscriptions.subscribers import get_subscription
from digests.text.summarize import LENGTHS

LATEST_PAGE = 5
BUTTON_TITLE_CHARS = 28


def date_line(card: ArticleCard) -> str:
    """Source and date; an article its source did not date shows when it was added instead."""
    if card.published_at is not None:
        return f"{card.source} · {card.published_at.strftime('%d %b %Y')}"
    return f"{card.source} · added {card.ingested_at.strftime('%d %b %Y')}"


def start(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    welcome = _(
        "I collect news articles, summarize each one in a few sentences, and keep track of who "
        "said what. Ask me for the latest articles, a summary, or what a person said — or "
        "subscribe and I will send you a digest at your own time."
    )
    hint = _("Try /latest, /actor Putin or /subscribe. /help lists everything.")
    heading = _("No time to read? Get a summary.")
    text = f"{bold(heading)}\n\n{esc(welcome)}\n\n{esc(hint)}"
    buttons = (
        (
            Button.calling(_("Latest articles"), LatestPage(new=True)),
            Button.calling(_("Subscribe"), Subscribe()),
        ),
    )
    return [Message(html=text, buttons=buttons)]


def _story_line(card: StoryCard) -> str:
    reported = reported_by(card.sources)
    when = card.listed_at.strftime("%d %b %Y")
    return f"{bold(f'#{card.id}')} {esc(card.title)}\n{italic(f'{reported} · {when}')}"


def _story_button(card: StoryCard) -> Button:
    """A story told by one report opens its summary; one told by several, its timeline."""
    title = shorten(card.title, BUTTON_TITLE_CHARS)
    if card.articles > 1 or card.newest_article_id is None:
        return Button.calling(f"Timeline: {title}", ShowStory(card.id))
    return Button.calling(f"Get a summary: {title}", ShowSummary(card.newest_article_id))


def latest_page(runtime: Runtime, offset: int) -> Message:
    """The newest stories, each once with how many sources reported it."""
    with runtime.session() as session:
        cards = latest_stories(session, limit=LATEST_PAGE, offset=offset)
        has_more = bool(latest_stories(session, limit=1, offset=offset + LATEST_PAGE))
    if not cards:
        return Message(html="No articles yet. New ones arrive as the feeds are polled.")
    lines = [bold("Latest articles"), *(_story_line(card) for card in cards)]
    lines.append(italic("/story and a number shows a story's timeline."))
    rows: list[tuple[Button, ...]] = [(_story_button(card),) for card in cards]
    paging: list[Button] = []
    if offset > 0:
        paging.append(Button.calling("« Newer", LatestPage(max(0, offset - LATEST_PAGE))))
    if has_more:
        paging.append(Button.calling("Older »", LatestPage(offset + LATEST_PAGE)))
    if paging:
        rows.append(tuple(paging))
    return Message(html="\n\n".join(lines), buttons=tuple(rows))


def latest(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    return [latest_page(runtime, 0)]


def preferred_length(runtime: Runtime, chat_id: int) -> str:
    with runtime.session() as session:
        subscription = get_subscription(session, chat_id)
    return subscription.summary_length if subscription else DEFAULT_LENGTH


def render_summary(view: SummaryView) -> Message:
    card = view.article
    body = "\n".join(f"• {esc(sentence)}" for sentence in view.sentences) or esc(
        "This article has no text to summarize."
    )
    html = f"{bold(card.title)}\n{italic(date_line(card))}\n\n{body}"
    lengths = tuple(
        Button.calling(
            ("✓ " if name == view.length else "") + name.capitalize(), ShowSummary(card.id, name)
        )
        for name in LENGTHS
    )
    rows = [lengths]
    if card.url:
        rows.append((Button("Read the article", url=card.url),))
    return Message(html=html, buttons=tuple(rows))


def summary_message(runtime: Runtime, asker: Asker, article_id: int, length: str) -> Message | None:
    """The summary, if the asking chat may read that article (a button's id is re-checked)."""
    with runtime.session() as session:
        view = summary_of(session, article_id, chat_id=asker.chat.id, length=length)
    return render_summary(view) if view else None


def summary(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/summary 3, /summary <words of a title>; with nothing, how to use it and what there is."""
    query = args.strip().lstrip("#")
    length = preferred_length(runtime, asker.chat.id)
    if not query:
        usage = "Send /summary followed by an article number from /latest, e.g. /summary 3."
        return [Message(html=esc(usage)), latest_page(runtime, 0)]
    if is_number(query):
        article_id = parse_number(query)
        message = (
            None if article_id is None else summary_message(runtime, asker, article_id, length)
        )
        if message is None:
            missing = f"There is no article #{echo(query)}. See /latest for the list."
            return [Message(html=esc(missing))]
        return [message]
    with runtime.session() as session:
        matches = find_articles(session, query, chat_id=asker.chat.id)
    if not matches:
        missing = f"No article title matches “{echo(query)}”. See /latest for the list."
        return [Message(html=esc(missing))]
    if len(matches) == 1:
        found = summary_message(runtime, asker, matches[0].id, length)
        return [found or Message(html=esc("That article is no longer available."))]
    rows = tuple(
        (Button.calling(shorten(c.title, BUTTON_TITLE_CHARS), ShowSummary(c.id)),) for c in matches
    )
    question = f"Several articles match “{echo(query)}”. Which one?"
    return [Message(html=esc(question), buttons=rows)]


def on_summary_button(runtime: Runtime, asker: Asker, pressed: ShowSummary) -> Answer:
    """A new summary at the reader's length, or the same one switched to another in place."""
    chosen = pressed.length or preferred_length(runtime, asker.chat.id)
    message = summary_message(runtime, asker, pressed.article_id, chosen)
    if message is None:
        return Answer(notice="That article is no longer available.", alert=True)
    return Answer(edit=message) if pressed.length else Answer(send=[message])


def on_latest_button(runtime: Runtime, asker: Asker, pressed: LatestPage) -> Answer:
    if pressed.new:
        return Answer(send=[latest_page(runtime, 0)])
    return Answer(edit=latest_page(runtime, pressed.offset))


def on_read_button(runtime: Runtime, asker: Asker, pressed: ReadArticle) -> Answer:
    """The whole article, for articles that have no web address to open."""
    with runtime.session() as session:
        card = article_card(session, pressed.article_id, chat_id=asker.chat.id)
        text = article_text(session, pressed.article_id, chat_id=asker.chat.id)
    if card is None or text is None:
        return Answer(notice="That article is no longer available.", alert=True)
    paragraphs = [esc(p) for p in text.split("\n") if p.strip()]
    html = "\n\n".join([bold(card.title), italic(date_line(card)), *paragraphs])
    return Answer(send=[Message(html=html)])
