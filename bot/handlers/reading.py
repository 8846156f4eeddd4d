"""/start, /help, /latest and /summary: reading stories and their summaries.

The one number a reader sees is a story's: /latest shows it as "#N", /story N and /summary N
take it. Article ids stay inside buttons.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.conversation import Answer, Asker
from digests.delivery.callbacks import (
    LatestPage,
    ReadArticle,
    ShowStory,
    ShowSummary,
    StorySummary,
    Subscribe,
)
from digests.delivery.message import Button, Message, bold, esc, fold_long, italic, shorten
from digests.errors import echo
from digests.i18n import N_, _
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
from digests.stories.views import (
    StoryCard,
    StorySummaryView,
    latest_stories,
    reported_by,
    story_summary_of,
)
from digests.subscriptions.images import shows_images
from digests.subscriptions.subscribers import chat_zone, get_subscription
from digests.text.summarize import LENGTHS
from digests.timezones import TimeForm, shown_time

LATEST_PAGE = 5
BUTTON_TITLE_CHARS = 28
GONE = N_("That article is no longer available.")
# The summary lengths as buttons name them (the values stay English in the callback data).
LENGTH_NAMES = {"short": N_("short"), "medium": N_("medium"), "long": N_("long")}


def date_line(card: ArticleCard, zone: ZoneInfo) -> str:
    """Source and date (the reader's); an article its source did not date shows when it was
    added instead."""
    if card.published_at is not None:
        return f"{card.source} · {shown_time(card.published_at, zone, TimeForm.DATE)}"
    added = _("added {date}").format(date=shown_time(card.ingested_at, zone, TimeForm.DATE))
    return f"{card.source} · {added}"


def reader_zone(runtime: Runtime, chat_id: int) -> ZoneInfo:
    """The zone every time shown to this chat is in."""
    with runtime.session() as session:
        return chat_zone(session, chat_id, default=runtime.settings.default_timezone)


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


def numbered(story_id: int | None, title: str) -> str:
    """A story's headline under the number /story and /summary take (HTML); a chat's own
    article has no number."""
    return bold(title if story_id is None else f"#{story_id} {title}")


def _story_line(card: StoryCard, zone: ZoneInfo) -> str:
    reported = reported_by(card.sources)
    when = shown_time(card.listed_at, zone, TimeForm.DATE)
    return f"{bold(f'#{card.id}')} {esc(card.title)}\n{italic(f'{reported} · {when}')}"


def _story_button(card: StoryCard) -> Button:
    """A story told by one report opens its summary; one told by several, its timeline."""
    title = shorten(card.title, BUTTON_TITLE_CHARS)
    if card.articles > 1 or card.newest_article_id is None:
        return Button.calling(_("Timeline: {title}").format(title=title), ShowStory(card.id))
    label = _("Get a summary: {title}").format(title=title)
    return Button.calling(label, ShowSummary(card.newest_article_id))


def latest_page(runtime: Runtime, offset: int, *, zone: ZoneInfo) -> Message:
    """The newest stories, each once with how many sources reported it."""
    with runtime.session() as session:
        cards = latest_stories(session, limit=LATEST_PAGE + 1, offset=offset)  # and one past
    cards, has_more = cards[:LATEST_PAGE], len(cards) > LATEST_PAGE
    if not cards:
        return Message(html=esc(_("No articles yet. New ones arrive as the feeds are polled.")))
    lines = [bold(_("Latest articles")), *(_story_line(card, zone) for card in cards)]
    hint = _("/summary {number} sums up story #{number}, /story {number} its timeline.")
    lines.append(italic(hint.format(number=cards[0].id)))
    rows: list[tuple[Button, ...]] = [(_story_button(card),) for card in cards]
    paging: list[Button] = []
    if offset > 0:
        paging.append(Button.calling(_("« Newer"), LatestPage(max(0, offset - LATEST_PAGE))))
    if has_more:
        paging.append(Button.calling(_("Older »"), LatestPage(offset + LATEST_PAGE)))
    if paging:
        rows.append(tuple(paging))
    return Message(html="\n\n".join(lines), buttons=tuple(rows))


def latest(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    return [latest_page(runtime, 0, zone=reader_zone(runtime, asker.chat.id))]


def preferred_length(runtime: Runtime, chat_id: int) -> str:
    with runtime.session() as session:
        subscription = get_subscription(session, chat_id)
    return subscription.summary_length if subscription else DEFAULT_LENGTH


def _bullets(sentences: list[str]) -> str:
    """A summary's sentences as bullets, folded when they run past a few lines."""
    bullets = "\n".join(f"• {esc(sentence)}" for sentence in sentences)
    return fold_long(bullets) if bullets else esc(_("This article has no text to summarize."))


def _length_buttons(chosen: str, button) -> tuple[Button, ...]:
    """Short / medium / long, the one shown ticked; `button(length)` is what each presses."""
    return tuple(
        Button.calling(
            ("✓ " if name == chosen else "") + _(LENGTH_NAMES[name]).capitalize(), button(name)
        )
        for name in LENGTHS
    )


def render_summary(view: SummaryView, zone: ZoneInfo, *, images: bool = True) -> Message:
    """The article's summary under its headline, its picture above it (unless the chat turned
    images off)."""
    card = view.article
    html = f"{numbered(card.story_id, card.title)}\n{italic(date_line(card, zone))}\n\n"
    html += _bullets(view.sentences)
    rows = [_length_buttons(view.length, lambda name: ShowSummary(card.id, name))]
    if card.url:
        rows.append((Button(_("Read the article"), url=card.url),))
    preview = card.image_url if images else None
    return Message(html=html, buttons=tuple(rows), preview=preview)


def render_story_summary(view: StorySummaryView, zone: ZoneInfo, *, images: bool = True) -> Message:
    """Story N's summary: its one report's, or the one drawn from all its reports (under the
    picture of the newest report that has one)."""
    if view.report is not None:
        return render_summary(view.report, zone, images=images)
    card = view.card
    when = shown_time(card.listed_at, zone, TimeForm.DATE)
    html = f"{numbered(card.id, card.title)}\n{italic(f'{reported_by(card.sources)} · {when}')}"
    html += f"\n\n{_bullets(view.sentences)}"
    rows = (
        _length_buttons(view.length, lambda name: StorySummary(card.id, name)),
        (Button.calling(_("Timeline"), ShowStory(card.id)),),
    )
    return Message(html=html, buttons=rows, preview=card.image_url if images else None)


def summary_message(runtime: Runtime, asker: Asker, article_id: int, length: str) -> Message | None:
    """The summary, if the asking chat may read that article (a button's id is re-checked)."""
    with runtime.session() as session:
        view = summary_of(session, article_id, chat_id=asker.chat.id, length=length)
        images = shows_images(session, asker.chat.id)
    zone = reader_zone(runtime, asker.chat.id)
    return render_summary(view, zone, images=images) if view else None


def story_summary_message(
    runtime: Runtime, asker: Asker, story_id: int, length: str
) -> Message | None:
    """Story N's summary, if the asking chat may read it (a button's number is re-checked)."""
    with runtime.session() as session:
        view = story_summary_of(session, story_id, chat_id=asker.chat.id, length=length)
        images = shows_images(session, asker.chat.id)
    zone = reader_zone(runtime, asker.chat.id)
    return render_story_summary(view, zone, images=images) if view else None


def summary(runtime: Runtime, asker: Asker, args: str) -> list[Message]:
    """/summary 3 (story #3), /summary <words of a title>; with nothing, how to use it and
    what there is."""
    query = args.strip().lstrip("#")
    length = preferred_length(runtime, asker.chat.id)
    if not query:
        zone = reader_zone(runtime, asker.chat.id)
        usage = _("Send /summary followed by a story number from /latest, e.g. /summary 3.")
        return [Message(html=esc(usage)), latest_page(runtime, 0, zone=zone)]
    if is_number(query):
        story_id = parse_number(query)
        message = (
            None if story_id is None else story_summary_message(runtime, asker, story_id, length)
        )
        if message is None:
            missing = _("There is no story #{number}. See /latest for the list.")
            return [Message(html=esc(missing.format(number=echo(query))))]
        return [message]
    with runtime.session() as session:
        matches = find_articles(session, query, chat_id=asker.chat.id)
    if not matches:
        missing = _("No article title matches “{query}”. See /latest for the list.")
        return [Message(html=esc(missing.format(query=echo(query))))]
    if len(matches) == 1:
        found = summary_message(runtime, asker, matches[0].id, length)
        return [found or Message(html=esc(_(GONE)))]
    rows = tuple(
        (Button.calling(shorten(c.title, BUTTON_TITLE_CHARS), ShowSummary(c.id)),) for c in matches
    )
    question = _("Several articles match “{query}”. Which one?").format(query=echo(query))
    return [Message(html=esc(question), buttons=rows)]


def on_summary_button(runtime: Runtime, asker: Asker, pressed: ShowSummary) -> Answer:
    """A new summary at the reader's length, or the same one switched to another in place."""
    chosen = pressed.length or preferred_length(runtime, asker.chat.id)
    message = summary_message(runtime, asker, pressed.article_id, chosen)
    if message is None:
        return Answer(notice=_(GONE), alert=True)
    return Answer(edit=message) if pressed.length else Answer(send=[message])


def on_story_summary_button(runtime: Runtime, asker: Asker, pressed: StorySummary) -> Answer:
    """Story N's summary as a new message, or switched to another length in place."""
    chosen = pressed.length or preferred_length(runtime, asker.chat.id)
    message = story_summary_message(runtime, asker, pressed.story_id, chosen)
    if message is None:
        return Answer(notice=_("That story is no longer available."), alert=True)
    return Answer(edit=message) if pressed.length else Answer(send=[message])


def on_latest_button(runtime: Runtime, asker: Asker, pressed: LatestPage) -> Answer:
    zone = reader_zone(runtime, asker.chat.id)
    if pressed.new:
        return Answer(send=[latest_page(runtime, 0, zone=zone)])
    return Answer(edit=latest_page(runtime, pressed.offset, zone=zone))


def on_read_button(runtime: Runtime, asker: Asker, pressed: ReadArticle) -> Answer:
    """The whole article, for articles that have no web address to open."""
    with runtime.session() as session:
        card = article_card(session, pressed.article_id, chat_id=asker.chat.id)
        text = article_text(session, pressed.article_id, chat_id=asker.chat.id)
    if card is None or text is None:
        return Answer(notice=_(GONE), alert=True)
    paragraphs = [esc(p) for p in text.split("\n") if p.strip()]
    zone = reader_zone(runtime, asker.chat.id)
    html = "\n\n".join(
        [numbered(card.story_id, card.title), italic(date_line(card, zone)), *paragraphs]
    )
    return Answer(send=[Message(html=html)])
